// The experiment's data choices turned into prepare()'s options, the task chosen from the target
// column, and the prepared data in float32 with the target in model units.
#include "lrtune/experiment/data_options.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/gathered_column.hpp"
#include "lrtune/data/prepare_shards.hpp"
#include "lrtune/data/task.hpp"
#include "lrtune/train/class_weights.hpp"

namespace lrtune {

namespace {

CsvOptions read_options(const DataOptions& d) {
  CsvOptions csv = d.csv;
  // A dropped column is not used: a few non-numbers in it are no reason to stop.
  csv.lenient_columns.insert(d.drop.begin(), d.drop.end());
  return csv;
}

Table read_table(const DataOptions& d) {
  const CsvOptions csv = read_options(d);
  return d.csv_text ? parse_csv(*d.csv_text, csv, d.path) : read_csv(std::filesystem::path(d.path), csv);
}

Vector balanced_weights(const Matrix& y_train, const TaskSpec& task) {
  const std::vector<Index> labels = class_labels(y_train);
  return sample_weights_from_labels(labels, class_weights_balanced(labels, task.classes));
}

// The same weights when each rank holds some of the train rows: the classes counted over all ranks.
Vector balanced_weights(const Matrix& y_train, const TaskSpec& task, const Communicator& ranks) {
  const std::vector<Index> labels = class_labels(y_train);
  std::vector<double> counts = class_counts(labels, task.classes);
  ranks.allreduce_sum(counts);
  return sample_weights_from_labels(labels, class_weights_from_counts(counts));
}

std::optional<TargetRule> positive_rule(const DataOptions& d) {
  return d.positive.empty() ? std::nullopt : std::optional<TargetRule>(TargetRule::parse(d.positive));
}

void check_class_weights(const DataOptions& d, const TaskChoice& choice) {
  if (d.balanced_class_weight && choice.rule.kind == TargetKind::regression)
    throw UsageError(
        fmt::format("--class-weight balanced: target {} is a regression; class weights need classes", d.target));
}

// The prepared data with its task; the features moved, not copied, into the float32 matrices the
// training reads (held once: prepared.x_train and x_test left empty), the targets in model units.
ExperimentData with_task(PreparedData prepared, const TaskChoice& choice, const DataOptions& d) {
  ExperimentData data;
  data.prepared = std::move(prepared);
  const auto classes = static_cast<Index>(data.prepared.preprocessing.target_classes.size());
  data.task = task_spec(choice.rule.kind, classes, d.loss);
  data.task_explanation = choice.explanation;
  data.x_train = std::move(data.prepared.x_train);
  data.x_test = std::move(data.prepared.x_test);
  data.y_train = model_target(data.prepared.y_train, data.task, data.prepared.preprocessing.target_scaler);
  data.y_test = model_target(data.prepared.y_test, data.task, data.prepared.preprocessing.target_scaler);
  return data;
}

// Each rank reads its byte range of the file; the task is chosen from the whole target column
// (gathered: one column, not the table), and the preprocessing computed over the ranks.
ExperimentData load_data_shards(const DataOptions& d, const Communicator& ranks) {
  if (d.csv_text) throw UsageError("reading in shards needs a file; CSV text in memory is read whole");
  CsvShard shard = read_csv_shard(std::filesystem::path(d.path), read_options(d), ranks);
  const TaskChoice choice =
      choose_task(gathered_column(shard.table, d.target, ranks), positive_rule(d), d.task, shard.table.source);
  check_class_weights(d, choice);
  StepRecord read{"read_csv",
                  fmt::format("{} rows, {} columns from {}, in {} shards", shard.total_rows, shard.table.cols(),
                              shard.table.source, ranks.size()),
                  {{"rows", shard.total_rows},
                   {"columns", shard.table.cols()},
                   {"source", shard.table.source},
                   {"shards", ranks.size()}}};
  ShardPreparedData p = prepare_shards(std::move(shard.table), prepare_options(d, choice.rule), ranks);
  p.prepared.steps.insert(p.prepared.steps.begin(), std::move(read));
  ExperimentData data = with_task(std::move(p.prepared), choice, d);
  data.held_train_rows = std::move(p.train_positions);
  data.train_rows_total = p.train_total;
  if (d.balanced_class_weight) data.train_weights = balanced_weights(data.y_train, data.task, ranks);
  return data;
}

}  // namespace

PrepareOptions prepare_options(const DataOptions& d, const TargetRule& rule) {
  PrepareOptions options;
  options.target = d.target;
  options.target_rule = rule;
  options.drop_columns = d.drop;
  options.test_size = d.test_size;
  options.split_seed = d.split_seed;
  options.encoder.unknown = d.unknown_levels;
  options.keep_columns = d.keep;
  options.missing = d.missing;
  options.impute = d.impute;
  options.missing_drop_columns = d.missing_drop_columns;
  return options;
}

ExperimentData load_data(const DataOptions& d) {
  if (d.target.empty()) throw UsageError("no target column named; expected --target COLUMN");
  if (d.shards != nullptr && d.shards->size() > 1) return load_data_shards(d, *d.shards);
  Table raw = read_table(d);
  const TaskChoice choice = choose_task(raw.columns[static_cast<std::size_t>(raw.index_of(d.target, "target"))],
                                        positive_rule(d), d.task, raw.source);
  check_class_weights(d, choice);

  StepRecord read{"read_csv",
                  fmt::format("{} rows, {} columns from {}", raw.rows(), raw.cols(), raw.source),
                  {{"rows", raw.rows()}, {"columns", raw.cols()}, {"source", raw.source}}};

  // The raw table is given away: prepare() frees its rows step by step (a big table held once).
  PreparedData prepared = prepare(std::move(raw), prepare_options(d, choice.rule));
  if (!d.csv_text) prepared.steps.insert(prepared.steps.begin(), std::move(read));
  ExperimentData data = with_task(std::move(prepared), choice, d);
  if (d.balanced_class_weight) data.train_weights = balanced_weights(data.y_train, data.task);
  return data;
}

}  // namespace lrtune
