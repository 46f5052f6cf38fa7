// The commands: each takes its effective settings, the console and the output folder and
// returns an exit code. Flag parsing and error reporting are main.cpp's.
#pragma once

#include <stdexcept>
#include <string>

#include "console.hpp"
#include "output_dir.hpp"
#include "settings.hpp"
#include "workflow.hpp"

namespace lrtune::cli {

// `train` stopped on a non-finite loss after writing what it had: main prints the one line
// and exits with kExitDiverged, keeping the output folder.
class TrainingDiverged : public NumericError {
 public:
  using NumericError::NumericError;
};

struct CommandContext {
  std::string command;       // "find", "run", ...
  std::string command_line;  // as typed, for the report
  Settings settings;
  Console console;
  OutputDir& out;
};

int command_find(CommandContext& context, const std::string& data_path);
int command_train(CommandContext& context, const std::string& data_path);
// `tune`: the learning-rate search on the training split; tuning.json, candidates CSV, chart, report, model.
int command_tune(CommandContext& context, const std::string& data_path);
// The interval, the rungs and the candidates of a search as text (tune prints it; run and train
// --lr auto with --verbose).
std::string tuning_text(const TuningResult& result);
// Only the interval and why (run's and train --lr auto's default: the rung lines said the rest).
std::string search_interval_text(const TuningResult& result);
// "Pick: learning rate ..., validation loss ... at epoch ..." and the pick's reason: run's and
// train --lr auto's line after the search's tables.
std::string pick_summary_text(const TuningResult& result);
// Why the search picked its rate (the decision against the default, wrapped), without the parts of
// the explanation that repeat the interval and the rungs.
std::string pick_reason_text(const TuningResult& result);
// `run`; demo passes the built-in CSV text as csv_text.
int command_run(CommandContext& context, const std::string& data_path, const std::optional<std::string>& csv_text = {});
int command_evaluate(CommandContext& context, const std::string& model_path, const std::string& data_path);
int command_predict(CommandContext& context, const std::string& model_path, const std::string& data_path,
                    const std::string& output_csv);

// Shared by the commands that prepare data: config.toml, data_summary.{txt,json}, data_steps.json.
void write_data_files(CommandContext& context, const Dataset& data);
// The range test's files (range_test.csv, range_test.json) and its printed table and chart.
// Returns the chosen rate (nullopt when the rule found none) and sets *rule to the rule's name.
// `print` false: the files only (run's range test when the search picks the rate: its suggestions
// are one line beside the tuned rate).
std::optional<double> report_range_test(CommandContext& context, const RangeTestCurve& curve, std::string* rule,
                                        bool print = true);
// The confusion matrix as a small table (rows "true <class>", columns "pred <class>"; class numbers
// when `class_names` is empty); the model file of one training.
std::string confusion_text(const ConfusionMatrix& matrix, const std::vector<std::string>& class_names = {});
// The test scores in one line ("loss 0.4012, accuracy 0.7700"; regression: "RMSE 9.01, MAE 5.32,
// R² 0.654, loss 0.3101 (standardised)"), then for classifiers the confusion matrix and, with more
// than two classes, per-class precision, recall, F1 and support.
std::string test_metrics_text(const TestMetrics& test, const std::vector<std::string>& class_names);
void write_model(CommandContext& context, const Dataset& data, const TrainResult& result, const std::string& name);
// "1.234e-03"-style short rate.
std::string format_rate(double rate);

}  // namespace lrtune::cli
