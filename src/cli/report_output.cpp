// ReportInputs from the CLI's results, and the one-time gnuplot hint.
#include "report_output.hpp"
#include "toml.hpp"

#include <sstream>

#include <fmt/format.h>

#include "lrtune/report/gnuplot.hpp"

namespace lrtune::cli {

ReportInputs report_inputs(const CommandContext& c, const Dataset& data) {
  ReportInputs inputs;
  inputs.title = fmt::format("lrtune {}: {}", c.command, data.prepared.summary.source);
  inputs.command_line = c.command_line;
  inputs.data = data.prepared.summary;
  inputs.preprocessing_steps = data.prepared.steps;
  inputs.class_names = data.prepared.preprocessing.target_classes;
  std::ostringstream json;
  json << toml::json_formatter{toml::parse(to_toml(c.settings))};
  inputs.configuration = nlohmann::json::parse(json.str());
  return inputs;
}

ModelEvaluation model_evaluation(const TestMetrics& test) {
  ModelEvaluation e;
  const auto measured = [&](std::string_view name) {
    return test.values.find(name).value_or(ModelEvaluation::kNotMeasured);
  };
  e.accuracy = measured("accuracy");
  e.macro_f1 = measured("macro_f1");
  e.rmse = measured("rmse");
  e.mae = measured("mae");
  e.r2 = measured("r2");
  e.loss = test.at("loss");
  e.confusion = test.confusion;
  e.per_class = test.per_class;
  return e;
}

ModelEvaluation model_evaluation(const TrainResult& r) {
  ModelEvaluation e = model_evaluation(r.test);
  e.epochs = r.epochs_run;
  e.train_seconds = r.history.train_seconds;
  return e;
}

std::vector<double> test_actual(const Dataset& data) {
  if (data.task.kind != TargetKind::regression) return {};
  const VectorD& y = data.prepared.y_test;
  return {y.data(), y.data() + y.size()};
}

std::vector<double> test_predicted(const Dataset& data, const Sequential& model) {
  if (data.task.kind != TargetKind::regression) return {};
  Sequential scoring = model;  // predict works in the model's own buffers: a copy keeps the caller's const
  const VectorD values = data.prepared.preprocessing.target_scaler.to_target_units(scoring.predict(data.x_test, 1024));
  return {values.data(), values.data() + values.size()};
}

void write_report_files(CommandContext& c, const ReportInputs& inputs) {
  ReportOptions options;
  options.chart_folder = c.out.file("charts");
  const ReportOutput output = write_report(c.out.file("report.html"), inputs, options);
  if (output.gnuplot_missing) c.console.warning(fmt::format("no charts drawn: {}\n", kGnuplotInstallHint));
  for (const auto& w : output.warnings) c.console.warning(w + "\n");
}

}  // namespace lrtune::cli
