// `lrtune evaluate` and `lrtune predict`: load a saved model, apply its fitted preprocessing
// to the raw rows of a CSV, then score (evaluate) or write predictions per task (predict: the rows
// io/predictions.hpp makes).
// Every row of the CSV is accounted for: scored, or named with the reason it could not be.
#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/experiment/test_metrics.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/predictions.hpp"
#include "lrtune/train/fit.hpp"

namespace lrtune::cli {
namespace {

struct Scored {
  SavedModel loaded;
  AppliedData applied;
  Matrix probabilities;  // (scored rows, outputs): the model's outputs for the rows of applied.x
  Index rows = 0;        // data rows in the CSV: scored + applied.unscored
};

// Loads, applies and predicts; the preprocessing's warnings (unseen levels) are shown here.
Scored score(const CommandContext& c, const std::string& model_path, const std::string& data_path) {
  SavedModel loaded = load_model(model_path);
  const Table raw = read_csv(data_path, loaded.preprocessing.csv_options(csv_options(c.settings)));
  AppliedData applied = loaded.preprocessing.apply(raw);
  for (const auto& warning : applied.warnings) c.console.warning(warning + "\n");
  Matrix probabilities(0, loaded.model.output_dim());  // (scored rows, outputs): K for multiclass
  if (applied.x.rows() > 0) probabilities = loaded.model.predict(to_float(applied.x), 1024);
  return {std::move(loaded), std::move(applied), std::move(probabilities), raw.rows()};
}

}  // namespace

int command_evaluate(CommandContext& c, const std::string& model_path, const std::string& data_path) {
  Scored scored = score(c, model_path, data_path);
  const auto& unscored = scored.applied.unscored;
  if (scored.applied.x.rows() == 0)
    throw DataError(
        fmt::format("{}: none of the {} rows can be scored ({})", data_path, scored.rows, describe_unscored(unscored)));
  if (!scored.applied.y)
    throw DataError(fmt::format("{}: evaluate needs the target column '{}' without missing values", data_path,
                                scored.loaded.preprocessing.target));
  if (!unscored.empty())
    c.console.warning(fmt::format("{}: {} of {} rows not scored ({}); the scores are over the other {} rows\n",
                                  data_path, unscored.size(), scored.rows, describe_unscored(unscored),
                                  scored.applied.x.rows()));
  const FittedPreprocessing& p = scored.loaded.preprocessing;
  const TaskSpec task = task_spec(p.target_rule.kind, static_cast<Index>(p.target_classes.size()), scored.loaded.loss);
  const Matrix y = model_target(*scored.applied.y, task, p.target_scaler);
  const TestMetrics test = test_metrics(scored.loaded.model, task, to_float(scored.applied.x), y, p.target_scaler);
  c.console.result(fmt::format("{} rows: {}", test.rows, test_metrics_text(test, p.target_classes)));
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "evaluate"},
                              {"task", std::string(target_kind_name(task.kind))},
                              {"rows", test.rows},
                              {"rows_not_scored", unscored.size()}};
    for (const auto& [name, value] : test.values) summary[name] = value;
    if (test.confusion.size() > 0) summary["confusion"] = confusion_json(test.confusion);
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

int command_predict(CommandContext& c, const std::string& model_path, const std::string& data_path,
                    const std::string& output_csv) {
  Scored scored = score(c, model_path, data_path);
  const AppliedData& applied = scored.applied;
  const FittedPreprocessing& preprocessing = scored.loaded.preprocessing;
  const TargetKind task = preprocessing.target_rule.kind;
  // Scored and unscored rows in file order, per task (io/predictions.hpp); scored.probabilities
  // holds the model's outputs whatever the task.
  const PredictionInputs inputs{preprocessing, scored.loaded.model.output_activation(), applied, scored.probabilities};
  const std::string csv = predictions_csv(inputs);
  if (!applied.unscored.empty())
    c.console.warning(
        fmt::format("{}: {} of {} rows have no prediction ({}); they are written with {} and the "
                    "reason\n",
                    data_path, applied.unscored.size(), scored.rows, describe_unscored(applied.unscored),
                    task == TargetKind::binary       ? "an empty probability and class"
                    : task == TargetKind::multiclass ? "empty probabilities and class"
                                                     : "an empty value"));
  if (output_csv.empty()) {
    if (!c.settings.json) fmt::print("{}", csv);
  } else {
    write_text_atomically(output_csv, csv);
    c.console.message(fmt::format("{} rows written to {}\n", scored.rows, output_csv));
  }
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "predict"},
                              {"task", std::string(target_kind_name(task))},
                              {"rows", scored.rows},
                              {"rows_not_scored", applied.unscored.size()}};
    if (task == TargetKind::multiclass) summary["classes"] = preprocessing.target_classes;
    if (!output_csv.empty())
      summary["output"] = output_csv;
    else
      summary["predictions"] = predictions_json(inputs);
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

}  // namespace lrtune::cli
