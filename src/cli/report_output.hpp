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
// One trained model's test results as the report shows them.
ModelEvaluation model_evaluation(const TrainResult& result);
// Draws the charts into <out>/charts and writes <out>/report.html.
void write_report_files(CommandContext& context, const ReportInputs& inputs);

}  // namespace lrtune::cli
