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
// Draws the charts into <out>/charts and writes <out>/report.html.
void write_report_files(CommandContext& context, const ReportInputs& inputs);

}  // namespace lrtune::cli
