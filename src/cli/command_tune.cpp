// `lrtune tune`: the validated learning-rate search (the library's Tuner) on the training split:
// prints the interval, the rungs, every candidate, the pick with its best epoch and why, and the
// cost; writes tuning.json, tuning_candidates.csv, the range test, the chart, report.html and the
// recommended model. The test split is only used to score the final model, after the search.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/io/tuning_files.hpp"
#include "lrtune/train/fit.hpp"
#include "phase_lines.hpp"
#include "ranks.hpp"
#include "report_output.hpp"
#include "signals.hpp"
#include "size_checks.hpp"
#include "text_output.hpp"

namespace lrtune::cli {

std::string search_interval_text(const TuningResult& r) {
  const std::string from =
      r.range_test.size() > 0 ? "from the search's " + range_test_name(r.range_test.mode) : "given";
  return wrap(fmt::format("\nSearch interval: {} to {} ({})\n  low:  {}\n  high: {}\n", format_rate(r.low),
                          format_rate(r.high), from, r.low_reason, r.high_reason),
              kConsoleWidth, "        ");
}

std::string tuning_text(const TuningResult& r) {
  std::string text = search_interval_text(r);
  std::vector<std::vector<std::string>> rungs = {
      {"rung", "epochs", "candidates", "promoted", "kept improving", "cut-off", "epochs trained", "time"}};
  for (std::size_t k = 0; k < r.rungs.size(); ++k) {
    const TuningRung& g = r.rungs[k];
    std::string promoted, improving;
    // Two appends each: GCC 12 warns falsely (-Wrestrict) about `a += "" + b`.
    for (std::size_t c : g.promoted) {
      if (!promoted.empty()) promoted += ' ';
      promoted += format_rate(r.candidates.at(c).learning_rate);
    }
    for (std::size_t c : g.kept_improving) {
      if (!improving.empty()) improving += ' ';
      improving += format_rate(r.candidates.at(c).learning_rate);
    }
    rungs.push_back({std::to_string(k), std::to_string(g.epochs), std::to_string(g.candidates.size()),
                     promoted.empty() ? "-" : promoted, improving.empty() ? "-" : improving,
                     fmt::format("{:.4f}", g.cutoff_score), fmt::format("{:.0f}", g.epochs_cost),
                     fmt::format("{:.1f}s", g.seconds)});
  }
  text += "\nRungs (successive halving on validation loss)\n\n" + table(rungs);

  std::vector<std::string> header = {"#", "learning rate"};
  for (std::size_t k = 0; k < r.rungs.size(); ++k) header.push_back(fmt::format("rung {}", k));
  for (const char* h : {"best epoch", "epochs", "status", "reason"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows = {header};
  for (std::size_t c = 0; c < r.candidates.size(); ++c) {
    const TuningCandidate& cand = r.candidates[c];
    std::string rate = format_rate(cand.learning_rate);
    if (c == r.pick) rate += " *";
    if (cand.is_default) rate += " d";
    if (cand.extension) rate += " +";
    std::vector<std::string> row = {std::to_string(c), rate};
    for (std::size_t k = 0; k < r.rungs.size(); ++k)
      row.push_back(k < cand.rung_scores.size() ? fmt::format("{:.4f}", cand.rung_scores[k]) : "-");
    std::vector<int> best = cand.best_epochs;
    std::sort(best.begin(), best.end());
    int epochs = 0;
    for (int e : cand.epochs_trained) epochs = std::max(epochs, e);
    row.push_back(best.empty() ? "-" : std::to_string(best[(best.size() - 1) / 2] + 1));  // printed 1-based
    row.push_back(std::to_string(epochs));
    row.emplace_back(candidate_status_name(cand.status));
    row.push_back(cand.reason);
    rows.push_back(row);
  }
  text += fmt::format("\nCandidates (validation loss at the end of each rung{})\n\n",
                      r.repeats > 1 ? fmt::format(", mean over {} seeds", r.repeats) : "");
  text +=
      table(rows) + "* = the pick, d = the optimizer's default rate (never cut), + = added beyond the interval's end\n";
  return text;
}

std::string pick_reason_text(const TuningResult& r) {
  // The explanation's first sentences repeat the interval and the rungs printed above it; the
  // console shows the decision only (tuning.json and the report keep the whole paragraph).
  std::string reason = r.decision.empty() ? r.explanation : r.decision;
  if (r.cancelled && !r.decision.empty()) reason += " The search was cancelled: the pick is among what was trained.";
  return wrap(reason + "\n", kConsoleWidth, "");
}

std::string pick_summary_text(const TuningResult& r) {
  return fmt::format("\nPick: learning rate {}, validation loss {:.4f} at epoch {}\n", format_rate(r.learning_rate),
                     r.validation_loss, r.best_epoch + 1) +
         pick_reason_text(r);
}

namespace {

// tuning.json, tuning_candidates.csv and, when the search ran one, the range test's files.
void write_tuning_files(CommandContext& c, const TuningResult& r) {
  write_tuning_json(c.out.file("tuning.json"), r);
  write_tuning_candidates_csv(c.out.file("tuning_candidates.csv"), r);
  if (r.range_test.size() > 0) {
    write_curve_csv(c.out.file("range_test.csv"), r.range_test);
    write_curve_json(c.out.file("range_test.json"), r.range_test);
  }
}

// The range test (when there was one), the search's tables, the pick and what the final model is.
std::string search_result_text(const TuningResult& r) {
  std::string text;
  if (r.range_test.size() > 0) {
    text += fmt::format("\nSuggestions of the search's {} ({} points, {:.1f} s)\n\n",
                        range_test_name(r.range_test.mode), r.range_test.size(), r.range_test.total_seconds);
    text += suggestion_table(r.range_test, r.range_test.suggestions.default_rule);
  }
  text += tuning_text(r);
  text += fmt::format("\nPick: learning rate {} (candidate {}), validation loss {:.4f}{} at epoch {}\n",
                      format_rate(r.learning_rate), r.pick, r.validation_loss,
                      r.repeats > 1 ? fmt::format(" ± {:.4f}", r.validation_loss_std) : "", r.best_epoch + 1);
  text += pick_reason_text(r);
  const std::string final_model =
      r.refit ? fmt::format("refit at {} on training + validation rows ({}) for {} epochs",
                            format_rate(r.learning_rate), r.training_rows + r.validation_rows, r.model_epochs)
              : fmt::format("candidate {}'s restored best weights (epoch {})", r.pick, r.model_epochs);
  text += wrap(fmt::format("Final model: {}\n", final_model));
  return text;
}

// The final model's test scores and what the search cost against the full grid.
std::string test_and_cost_text(const TuningResult& r, const TestMetrics& test,
                               const std::vector<std::string>& classes) {
  std::string text =
      fmt::format("Test split ({} rows, not used by the search): {}", test.rows, test_metrics_text(test, classes));
  std::string cost;
  const double share = r.grid_epochs_bound > 0 ? 100.0 * r.epochs_cost / r.grid_epochs_bound : 0.0;
  cost += fmt::format(
      "Cost: {:.0f} candidate epochs of {:.0f} for the full grid ({:.0f} %); range test {:.2f}s, search {:.2f}s{}, "
      "total {:.2f}s on {} thread{}\n",
      r.epochs_cost, r.grid_epochs_bound, share, r.range_test_seconds, r.search_seconds,
      r.refit ? fmt::format(", refit {:.1f}s", r.refit_seconds) : "", r.total_seconds, r.threads,
      r.threads == 1 ? "" : "s");
  text += wrap(cost);
  if (r.cancelled) text += "The search was interrupted: the pick is among what was trained.\n";
  return text;
}

void save_tuned_model(CommandContext& c, const Dataset& data, const Sequential& model, const TuningResult& r) {
  const Settings& s = c.settings;
  nlohmann::json model_settings = {{"source", "tune"},
                                   {"learning_rate", r.learning_rate},
                                   {"best_epoch", r.best_epoch},
                                   {"refit", r.refit},
                                   {"seed", s.seed},
                                   {"optimizer", build_optimizer(s, r.learning_rate)->config()},
                                   {"batch_size", s.batch_size},
                                   {"split_seed", s.split_seed},
                                   {"settings_toml", to_toml(s)}};
  save_model(c.out.file("model.safetensors"), model, data.task.loss, data.prepared.preprocessing, model_settings);
}

void write_tune_report(CommandContext& c, const Dataset& data, const TuningResult& r, const Sequential& model,
                       const TestMetrics& test) {
  ReportInputs inputs = report_inputs(c, data);
  inputs.test_actual = test_actual(data);
  if (r.range_test.size() > 0) inputs.range_test = r.range_test;
  inputs.tuning = r;
  ModelEvaluation evaluation = model_evaluation(test);
  evaluation.epochs = r.model_epochs;
  inputs.models.push_back({"tuned",
                           r.learning_rate,
                           r.refit ? "tuner pick, refit" : "tuner pick, best weights",
                           {evaluation},
                           std::nullopt,
                           test_predicted(data, model)});
  write_report_files(c, inputs);
}

// --json: tuning.json's keys (the range-test curve left out: its suggestions are enough here),
// plus the interval, costs, rows, the final model and its test scores grouped for readers.
nlohmann::json tune_summary(const CommandContext& c, const TuningResult& r, const TestMetrics& test) {
  nlohmann::json summary = nlohmann::json(r);
  summary.erase("range_test");
  summary["command"] = "tune";
  summary["out"] = c.out.path().string();
  summary["final_model"] = r.refit ? "refit" : "best-weights";
  summary["interval"] = {
      {"low", r.low}, {"high", r.high}, {"low_reason", r.low_reason}, {"high_reason", r.high_reason}};
  summary["suggestions"] = r.range_test.size() > 0 ? nlohmann::json(r.range_test.suggestions) : nlohmann::json(nullptr);
  // The cost group repeats tuning.json's flat keys under shorter names, for readers of --json.
  static constexpr std::pair<const char*, const char*> kCostKeys[] = {{"epochs", "epochs_cost"},
                                                                      {"grid_epochs_bound", "grid_epochs_bound"},
                                                                      {"range_test_seconds", "range_test_seconds"},
                                                                      {"search_seconds", "search_seconds"},
                                                                      {"refit_seconds", "refit_seconds"},
                                                                      {"total_seconds", "total_seconds"},
                                                                      {"threads", "threads"}};
  for (const auto& [grouped, flat] : kCostKeys) summary["cost"][grouped] = summary.at(flat);
  summary["rows"] = {{"training", r.training_rows}, {"validation", r.validation_rows}, {"test", test.rows}};
  summary["test"] = nlohmann::json::object();
  for (const auto& [name, value] : test.values) summary["test"][name] = value;
  summary["model"] = (c.out.path() / "model.safetensors").string();
  return summary;
}

}  // namespace

int command_tune(CommandContext& c, const std::string& data_path) {
  const Settings& s = c.settings;
  const Dataset data = load_dataset(s, c.command, data_path);
  check_sizes(s, c.command, data);
  meet_ranks_ready();  // under mpirun: a rank that failed so far ends every rank now, with one line
  report_data(s, data, c.console);
  write_data_files(c, data);
  c.console.message(fmt::format("\nSearching {} learning rates and the default on {} training rows ({} held out){}\n",
                                s.candidates, data.x_train.rows(), s.validation_fraction,
                                s.repeats > 1 ? fmt::format(", {} seeds each", s.repeats) : ""));
  TuneRun run = run_tuner(s, data, c.console, s.repeats);
  const TuningResult& r = run.result;
  write_tuning_files(c, r);
  if (r.candidates.empty() || !run.model) {
    c.console.message(fmt::format("Interrupted before any candidate trained; what there is was written to {}\n",
                                  c.out.path().string()));
    return interrupted() ? kExitInterrupted : kExitError;
  }

  Sequential model = *run.model;
  const TestMetrics test =
      test_metrics(model, data.task, data.x_test, data.y_test, data.prepared.preprocessing.target_scaler);
  c.console.result(search_result_text(r) + test_and_cost_text(r, test, data.prepared.preprocessing.target_classes));
  save_tuned_model(c, data, model, r);
  write_tune_report(c, data, r, model, test);
  c.console.message(fmt::format("\nTuning results, chart, report and model written to {}\n", c.out.path().string()));
  if (s.json) fmt::print("{}\n", tune_summary(c, r, test).dump(2));
  return r.cancelled || interrupted() ? kExitInterrupted : kExitOk;
}

}  // namespace lrtune::cli
