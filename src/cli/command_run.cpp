// `lrtune run` (and `demo`): the whole recipe. Range test, then (--pick tuner, the default) the
// learning-rate search on the training split, then the same training twice per seed, once at the
// optimizer's default rate and once at the tuned one (the search's pick, or with --pick finder
// the range test's suggestion), both evaluated on the test split; every range-test suggestion is
// shown beside the pick; a side-by-side summary, the histories, the model and report.html.
#include <cmath>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "report_output.hpp"
#include "size_checks.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/io/tuning_files.hpp"
#include "exit_codes.hpp"
#include "signals.hpp"
#include "text_output.hpp"

namespace lrtune::cli {
namespace {

struct Stat {
  double mean = 0.0, std = 0.0;
};

Stat stat(const std::vector<double>& values) {
  Stat s;
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    for (double v : values) s.std += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(s.std / static_cast<double>(values.size() - 1));
  }
  return s;
}

std::string show(const std::vector<double>& values, const char* format) {
  const Stat s = stat(values);
  const std::string mean = fmt::format(fmt::runtime(format), s.mean);
  return values.size() > 1 ? mean + " ± " + fmt::format(fmt::runtime(format), s.std) : mean;
}

template <typename F>
std::vector<double> column(const std::vector<TrainResult>& results, F field) {
  std::vector<double> values;
  for (const auto& r : results) values.push_back(field(r));
  return values;
}

}  // namespace

int command_run(CommandContext& c, const std::string& data_path, const std::optional<std::string>& csv_text) {
  const Settings& s = c.settings;
  const Dataset data = load_dataset(s, data_path, csv_text);
  check_sizes(s, "run", data);  // demo too
  c.console.message(data.prepared.summary.to_text() + "\n");
  warn_about_data(s, data, c.console);
  write_data_files(c, data);
  if (csv_text) c.out.write("demo_data.csv", *csv_text);
  const RangeTestCurve curve = run_finder(s, data, c.console);
  std::string rule;
  const auto suggested = report_range_test(c, curve, &rule);
  if (interrupted()) return kExitInterrupted;
  const bool by_tuner = s.pick == "tuner";
  std::optional<TuningResult> tuning;
  double tuned_rate = 0.0;
  std::string tuned_by;
  if (by_tuner) {
    c.console.message(fmt::format("\nSearching {} learning rates on the training split (--pick tuner; --pick finder uses the "
                                  "range test's suggestion instead)\n",
                                  s.candidates));
    TuneRun search = run_tuner(s, data, c.console, 1);
    tuning = std::move(search.result);
    write_tuning_json(c.out.file("tuning.json"), *tuning);
    write_tuning_candidates_csv(c.out.file("tuning_candidates.csv"), *tuning);
    if (interrupted()) return kExitInterrupted;
    if (tuning->candidates.empty()) throw std::runtime_error("the learning-rate search trained no candidate");
    c.console.result(tuning_text(*tuning) + pick_summary_text(*tuning));
    tuned_rate = tuning->learning_rate;
    tuned_by = fmt::format("tuner pick (best epoch {})", tuning->best_epoch);
  } else {
    if (!suggested)
      throw std::runtime_error(fmt::format("the range test's {} rule found no learning rate to compare; try "
                                           "--pick tuner, --schedule step, more --finder-points or another --rule",
                                           rule));
    tuned_rate = *suggested;
    tuned_by = "range test: " + rule;
  }
  // Every range-test suggestion beside the rate used, whichever picked it.
  {
    std::string beside;
    for (const Suggestion& sg : curve.suggestions.suggestions)
      beside += fmt::format("{}{} {}{}", beside.empty() ? "" : ", ", sg.name, sg.found ? format_rate(sg.learning_rate) : "-",
                            sg.name == rule ? " *" : "");
    c.console.result(fmt::format("\nTuned learning rate: {} ({}); range-test suggestions: {}  (* = the range test's {})\n",
                                 format_rate(tuned_rate), tuned_by, beside, by_tuner ? "default" : "rule used"));
  }
  const double default_rate = build_optimizer(s, std::nullopt)->learning_rate();
  const double rates[2] = {default_rate, tuned_rate};
  const char* names[2] = {"default", "tuned"};

  // Jobs: (which, repeat); run on --threads workers (1: one after another, with live progress).
  const int repeats = s.repeats;
  std::vector<TrainResult> results[2];
  results[0].resize(static_cast<std::size_t>(repeats));
  results[1].resize(static_cast<std::size_t>(repeats));
  const int workers = std::max(1, std::min(s.threads, 2 * repeats));
  Console console = c.console;
  console.live = workers == 1;
  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<int> next{0};
  auto work = [&] {
    for (int job = next++; job < 2 * repeats; job = next++) {
      const int which = job % 2, repeat = job / 2;
      if (interrupted()) return;
      const std::uint64_t seed = s.seed + static_cast<std::uint64_t>(repeat);
      const std::string title =
          repeats > 1 ? fmt::format("[{} seed {}] ", names[which], seed) : fmt::format("[{}] ", names[which]);
      try {
        if (workers == 1)
          console.message(fmt::format("\nTraining {} (learning rate {}, seed {})\n", names[which], format_rate(rates[which]), seed));
        results[which][static_cast<std::size_t>(repeat)] = train_and_evaluate(s, data, rates[which], seed, console, title);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        return;
      }
    }
  };
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }
  if (error) std::rethrow_exception(error);

  for (int which = 0; which < 2; ++which)
    for (int r = 0; r < repeats; ++r) {
      const TrainResult& result = results[which][static_cast<std::size_t>(r)];
      if (!result.model) continue;  // not started (interrupted)
      const std::string stem =
          repeats > 1 ? fmt::format("history_{}_seed{}", names[which], result.seed) : fmt::format("history_{}", names[which]);
      write_history_csv(c.out.file(stem + ".csv"), result.history);
      write_history_json(c.out.file(stem + ".json"), result.history);
    }
  if (interrupted()) {
    c.console.message(fmt::format("Interrupted: the histories of the finished epochs are in {}\n", c.out.path().string()));
    return kExitInterrupted;
  }
  // A training that met a non-finite loss is part of the comparison (its history and test scores
  // are of the weights before that batch); say so once per training.
  for (int which = 0; which < 2; ++which)
    for (const auto& r : results[which])
      if (diverged(r))
        c.console.warning(fmt::format("{} training (learning rate {}, seed {}) stopped: {}\n", names[which],
                                      format_rate(r.learning_rate), r.seed, r.history.stop_message));

  // ---- summary ----
  std::vector<std::vector<std::string>> rows = {{"", "default", "tuned"}};
  rows.push_back({"learning rate", format_rate(rates[0]), format_rate(rates[1]) + " (" + (by_tuner ? "tuner" : rule) + ")"});
  auto add_row = [&](const std::string& label, auto field, const char* format) {
    rows.push_back({label, show(column(results[0], field), format), show(column(results[1], field), format)});
  };
  if (s.early_stopping) {
    add_row("epochs run", [](const TrainResult& r) { return double(r.epochs_run); }, "{:.1f}");
    add_row("best epoch", [](const TrainResult& r) { return double(r.history.best_epoch + 1); }, "{:.1f}");
  } else {
    rows.push_back({"epochs", std::to_string(s.epochs), std::to_string(s.epochs)});
  }
  add_row("final train loss", [](const TrainResult& r) {
    // No epoch finished when the first one met a non-finite loss.
    return r.history.contains("loss") ? r.history.values("loss").back() : std::nan("");
  }, "{:.4f}");
  add_row("test loss", [](const TrainResult& r) { return r.test_loss; }, "{:.4f}");
  add_row("test accuracy", [](const TrainResult& r) { return r.test_accuracy; }, "{:.4f}");
  add_row("training time (s)", [](const TrainResult& r) { return r.history.train_seconds; }, "{:.1f}");
  if (repeats == 1) {
    auto matrix = [](const Confusion& m) { return fmt::format("[[{}, {}], [{}, {}]]", m.tn, m.fp, m.fn, m.tp); };
    rows.push_back({"confusion (rows true 0/1)", matrix(results[0][0].confusion), matrix(results[1][0].confusion)});
  }
  const std::string summary_table = table(rows);
  const std::string heading =
      repeats > 1 ? fmt::format("\nDefault vs tuned learning rate, mean ± std over {} seeds ({}..{}), test split of {} rows\n\n",
                                repeats, s.seed, s.seed + static_cast<std::uint64_t>(repeats) - 1, data.y_test.size())
                  : fmt::format("\nDefault vs tuned learning rate (seed {}), test split of {} rows\n\n", s.seed,
                                data.y_test.size());
  c.console.result(heading + summary_table);

  nlohmann::json comparison = {{"command", "run"},
                               {"out", c.out.path().string()},
                               {"rule", rule},
                               {"pick", s.pick},
                               {"tuned_by", tuned_by},
                               {"default_learning_rate", rates[0]},
                               {"tuned_learning_rate", rates[1]},
                               {"suggested_learning_rate", suggested ? nlohmann::json(*suggested) : nlohmann::json(nullptr)},
                               {"suggestions", curve.suggestions},
                               {"repeats", repeats}};
  for (int which = 0; which < 2; ++which) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : results[which]) runs.push_back(to_json(r));
    const Stat accuracy = stat(column(results[which], [](const TrainResult& r) { return r.test_accuracy; }));
    comparison[names[which]] = {{"runs", runs}, {"test_accuracy_mean", accuracy.mean}, {"test_accuracy_std", accuracy.std}};
  }
  if (tuning)
    comparison["tuning"] = {{"learning_rate", tuning->learning_rate},
                            {"best_epoch", tuning->best_epoch},
                            {"validation_loss", tuning->validation_loss},
                            {"interval", {tuning->low, tuning->high}},
                            {"candidates", tuning->candidates.size()},
                            {"rungs", tuning->rungs.size()},
                            {"epochs_cost", tuning->epochs_cost},
                            {"grid_epochs_bound", tuning->grid_epochs_bound},
                            {"total_seconds", tuning->total_seconds},
                            {"explanation", tuning->explanation}};
  c.out.write_json("comparison.json", comparison);
  write_model(c, data, results[1][0], "model.safetensors");

  ReportInputs inputs = report_inputs(c, data);
  inputs.range_test = curve;
  inputs.tuning = tuning;
  for (int which = 0; which < 2; ++which) {
    ReportModel model{names[which], rates[which], which == 0 ? s.optimizer + " default" : tuned_by, {}, {}};
    for (const auto& r : results[which]) model.runs.push_back(model_evaluation(r));
    model.history = results[which][0].history;
    inputs.models.push_back(std::move(model));
  }
  write_report_files(c, inputs);
  c.console.message(fmt::format("\nReport, histories, range test and model written to {}\n", c.out.path().string()));
  if (s.json) fmt::print("{}\n", comparison.dump(2));
  return kExitOk;
}

}  // namespace lrtune::cli
