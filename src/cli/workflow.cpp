// The recipe's steps over the library: prepare, build, range test, train, evaluate.
#include "workflow.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/optim/factory.hpp"
#include "lrtune/train/early_stopping.hpp"
#include "lrtune/train/fit.hpp"
#include "signals.hpp"

namespace lrtune::cli {

CsvOptions csv_options(const Settings& s) {
  CsvOptions options;
  if (s.delimiter == "\\t" || s.delimiter == "\t") options.delimiter = '\t';
  else if (!s.delimiter.empty()) options.delimiter = s.delimiter[0];
  for (const auto& token : s.na_values) options.missing_tokens.push_back(token);
  // A --drop column is not used: a few non-numbers in it are no reason to stop.
  options.lenient_columns.insert(s.drop.begin(), s.drop.end());
  options.cancel = &cancel_flag();  // Ctrl-C ends a wait on a FIFO or pipe
  return options;
}

Dataset load_dataset(const Settings& s, const std::string& path, const std::optional<std::string>& csv_text) {
  PrepareOptions options;
  options.target = s.target;
  options.target_rule = TargetRule::parse(s.positive);
  if (options.target_rule.kind != TargetKind::kBinary)
    throw UsageError(fmt::format("--positive '{}': lrtune trains binary classifiers only; give a comparison "
                                 "('>=6') or the positive class of --target {}",
                                 s.positive, s.target));
  options.drop_columns = s.drop;
  options.test_size = s.test_size;
  options.split_seed = s.split_seed;
  options.encoder.unknown = s.unknown_levels == "error" ? UnknownLevel::kError : UnknownLevel::kAllZero;
  if (s.na != "drop") {
    options.missing = MissingPolicy::kImpute;
    options.impute.numeric = parse_impute_strategy(s.na == "most-frequent" ? "most_frequent" : s.na);
  }
  Dataset data;
  try {
    if (csv_text) {
      data.prepared = prepare(parse_csv(*csv_text, csv_options(s), path), options);
    } else {
      data.prepared = prepare(std::filesystem::path(path), options, csv_options(s));
    }
  } catch (const DataError& e) {
    const std::string what = e.what();
    // The split's message names the library's option ("split (test_size 0.9): a split of 60 rows
    // with test_size 0.9 leaves ..."): name what the user wrote instead.
    const std::string option = fmt::format("split (test_size {}): ", s.test_size);
    if (const auto at = what.find(option); at != std::string::npos) {
      std::string detail = what.substr(at + option.size());
      if (const auto with = detail.find(fmt::format("with test_size {} ", s.test_size)); with != std::string::npos)
        detail.erase(with, fmt::format("with test_size {} ", s.test_size).size());
      throw DataError(fmt::format("{}{} {}: {}", what.substr(0, at), setting_name(s, "--test-size"), s.test_size, detail));
    }
    // Only the target rule's messages: a CSV error may say "binary" too ("a binary file").
    if (what.find("target") != std::string::npos &&
        (what.find("single class") != std::string::npos || what.find("one class") != std::string::npos ||
         what.find("binary") != std::string::npos))
      throw DataError(what + " (make the target binary with --positive: a comparison such as '>=6' on a numeric "
                             "column, or the name of the positive class)");
    throw;
  }
  data.x_train = to_float(data.prepared.x_train);
  data.x_test = to_float(data.prepared.x_test);
  data.y_train = to_float(data.prepared.y_train);
  data.y_test = to_float(data.prepared.y_test);
  return data;
}

void warn_about_data(const Settings& s, const Dataset& data, const Console& console) {
  for (const auto& warning : data.prepared.warnings) console.warning(warning + "\n");
  Index rows = data.x_train.rows();
  // Early stopping holds out ceil(fraction * rows) of them, as the trainer's split does.
  if (s.early_stopping) rows -= static_cast<Index>(std::ceil(s.validation_fraction * static_cast<double>(rows)));
  if (s.batch_size > rows)
    console.warning(fmt::format("--batch-size {} is larger than the {} {}rows; each epoch is one batch of all {} "
                                "rows (as Keras does)\n",
                                s.batch_size, rows, s.early_stopping ? "training (non-validation) " : "train ", rows));
}

bool diverged(const TrainResult& r) { return r.history.stop_reason == StopReason::non_finite_loss; }

Sequential build_model(const Settings& s, Index input_dim, std::uint64_t seed) {
  std::vector<LayerSpec> layers;
  for (int width : s.layers) layers.emplace_back(Dense(width, s.activation));
  layers.emplace_back(Dense(1, "sigmoid"));
  return Sequential(input_dim, std::move(layers), seed);
}

std::unique_ptr<Optimizer> build_optimizer(const Settings& s, std::optional<double> learning_rate) {
  nlohmann::json hyper = nlohmann::json::object();
  if (learning_rate) hyper["learning_rate"] = *learning_rate;
  return make_optimizer(s.optimizer, update_form_from_name(s.update_form), hyper);
}

RangeTestCurve run_finder(const Settings& s, const Dataset& data, const Console& console) {
  Sequential model = build_model(s, data.x_train.cols(), s.seed);
  auto optimizer = build_optimizer(s, std::nullopt);
  const bool per_epoch = s.schedule == "epoch";
  LRFinderOptions options;
  if (per_epoch) {
    options = LRFinderOptions::recipe_per_epoch();
    options.schedule = RangeSchedule::recipe_per_epoch();
    options.schedule->start = s.effective_finder_start();
    options.schedule->num_points = static_cast<std::size_t>(s.finder_points);
  } else {
    options = LRFinderOptions::fastai_per_step(static_cast<std::size_t>(s.finder_points), s.effective_finder_start(),
                                               s.finder_end);
  }
  options.batch_size = s.batch_size;
  options.seed = s.seed;
  if (!s.rule.empty()) options.suggest.default_rule = rule_from_name(s.rule);
  options.cancel = &cancel_flag();
  const std::size_t points = static_cast<std::size_t>(s.finder_points);
  std::FILE* stream = console.progress_stream();
  if (console.show_progress()) {
    options.on_point = [stream, points, per_epoch](std::size_t index, double lr, double loss, double) {
      if (per_epoch || (index + 1) % 10 == 0 || index + 1 == points)
        fmt::print(stream, "Range test {}/{} - lr: {:.4g} - loss: {:.4f}\n", index + 1, points, lr, loss);
      std::fflush(stream);
    };
  }
  LRFinder finder(model, *optimizer, Loss::binary_crossentropy, data.x_train, data.y_train, options);
  return finder.run();
}

std::optional<double> chosen_rate(const Settings& s, const RangeTestCurve& curve, std::string* rule) {
  const Suggestion* suggestion = nullptr;
  if (!s.rule.empty()) suggestion = curve.suggestions.find(s.rule);
  if (!suggestion) suggestion = &curve.suggestions.default_suggestion();
  if (rule) *rule = suggestion->name;
  if (!suggestion->found) return std::nullopt;
  return suggestion->learning_rate;
}

TunerOptions tuner_options(const Settings& s, int repeats) {
  TunerOptions options;
  options.candidates = static_cast<std::size_t>(s.candidates);
  if (s.lr_low > 0.0 && s.lr_high > 0.0) {
    options.low = s.lr_low;
    options.high = s.lr_high;
  }
  if (s.schedule == "step")
    options.range_test = LRFinderOptions::fastai_per_step(static_cast<std::size_t>(s.finder_points), s.effective_finder_start(),
                                                          s.finder_end);
  if (!s.rule.empty()) options.range_test.suggest.default_rule = rule_from_name(s.rule);
  options.first_rung_epochs = s.first_rung_epochs;
  options.max_epochs = s.max_epochs;
  options.patience = s.patience;
  options.min_delta = s.min_delta;
  options.validation_split = s.validation_fraction;
  options.batch_size = s.batch_size;
  options.seed = s.seed;
  options.repeats = repeats;
  options.threads = static_cast<std::size_t>(s.threads);
  options.refit = s.refit;
  options.cancel = &cancel_flag();
  return options;
}

TuneRun run_tuner(const Settings& s, const Dataset& data, const Console& console, int repeats) {
  const Sequential prototype = build_model(s, data.x_train.cols(), s.seed);
  const auto optimizer = build_optimizer(s, std::nullopt);
  TunerCallbacks callbacks;
  if (console.show_progress()) {
    std::FILE* stream = console.progress_stream();
    callbacks.on_interval = [stream, candidates = s.candidates](const TuningResult& r) {
      fmt::print(stream, "Search interval: {:.3g} to {:.3g} ({} candidates, {} training and {} validation rows)\n", r.low,
                 r.high, candidates, r.training_rows, r.validation_rows);
      std::fflush(stream);
    };
    callbacks.on_rung_end = [stream, index = 0](const TuningRung& rung, const TuningResult& r) mutable {
      std::string kept;
      for (std::size_t c : rung.promoted) kept += fmt::format(" {:.3g}", r.candidates.at(c).learning_rate);
      for (std::size_t c : rung.kept_improving) kept += fmt::format(" {:.3g}(improving)", r.candidates.at(c).learning_rate);
      fmt::print(stream, "Rung {} ({} epochs, {} candidates, {:.1f}s): cut-off {:.4f}, kept{}\n", index++, rung.epochs,
                 rung.candidates.size(), rung.seconds, rung.cutoff_score, kept.empty() ? " none" : kept);
      std::fflush(stream);
    };
  }
  const Matrix y_train = data.y_train;  // (rows, 1)
  Tuner tuner(prototype, *optimizer, Loss::binary_crossentropy, data.x_train, y_train, tuner_options(s, repeats),
              callbacks);
  TuneRun run;
  run.result = tuner.run();
  if (!run.result.candidates.empty()) run.model.emplace(tuner.model());
  return run;
}

Confusion confusion(const Matrix& probabilities, const Vector& y) {
  Confusion c;
  for (Index i = 0; i < y.size(); ++i) {
    const bool predicted = probabilities(i, 0) > 0.5f, truth = y(i) > 0.5f;
    if (truth) (predicted ? c.tp : c.fn)++;
    else (predicted ? c.fp : c.tn)++;
  }
  return c;
}

TrainResult train_and_evaluate(const Settings& s, const Dataset& data, double learning_rate, std::uint64_t seed,
                               const Console& console, const std::string& title) {
  TrainResult result;
  result.learning_rate = learning_rate;
  result.seed = seed;
  result.model.emplace(build_model(s, data.x_train.cols(), seed));
  auto optimizer = build_optimizer(s, learning_rate);
  ProgressDisplay progress(console.progress_stream(), title, console.live);
  EarlyStoppingOptions stopping_options;
  stopping_options.monitor = s.monitor;
  stopping_options.patience = s.patience;
  stopping_options.min_delta = s.min_delta;
  stopping_options.restore_best_weights = s.restore_best_weights;
  EarlyStopping stopping(stopping_options);
  FitOptions options;
  options.epochs = s.epochs;
  options.batch_size = s.batch_size;
  options.seed = seed;
  options.cancel = &cancel_flag();
  if (console.show_progress()) options.callbacks.push_back(&progress);
  if (s.early_stopping) {
    options.validation_split = s.validation_fraction;
    options.validation_seed = seed;
    options.callbacks.push_back(&stopping);
  }
  result.history = fit(*result.model, *optimizer, Loss::binary_crossentropy, data.x_train, data.y_train, options);
  result.epochs_run = static_cast<int>(result.history.size());
  const Logs test = evaluate(*result.model, Loss::binary_crossentropy, data.x_test, data.y_test);
  result.test_loss = test.at("loss");
  result.test_accuracy = test.at("accuracy");
  result.confusion = confusion(result.model->predict(data.x_test, 1024), data.y_test);
  return result;
}

nlohmann::json to_json(const TrainResult& r) {
  return {{"learning_rate", r.learning_rate},
          {"seed", r.seed},
          {"epochs_run", r.epochs_run},
          {"best_epoch", r.history.best_epoch},
          {"stop_reason", std::string(stop_reason_name(r.history.stop_reason))},
          {"train_seconds", r.history.train_seconds},
          {"test_loss", r.test_loss},
          {"test_accuracy", r.test_accuracy},
          {"confusion", {{r.confusion.tn, r.confusion.fp}, {r.confusion.fn, r.confusion.tp}}}};
}

}  // namespace lrtune::cli
