// The experiment's data: which CSV (a file or text in memory), the target and its task (binary,
// multiclass or regression: inferred from the column, or told), the missing-value policy, the split;
// and the prepared data in float32, the target in model units, as the engine trains on it.
// Reading, choosing the task and preparing are data's (read_csv, choose_task, prepare); this file
// gathers the choices a workflow makes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/nn/losses.hpp"

namespace lrtune {

struct DataOptions {
  std::string path;                     // the CSV file; with csv_text, the name messages give the text
  std::optional<std::string> csv_text;  // the CSV itself, instead of reading `path`
  std::string target;                   // the target column (required)
  // The binary rule: a comparison on a numeric target (">=6") or the positive class ("white").
  // Empty: the task is inferred from the target's values (data/task.hpp's choose_task).
  std::string positive;
  std::optional<TargetKind> task;  // overrides the inferred task (--task)
  std::optional<Loss> loss;        // nullopt: the task's default (task_spec.hpp)
  // Balanced class weights (scikit-learn's n_samples / (classes * count)) for the classifiers'
  // trainings; the range test and the search train unweighted.
  bool balanced_class_weight = false;
  std::vector<std::string> drop;  // columns not used (a few non-numbers in them are no error)
  std::vector<std::string> keep;  // features kept even when identifier-like (names, tickets, ids)
  // Missing values (preprocessing.hpp's PrepareOptions): the default rule for every feature (`missing`,
  // with impute.numeric / impute.categorical), per-column fills (impute.per_column) and per-column
  // row drops (missing_drop_columns).
  MissingPolicy missing = MissingPolicy::drop_rows;
  ImputerOptions impute;
  std::vector<std::string> missing_drop_columns;
  UnknownLevel unknown_levels = UnknownLevel::all_zero;  // a level the train part has not seen
  double test_size = 0.2;                                // share of the rows held out as the test split
  std::uint32_t split_seed = 42;                         // the split's own seed
  CsvOptions csv;                                        // delimiter, missing tokens, skip_rows, header, cancel, ...
  // Read the file in shards over these ranks (a regular file, not csv_text): each rank parses only
  // its byte range and keeps only its train rows (ExperimentData::held_train_rows), every rank
  // computing the preprocessing one process would (data/csv_shards.hpp, data/prepare_shards.hpp).
  // For data-parallel training; nullptr or one rank: every row read here.
  const Communicator* shards = nullptr;
};

// The prepared data in float32, the target in model units.
struct ExperimentData {
  PreparedData prepared;
  TaskSpec task;                 // output layer, loss and epoch metrics of the target's task
  std::string task_explanation;  // one line: which task and why, naming the flag that changes it
  // (rows, features): load_data moves prepared.x_train and x_test here (they are left empty), so
  // the features are held once.
  Matrix x_train, x_test;
  // (rows, task.outputs) in model units: 0/1 (binary), one-hot rows (multiclass), or the target
  // standardised with the train split's mean and std (regression; prepared.preprocessing.target_scaler).
  Matrix y_train, y_test;
  // (train rows,) with balanced_class_weight, else empty: each train row's class weight.
  Vector train_weights;
  // Read in shards over ranks (each rank holds only its train rows): the rows of x_train, y_train
  // and train_weights are one process's x_train rows at these positions (ascending), of
  // train_rows_total in all; x_test and y_test are whole. Empty and 0: every train row is here.
  std::vector<Index> held_train_rows;
  Index train_rows_total = 0;
  bool train_rows_spread() const { return train_rows_total > 0; }
  // Train rows over all ranks: one process's x_train.rows().
  Index train_rows() const { return train_rows_spread() ? train_rows_total : x_train.rows(); }
};

// The options prepare() takes, with the target rule the task choice made (`rule`).
PrepareOptions prepare_options(const DataOptions& options, const TargetRule& rule);
// Reads (or parses csv_text; or, with `shards`, this rank's part: a collective), chooses the task
// (choose_task: `positive`, then `task`, then the values) and prepares. DataError on the data, as choose_task and
// prepare() throw it; UsageError for a positive rule or loss the task cannot take.
ExperimentData load_data(const DataOptions& options);

}  // namespace lrtune
