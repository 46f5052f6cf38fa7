// The steps of prepare() (preprocessing.cpp) that the sharded preparation (prepare_shards.cpp)
// runs as they are, on its own rows or on what the ranks gathered, so that both log, warn and fail
// with the same words. Private to src/data.
#pragma once

#include <string>
#include <vector>

#include "lrtune/data/identifier_columns.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace lrtune::prepare_steps {

// The features by missing-value rule: rows missing one of `drop` are dropped before the split; the
// `impute` ones are filled by an imputer fitted on the train part. File order in each.
struct MissingPlan {
  std::vector<std::string> drop, impute;
};

// The positions (into the kept table) of the rows of each part, in split order.
struct PartPositions {
  std::vector<Index> train, validation, test;
};

// The tables of the three parts.
struct PartTables {
  Table train, validation, test;
};

// Class counts per part (empty for regression).
struct PartClassCounts {
  std::vector<Index> train, validation, test;
};

std::vector<std::string> feature_columns(const Table& raw, const PrepareOptions& o);
void check_keep_columns(const Table& raw, const PrepareOptions& o);
std::vector<std::string> drop_identifier_features(const std::vector<IdentifierColumn>& ids, const std::string& source,
                                                  std::vector<std::string>& features, StepLog& log,
                                                  std::vector<std::string>& warnings);
MatrixD build_matrix(const Table& table, const std::vector<std::string>& numeric, const CategoricalEncoder& encoder,
                     std::vector<UnseenLevels>* unseen = nullptr);
VectorD take(const VectorD& y, const std::vector<Index>& positions);
std::vector<std::string> used_columns(const std::vector<std::string>& features, const PrepareOptions& o);
Table select_columns(const Table& raw, Table* owned, const std::vector<std::string>& features, const PrepareOptions& o,
                     StepLog& log);
MissingPlan plan_missing(const Table& raw, const std::vector<std::string>& features, const PrepareOptions& o);
void log_target(const Target& target, const PrepareOptions& o, Index rows, StepLog& log);
// `target.values` are read only for a stratified split (the class numbers of all `rows`).
PartPositions split_rows(const Target& target, Index rows, const PrepareOptions& o, const std::string& source,
                         StepLog& log);
PartTables split_table(Table table, const PartPositions& positions);
void fit_encoder(const Table& train, const std::vector<std::string>& features, const PrepareOptions& o,
                 FittedPreprocessing& fitted, StepLog& log);
// The scale step's record for `fitted.scaler`; returns the warning for constant features, or "".
std::string log_scaler(const PrepareOptions& o, const FittedPreprocessing& fitted, Index train_rows, Index features,
                       StepLog& steps);
Matrix scaled_float(const Scaler& scaler, MatrixD x);
void warn_unseen_levels(const std::string& source, std::vector<UnseenLevels> unseen_validation,
                        const std::vector<UnseenLevels>& unseen_test, std::vector<std::string>& warnings);
void log_target_scaler(const PrepareOptions& o, const TargetScaler& used, Index train_rows, StepLog& steps);
void warn_classes_missing_from_train(const Target& target, const PrepareOptions& o, const std::vector<Index>& train,
                                     std::vector<std::string>& warnings);
void summarize_handling(DataSummary raw_summary, const std::vector<std::string>& features,
                        const std::vector<std::string>& identifiers, const StepLog& steps,
                        const FittedPreprocessing& preprocessing, DataSummary& s);
TargetSummary target_summary(const Target& target, const PrepareOptions& o, const PartClassCounts& counts,
                             bool has_validation);
PreparedData prepare_table(const Table& raw, Table* owned, const PrepareOptions& o);

}  // namespace lrtune::prepare_steps
