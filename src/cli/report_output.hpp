// The charts and report.html of a command, through report's write_report: the CLI only fills
// ReportInputs from its results. Without gnuplot the report has tables only and the command
// says once how to get the charts.
#pragma once

#include <optional>
#include <vector>

#include "commands.hpp"
#include "lrtune/report/html_report.hpp"

namespace lrtune::cli {

// Title, command line, data summary and steps, effective configuration.
ReportInputs report_inputs(const CommandContext& context, const Dataset& data);
// A model's test scores as the report shows them (the task's metrics; the others not measured).
ModelEvaluation model_evaluation(const TestMetrics& test);
// The same for one training, with its epochs and time.
ModelEvaluation model_evaluation(const TrainResult& result);
// Regression: the test split's target in its units, for ReportInputs::test_actual; empty for classifiers.
std::vector<double> test_actual(const Dataset& data);
// Regression: `model`'s predictions on the test split in the target's units (the rows of
// test_actual), for ReportModel::test_predicted; empty for classifiers.
std::vector<double> test_predicted(const Dataset& data, const Sequential& model);
// Draws the charts into <out>/charts and writes <out>/report.html.
void write_report_files(CommandContext& context, const ReportInputs& inputs);

}  // namespace lrtune::cli
