// `lrtune train`: train once at --lr (a number; or auto: the search's pick, or with --pick finder
// the range test's suggestion), evaluate on the test split, save the model and the history. With
// --lr auto the training stops early on a validation part (unless told otherwise).
#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/predictions.hpp"
#include "lrtune/io/result_files.hpp"
#include "lrtune/io/tuning_files.hpp"
#include "ranks.hpp"
#include "report_output.hpp"
#include "signals.hpp"
#include "size_checks.hpp"
#include "text_output.hpp"

namespace lrtune::cli {

std::string confusion_text(const ConfusionMatrix& m, const std::vector<std::string>& class_names) {
  const auto name = [&](Index k) {
    return class_names.empty() ? std::to_string(k) : class_names[static_cast<std::size_t>(k)];
  };
  std::vector<std::vector<std::string>> rows = {{""}};
  for (Index k = 0; k < m.cols(); ++k) rows[0].push_back("pred " + name(k));
  for (Index i = 0; i < m.rows(); ++i) {
    rows.push_back({"true " + name(i)});
    for (Index k = 0; k < m.cols(); ++k) rows.back().push_back(std::to_string(m(i, k)));
  }
  return table(rows);
}

namespace {

std::string per_class_text(const ClassScores& scores, const std::vector<std::string>& class_names) {
  std::vector<std::vector<std::string>> rows = {{"class", "precision", "recall", "F1", "support"}};
  for (std::size_t k = 0; k < scores.support.size(); ++k) {
    rows.push_back({k < class_names.size() ? class_names[k] : std::to_string(k),
                    fmt::format("{:.4f}", scores.precision[k]), fmt::format("{:.4f}", scores.recall[k]),
                    fmt::format("{:.4f}", scores.f1[k]), std::to_string(scores.support[k])});
  }
  return table(rows);
}

}  // namespace

std::string test_metrics_text(const TestMetrics& t, const std::vector<std::string>& class_names) {
  switch (t.task) {
    case TargetKind::regression:
      return fmt::format("RMSE {:.4g}, MAE {:.4g}, R² {:.4f} (in the target's units), loss {:.4f} (standardised)\n",
                         t.at("rmse"), t.at("mae"), t.at("r2"), t.at("loss"));
    case TargetKind::multiclass:
      return fmt::format("loss {:.4f}, accuracy {:.4f}, macro F1 {:.4f}\n{}{}", t.at("loss"), t.at("accuracy"),
                         t.at("macro_f1"), confusion_text(t.confusion, class_names),
                         per_class_text(t.per_class, class_names));
    case TargetKind::binary: break;
  }
  return fmt::format("loss {:.4f}, accuracy {:.4f}\n{}", t.at("loss"), t.at("accuracy"), confusion_text(t.confusion));
}

void write_model(CommandContext& c, const Dataset& data, const TrainResult& result, const std::string& name) {
  nlohmann::json settings = result;
  settings["optimizer"] = build_optimizer(c.settings, result.learning_rate)->config();
  settings["epochs"] = c.settings.epochs;
  settings["batch_size"] = c.settings.batch_size;
  settings["split_seed"] = c.settings.split_seed;
  settings["settings_toml"] = to_toml(c.settings);
  save_model(c.out.file(name), *result.model, data.task.loss, data.prepared.preprocessing, settings);
}

namespace {

// The rate to train at and where it came from (as the report names it).
struct ChosenRate {
  double rate = 0.0;
  std::string source;        // the report's words
  std::string short_source;  // the console's: "tuner pick", "stable-minimum rule", "--lr"
};

// --lr auto (--pick tuner): the search's pick on the training split; its tables printed, its
// files written, and it joins the report. nullopt when Ctrl-C stopped it.
std::optional<ChosenRate> rate_from_search(CommandContext& c, const Dataset& data, ReportInputs& inputs) {
  c.console.message(
      fmt::format("\nSearching {} learning rates and the default on the training split (--lr auto; "
                  "--pick finder skips the search)\n",
                  c.settings.candidates));
  TuneRun search = run_tuner(c.settings, data, c.console, 1);
  write_tuning_json(c.out.file("tuning.json"), search.result);
  write_tuning_candidates_csv(c.out.file("tuning_candidates.csv"), search.result);
  if (interrupted()) return std::nullopt;
  if (search.result.candidates.empty()) throw std::runtime_error("the learning-rate search trained no candidate");
  const TuningResult& r = search.result;
  c.console.result((c.settings.verbose ? tuning_text(r) : search_interval_text(r)) + pick_summary_text(r));
  if (r.range_test.size() > 0) inputs.range_test = r.range_test;
  inputs.tuning = r;
  return ChosenRate{r.learning_rate, fmt::format("tuner pick (best epoch {})", r.best_epoch + 1), "tuner pick"};
}

// --lr auto --pick finder: the range test's suggestion (its table and files as find writes
// them). nullopt when Ctrl-C stopped it.
std::optional<ChosenRate> rate_from_range_test(CommandContext& c, const Dataset& data, ReportInputs& inputs) {
  const RangeTestCurve curve = run_finder(c.settings, data, c.console);
  inputs.range_test = curve;
  std::string rule;
  const auto suggested = report_range_test(c, curve, &rule);
  if (interrupted()) return std::nullopt;
  if (!suggested)
    throw DataError(
        fmt::format("--lr auto --pick finder: the range test's {} rule found no learning rate; "
                    "give --lr, drop --pick finder, or try --schedule step / more "
                    "--finder-points",
                    rule));
  return ChosenRate{*suggested, "range test: " + rule, rule + " rule"};
}

std::optional<ChosenRate> choose_rate(CommandContext& c, const Dataset& data, ReportInputs& inputs) {
  if (c.settings.lr == "auto" && c.settings.pick == "tuner") return rate_from_search(c, data, inputs);
  if (c.settings.lr == "auto") return rate_from_range_test(c, data, inputs);
  return ChosenRate{parse_real(c.settings.lr, "--lr"), "--lr", "--lr"};  // validate() accepted it
}

// "at learning rate 0.001", or how the schedule moves from it.
std::string rate_text(const Settings& s, double rate) {
  if (s.lr_schedule == "one-cycle")
    return fmt::format("with the one-cycle schedule (fastai's fit_one_cycle) up to learning rate {}",
                       format_rate(rate));
  if (s.lr_schedule == "cosine")
    return fmt::format("from learning rate {} annealed (cosine, per step) towards 0", format_rate(rate));
  return fmt::format("at learning rate {}", format_rate(rate));
}

std::string training_announcement(const Settings& s, double rate) {
  if (!s.early_stopping)
    return fmt::format(
        "\nTraining {} for {} epochs{}\n", rate_text(s, rate), s.epochs,
        s.hold_out_validation ? fmt::format(", validation on {} of the training rows", s.validation_fraction) : "");
  return fmt::format(
      "\nTraining {} for up to {} epochs, early stopping on {} of the training rows "
      "(patience {}, best weights {})\n",
      rate_text(s, rate), s.epochs, s.validation_fraction, s.patience,
      s.restore_best_weights ? "restored" : "not restored");
}

// The test split's predictions from the model in memory, in predict's columns for the task
// (io/predictions.hpp): what predict must reproduce from the file.
void write_test_predictions(CommandContext& c, const Dataset& data, Sequential& model) {
  const Matrix outputs = model.predict(data.x_test, 1024);
  AppliedData test_rows;
  test_rows.row_labels = data.prepared.test_rows;
  const PredictionInputs inputs{data.prepared.preprocessing, model.output_activation(), test_rows, outputs};
  c.out.write("test_predictions.csv", predictions_csv(inputs));
}

}  // namespace

int command_train(CommandContext& c, const std::string& data_path) {
  const Dataset data = load_dataset(c.settings, c.command, data_path);
  check_sizes(c.settings, c.command, data);
  meet_ranks_ready();  // under mpirun: a rank that failed so far ends every rank now, with one line
  report_data(c.settings, data, c.console);
  write_data_files(c, data);
  ReportInputs inputs = report_inputs(c, data);
  const std::optional<ChosenRate> chosen = choose_rate(c, data, inputs);
  if (!chosen) return kExitInterrupted;
  const double rate = chosen->rate;
  // Under mpirun, a training that is not data-parallel is rank 0's alone (its files are the ones
  // written): the other ranks' share was the search.
  if (!writes_results() && !c.settings.data_parallel) return kExitOk;
  // Keras prints what it trains before the epoch lines; otherwise the training's one line says it.
  if (c.settings.verbose) c.console.message(training_announcement(c.settings, rate));
  TrainResult result = train_and_evaluate(c.settings, data, rate, c.settings.seed, c.console, chosen->short_source);
  write_history_files(c.out.folder(), "history", result.history);
  if (interrupted()) {
    c.console.message(fmt::format("Interrupted: history of {} finished epochs written to {}\n", result.epochs_run,
                                  c.out.path().string()));
    return kExitInterrupted;
  }
  if (result.diverged())
    throw TrainingDiverged(
        fmt::format("training diverged: {}; {} has the {} finished epoch{} and the partial one "
                    "(as Keras logs it), no model saved; try a smaller --lr",
                    result.history.stop_message, (c.out.path() / "history.csv").string(), result.epochs_run - 1,
                    result.epochs_run == 2 ? "" : "s"));
  c.out.write_json("metrics.json", nlohmann::json(result));
  write_model(c, data, result, "model.safetensors");
  write_test_predictions(c, data, *result.model);
  inputs.test_actual = test_actual(data);
  inputs.models.push_back({"trained",
                           rate,
                           chosen->source,
                           {model_evaluation(result)},
                           result.history,
                           test_predicted(data, *result.model)});
  write_report_files(c, inputs);
  c.console.result(fmt::format("\nTest split ({} rows) after {} epochs: {}", data.y_test.rows(), result.epochs_run,
                               test_metrics_text(result.test, data.prepared.preprocessing.target_classes)));
  c.console.message(fmt::format("Model and history written to {}\n", c.out.path().string()));
  if (c.settings.json) {
    nlohmann::json summary = result;
    summary["command"] = "train";
    summary["out"] = c.out.path().string();
    summary["model"] = (c.out.path() / "model.safetensors").string();
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

}  // namespace lrtune::cli
