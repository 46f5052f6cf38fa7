// The experiment's data choices turned into prepare()'s options, the task chosen from the target
// column, and the prepared data in float32 with the target in model units.
#include "lrtune/experiment/data_options.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/task.hpp"
#include "lrtune/train/class_weights.hpp"

namespace lrtune {

namespace {

Table read_table(const DataOptions& d) {
  CsvOptions csv = d.csv;
  // A dropped column is not used: a few non-numbers in it are no reason to stop.
  csv.lenient_columns.insert(d.drop.begin(), d.drop.end());
  return d.csv_text ? parse_csv(*d.csv_text, csv, d.path) : read_csv(std::filesystem::path(d.path), csv);
}

Vector balanced_weights(const Matrix& y_train, const TaskSpec& task) {
  const std::vector<Index> labels = class_labels(y_train);
  return sample_weights_from_labels(labels, class_weights_balanced(labels, task.classes));
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
  Table raw = read_table(d);
  const std::optional<TargetRule> positive =
      d.positive.empty() ? std::nullopt : std::optional<TargetRule>(TargetRule::parse(d.positive));
  const TaskChoice choice = choose_task(raw.columns[static_cast<std::size_t>(raw.index_of(d.target, "target"))],
                                        positive, d.task, raw.source);
  if (d.balanced_class_weight && choice.rule.kind == TargetKind::regression)
    throw UsageError(
        fmt::format("--class-weight balanced: target {} is a regression; class weights need classes", d.target));

  StepRecord read{"read_csv",
                  fmt::format("{} rows, {} columns from {}", raw.rows(), raw.cols(), raw.source),
                  {{"rows", raw.rows()}, {"columns", raw.cols()}, {"source", raw.source}}};

  ExperimentData data;
  // The raw table is given away: prepare() frees its rows step by step (a big table held once).
  data.prepared = prepare(std::move(raw), prepare_options(d, choice.rule));
  if (!d.csv_text) data.prepared.steps.insert(data.prepared.steps.begin(), std::move(read));
  const auto classes = static_cast<Index>(data.prepared.preprocessing.target_classes.size());
  data.task = task_spec(choice.rule.kind, classes, d.loss);
  data.task_explanation = choice.explanation;
  // Moved, not copied: the features are held once, in float32 (prepared.x_train and x_test empty).
  data.x_train = std::move(data.prepared.x_train);
  data.x_test = std::move(data.prepared.x_test);
  data.y_train = model_target(data.prepared.y_train, data.task, data.prepared.preprocessing.target_scaler);
  data.y_test = model_target(data.prepared.y_test, data.task, data.prepared.preprocessing.target_scaler);
  if (d.balanced_class_weight) data.train_weights = balanced_weights(data.y_train, data.task);
  return data;
}

}  // namespace lrtune
