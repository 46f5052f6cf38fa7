// `lrtune run` (and `demo`): the library's experiment (lrtune/experiment) with the console as its
// callback. The range test, then (--pick tuner, the default) the learning-rate search on the
// training split, then the same training twice per seed, once at the optimizer's default rate and
// once at the tuned one, both evaluated on the test split. This file prints and writes: the range
// test's and the search's files and lines as each step ends, then a side-by-side summary, the
// histories, comparison.json, the model and report.html.
#include <cmath>

#include <fmt/format.h>

#include "commands.hpp"
#include "console_callback.hpp"
#include "exit_codes.hpp"
#include "lrtune/core/statistics.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/io/tuning_files.hpp"
#include "phase_lines.hpp"
#include "ranks.hpp"
#include "report_output.hpp"
#include "signals.hpp"
#include "size_checks.hpp"
#include "text_output.hpp"

namespace lrtune::cli {
namespace {

std::string show(const std::vector<double>& values, const char* format) {
  const MeanStd s = mean_and_std(values);
  const std::string mean = fmt::format(fmt::runtime(format), s.mean);
  return values.size() > 1 ? mean + " ± " + fmt::format(fmt::runtime(format), s.std) : mean;
}

template <typename F>
std::vector<double> column(const std::vector<TrainResult>& results, F field) {
  std::vector<double> values;
  values.reserve(results.size());
  for (const auto& r : results) values.push_back(field(r));
  return values;
}

// "Tuned learning rate: 0.001 (tuner pick, best epoch 12)", then the suggestions of run's range
// test, each with its rate, wrapped to the console's width, and where a collapse cut the curve
// when its table (which says so) was not printed.
std::string tuned_rate_text(const ExperimentResult& r, bool table_printed) {
  const std::string test = range_test_name(r.range_test.mode);
  const std::string source = r.search ? fmt::format("tuner pick, best epoch {}", r.search->best_epoch + 1)
                                      : fmt::format("the {} rule of the {}", r.rule, test);
  std::string list;
  for (const Suggestion& sg : r.range_test.suggestions.suggestions)
    list += fmt::format("{}{} {}{}", list.empty() ? "" : ", ", sg.name, sg.found ? format_rate(sg.learning_rate) : "-",
                        sg.name == r.rule ? " *" : "");
  const char* mode = r.range_test.mode == CurveMode::per_epoch ? "Per-epoch" : "Per-step";
  return fmt::format("\nTuned learning rate: {} ({})\n", format_rate(r.tuned_side.learning_rate), source) +
         wrap(fmt::format("{} range-test suggestions: {} (* = {})\n", mode, list,
                          r.search ? "its default rule" : "the rule used")) +
         (table_printed ? "" : collapse_note(r.range_test));
}

// The range test's table and chart are run's evidence when they choose the tuned rate (--pick
// finder); when the search chooses it they are the report's and --verbose's, and one line
// lists the suggestions.
bool prints_range_test_table(const Settings& s) { return s.verbose || s.pick == "finder"; }

// run's lines and files at the end of each step of the experiment.
class RunCallback final : public ConsoleCallback {
 public:
  explicit RunCallback(CommandContext& c) : ConsoleCallback(c.settings, c.console), c_(c) {}

  void on_range_test_end(const ExperimentResult& r) override {
    range_test_done(r.range_test);
    std::string rule;
    report_range_test(c_, r.range_test, &rule, prints_range_test_table(c_.settings));
    // --pick finder needs the rule's rate; said with the flags that could find one (after Ctrl-C
    // the command only stops).
    if (!interrupted() && r.pick == RatePick::finder && !r.suggested_rate)
      throw DataError(
          fmt::format("the range test's {} rule found no learning rate to compare; try "
                      "--pick tuner, --schedule step, more --finder-points or another --rule",
                      r.rule));
  }
  void on_search_begin(const TunerOptions& options) override {
    c_.console.message(
        fmt::format("\nSearching {} learning rates and the default on the training split (--pick finder "
                    "skips the search)\n",
                    options.candidates));
  }
  void on_search_end(const TuningResult& tuning) override {
    write_tuning_json(c_.out.file("tuning.json"), tuning);
    write_tuning_candidates_csv(c_.out.file("tuning_candidates.csv"), tuning);
  }
  // The search's tables, then the tuned rate with every range-test suggestion beside it.
  void on_rates_chosen(const ExperimentResult& r) override {
    set_rate_source("default", r.default_side.source);
    set_rate_source("tuned", r.search ? "tuner pick" : r.rule + " rule");
    // The rung and candidate tables repeat the rung lines printed as the search ran: --verbose's.
    if (r.search)
      c_.console.result((c_.settings.verbose ? tuning_text(*r.search) : search_interval_text(*r.search)) +
                        pick_summary_text(*r.search));
    c_.console.result(tuned_rate_text(r, prints_range_test_table(c_.settings)));
  }
  // Keras names the training before its epoch lines; otherwise its one line says it all.
  void on_training_begin(const TrainingSpec& t) override {
    if (style() == Style::verbose && t.workers == 1)
      c_.console.message(
          fmt::format("\nTraining {} (learning rate {}, seed {})\n", t.name, format_rate(t.learning_rate), t.seed));
  }

 private:
  CommandContext& c_;
};

void write_histories(CommandContext& c, const ExperimentResult& result) {
  for (const ComparedRate* side : {&result.default_side, &result.tuned_side})
    for (const TrainResult& r : side->runs) {
      if (!r.started()) continue;  // interrupted first
      const std::string stem = result.repeats > 1 ? fmt::format("history_{}_seed{}", side->name, r.seed)
                                                  : fmt::format("history_{}", side->name);
      write_history_files(c.out.folder(), stem, r.history);
    }
}

std::string summary_text(const Settings& s, const ExperimentResult& result) {
  const std::vector<TrainResult>& d = result.default_side.runs;
  const std::vector<TrainResult>& t = result.tuned_side.runs;
  std::vector<std::vector<std::string>> rows = {{"", "default", "tuned"}};
  rows.push_back({"learning rate", format_rate(result.default_side.learning_rate),
                  format_rate(result.tuned_side.learning_rate) + " (" + (result.search ? "tuner" : result.rule) + ")"});
  auto add_row = [&](const std::string& label, auto field, const char* format) {
    rows.push_back({label, show(column(d, field), format), show(column(t, field), format)});
  };
  if (s.early_stopping) {
    add_row(
        "epochs run", [](const TrainResult& r) { return double(r.epochs_run); }, "{:.1f}");
    add_row(
        "best epoch", [](const TrainResult& r) { return double(r.history.best_epoch + 1); }, "{:.1f}");
  } else {
    rows.push_back({"epochs", std::to_string(s.epochs), std::to_string(s.epochs)});
  }
  add_row(
      "final train loss",
      [](const TrainResult& r) {
        // No epoch finished when the first one met a non-finite loss.
        return r.history.contains("loss") ? r.history.values("loss").back() : std::nan("");
      },
      "{:.4f}");
  add_row(
      result.task == TargetKind::regression ? "test loss (standardised)" : "test loss",
      [](const TrainResult& r) { return r.test.at("loss"); }, "{:.4f}");
  // Each test metric of the task after the loss: accuracy (and macro F1), or RMSE, MAE, R² in the
  // target's units.
  for (const auto& [name, label] :
       {std::pair{"accuracy", "test accuracy"}, std::pair{"macro_f1", "test macro F1"}, std::pair{"rmse", "test RMSE"},
        std::pair{"mae", "test MAE"}, std::pair{"r2", "test R²"}}) {
    if (!t.empty() && t[0].test.values.contains(name))
      add_row(
          label, [name = std::string(name)](const TrainResult& r) { return r.test.at(name); }, "{:.4f}");
  }
  add_row(
      "training time (s)", [](const TrainResult& r) { return r.history.train_seconds; }, "{:.1f}");
  if (result.repeats == 1 && result.task == TargetKind::binary) {
    auto matrix = [](const ConfusionMatrix& m) {
      return fmt::format("[[{}, {}], [{}, {}]]", m(0, 0), m(0, 1), m(1, 0), m(1, 1));
    };
    rows.push_back({"confusion (rows true 0/1)", matrix(d[0].test.confusion), matrix(t[0].test.confusion)});
  }
  const int repeats = result.repeats;
  const std::string heading =
      repeats > 1
          ? fmt::format(
                "\nDefault vs tuned learning rate, mean ± std over {} seeds ({}..{}), test split of {} rows\n\n",
                repeats, s.seed, s.seed + static_cast<std::uint64_t>(repeats) - 1, result.test_rows)
          : fmt::format("\nDefault vs tuned learning rate (seed {}), test split of {} rows\n\n", s.seed,
                        result.test_rows);
  std::string text = heading + table(rows);
  if (result.repeats == 1 && result.task == TargetKind::multiclass && !t.empty() && t[0].started()) {
    text += "\nTuned model's test confusion matrix (rows: true class, columns: predicted)\n" +
            confusion_text(t[0].test.confusion, result.class_names);
  }
  return text;
}

void write_report(CommandContext& c, const Dataset& data, const ExperimentResult& result) {
  ReportInputs inputs = report_inputs(c, data);
  inputs.range_test = result.range_test;
  inputs.tuning = result.search;
  inputs.test_actual = test_actual(data);
  for (const ComparedRate* side : {&result.default_side, &result.tuned_side}) {
    ReportModel model{side->name, side->learning_rate, side->source, {}, {}};
    for (const auto& r : side->runs) model.runs.push_back(model_evaluation(r));
    model.history = side->runs[0].history;
    if (side->runs[0].started()) model.test_predicted = test_predicted(data, *side->runs[0].model);
    inputs.models.push_back(std::move(model));
  }
  write_report_files(c, inputs);
}

}  // namespace

int command_run(CommandContext& c, const std::string& data_path, const std::optional<std::string>& csv_text) {
  const Settings& s = c.settings;
  const Dataset data = load_dataset(s, c.command, data_path, csv_text);
  check_sizes(s, "run", data);  // demo too
  meet_ranks_ready();           // under mpirun: a rank that failed so far ends every rank now, with one line
  report_data(s, data, c.console);
  write_data_files(c, data);
  if (csv_text) c.out.write("demo_data.csv", *csv_text);
  RunCallback progress(c);
  const ExperimentResult result = run_experiment(data, experiment_options(s, progress));
  if (result.cancelled && result.tuned_side.runs.empty()) return kExitInterrupted;  // before the trainings
  // A rank other than 0: its share (the search; with --data-parallel the trainings too) is done.
  if (!writes_results()) return kExitOk;

  write_histories(c, result);
  if (interrupted()) {
    c.console.message(
        fmt::format("Interrupted: the histories of the finished epochs are in {}\n", c.out.path().string()));
    return kExitInterrupted;
  }
  // A training that met a non-finite loss is part of the comparison (its history and test scores
  // are of the weights before that batch); say so once per training.
  for (const ComparedRate* side : {&result.default_side, &result.tuned_side})
    for (const auto& r : side->runs)
      if (r.diverged())
        c.console.warning(fmt::format("{} training (learning rate {}, seed {}) stopped: {}\n", side->name,
                                      format_rate(r.learning_rate), r.seed, r.history.stop_message));
  c.console.result(summary_text(s, result));

  nlohmann::json comparison = result;
  comparison["command"] = "run";
  comparison["out"] = c.out.path().string();
  c.out.write_json("comparison.json", comparison);
  write_model(c, data, result.tuned_side.runs[0], "model.safetensors");
  write_report(c, data, result);
  c.console.message(fmt::format("\nReport, histories, range test and model written to {}\n", c.out.path().string()));
  if (s.json) fmt::print("{}\n", comparison.dump(2));
  return kExitOk;
}

}  // namespace lrtune::cli
