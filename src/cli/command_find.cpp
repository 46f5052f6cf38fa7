// `lrtune find`: prepare the data, run the range test, print the suggestions and a text
// chart, write the curve.
#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/report/text_chart.hpp"
#include "phase_lines.hpp"
#include "ranks.hpp"
#include "report_output.hpp"
#include "signals.hpp"
#include "size_checks.hpp"
#include "text_output.hpp"

namespace lrtune::cli {

std::string format_rate(double rate) { return fmt::format("{:.3g}", rate); }

void write_data_files(CommandContext& c, const Dataset& data) {
  c.out.write("config.toml", to_toml(c.settings));
  c.out.write("data_summary.txt", data.prepared.summary.to_text());
  c.out.write_json("data_summary.json", data.prepared.summary.to_json());
  c.out.write_json("data_steps.json", to_json(data.prepared.steps));
}

std::optional<double> report_range_test(CommandContext& c, const RangeTestCurve& curve, std::string* rule, bool print) {
  const std::optional<double> rate = chosen_rate(c.settings, curve, rule);
  const Suggestion* chosen = curve.suggestions.find(*rule);
  write_curve_csv(c.out.file("range_test.csv"), curve);
  write_curve_json(c.out.file("range_test.json"), curve);
  c.out.write_json("suggestion.json", {{"rule", *rule},
                                       {"learning_rate", rate ? nlohmann::json(*rate) : nlohmann::json(nullptr)},
                                       {"suggestions", curve.suggestions}});
  if (!print) return rate;
  const std::string test = range_test_name(curve.mode);
  std::string text = fmt::format("\nSuggestions of the {} ({} points, {})\n\n", test, curve.size(),
                                 stop_reason_name(curve.stop_reason));
  text += suggestion_table(curve, *rule) + "\n";
  text += text_loss_chart(curve, chosen && chosen->found ? chosen->name : std::string()) + "\n";
  text += rate ? fmt::format("Suggested learning rate: {} ({} rule of the {})\n", format_rate(*rate), *rule, test)
               : wrap(fmt::format("No learning rate suggested by {}: {}\n", *rule, chosen ? chosen->explanation : ""));
  c.console.result(text);
  return rate;
}

int command_find(CommandContext& c, const std::string& data_path) {
  const Dataset data = load_dataset(c.settings, c.command, data_path);
  check_sizes(c.settings, c.command, data);
  meet_ranks_ready();  // under mpirun: a rank that failed so far ends every rank now, with one line
  report_data(c.settings, data, c.console);
  const RangeTestCurve curve = run_finder(c.settings, data, c.console);
  write_data_files(c, data);
  std::string rule;
  const auto rate = report_range_test(c, curve, &rule);
  ReportInputs inputs = report_inputs(c, data);
  inputs.range_test = curve;
  write_report_files(c, inputs);
  c.console.message(fmt::format("Results written to {}\n", c.out.path().string()));
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "find"},
                              {"out", c.out.path().string()},
                              {"rule", rule},
                              {"learning_rate", rate ? nlohmann::json(*rate) : nlohmann::json(nullptr)},
                              {"suggestions", curve.suggestions},
                              {"points", curve.size()},
                              {"stop_reason", std::string(stop_reason_name(curve.stop_reason))}};
    fmt::print("{}\n", summary.dump(2));
  }
  return interrupted() ? kExitInterrupted : kExitOk;
}

}  // namespace lrtune::cli
