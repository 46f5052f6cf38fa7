// The recipe's steps over the library: prepare, build, range test, train, evaluate.
#include "workflow.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/finder/range_test.hpp"
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
    if (what.find("single class") != std::string::npos || what.find("one class") != std::string::npos ||
        what.find("binary") != std::string::npos)
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

Sequential build_model(const Settings& s, Index input_dim, std::uint64_t seed) {
  std::vector<LayerSpec> layers;
  for (int width : s.layers) layers.emplace_back(Dense(width, s.activation));
  layers.emplace_back(Dense(1, "sigmoid"));
  return Sequential(input_dim, std::move(layers), seed);
}

std::unique_ptr<Optimizer> build_optimizer(const Settings& s, std::optional<double> learning_rate) {
  nlohmann::json hyper = nlohmann::json::object();
  if (learning_rate) hyper["learning_rate"] = *learning_rate;
  return make_optimizer(s.optimizer, parse_update_form(s.update_form), hyper);
}

namespace {

// One epoch of fit per point: the recipe's range test (Keras' LearningRateScheduler).
StepFn per_epoch_step(const Settings& s, const Dataset& data, Sequential& model, Optimizer& optimizer) {
  auto point = std::make_shared<std::uint64_t>(0);
  return [&s, &data, &model, &optimizer, point](double lr) {
    optimizer.set_learning_rate(lr);
    FitOptions options;
    options.epochs = 1;
    options.batch_size = s.batch_size;
    options.seed = s.seed * 1'000'003u + (*point)++;  // a fresh batch order every epoch
    options.terminate_on_nan = false;
    options.cancel = &cancel_flag();
    const History history = fit(model, optimizer, Loss::binary_crossentropy, data.x_train, data.y_train, options);
    StepResult result;
    if (history.empty()) {  // cancelled inside the epoch
      result.loss = std::numeric_limits<double>::quiet_NaN();
      return result;
    }
    result.loss = history.rows().back().at("loss");
    if (auto accuracy = history.rows().back().find("accuracy")) result.metrics["accuracy"] = *accuracy;
    return result;
  };
}

// One mini-batch per point (fastai / pytorch-lr-finder).
StepFn per_step_step(const Settings& s, const Dataset& data, Sequential& model, Optimizer& optimizer) {
  struct State {
    std::vector<Index> order;
    std::size_t next = 0;
    std::mt19937_64 rng;
    Matrix xb, yb;
  };
  auto state = std::make_shared<State>();
  state->order.resize(static_cast<std::size_t>(data.x_train.rows()));
  std::iota(state->order.begin(), state->order.end(), Index{0});
  state->rng.seed(s.seed);
  std::shuffle(state->order.begin(), state->order.end(), state->rng);
  const Index batch = std::min<Index>(s.batch_size, data.x_train.rows());
  return [&data, &model, &optimizer, state, batch](double lr) {
    if (state->next + static_cast<std::size_t>(batch) > state->order.size()) {
      std::shuffle(state->order.begin(), state->order.end(), state->rng);
      state->next = 0;
    }
    state->xb.resize(batch, data.x_train.cols());
    state->yb.resize(batch, 1);
    for (Index r = 0; r < batch; ++r) {
      const Index row = state->order[state->next++];
      state->xb.row(r) = data.x_train.row(row);
      state->yb(r, 0) = data.y_train(row);
    }
    optimizer.set_learning_rate(lr);
    StepResult result;
    result.loss = model.forward_backward(state->xb, state->yb, Loss::binary_crossentropy, true);
    if (std::isfinite(result.loss)) optimizer.step(model.parameters(), model.gradients());
    return result;
  };
}

}  // namespace

RangeTestCurve run_finder(const Settings& s, const Dataset& data, const Console& console) {
  Sequential model = build_model(s, data.x_train.cols(), s.seed);
  auto optimizer = build_optimizer(s, std::nullopt);
  RangeTestOptions options;
  if (s.schedule == "epoch") {
    options = RangeTestOptions::recipe_per_epoch();
    options.schedule.start = s.effective_finder_start();
    options.schedule.num_points = static_cast<std::size_t>(s.finder_points);
  } else {
    options.mode = CurveMode::per_step;
    options.schedule.kind = RangeScheduleKind::exponential;
    options.schedule.start = s.effective_finder_start();
    options.schedule.end = s.finder_end;
    options.schedule.num_points = static_cast<std::size_t>(s.finder_points);
  }
  if (!s.rule.empty()) options.suggest.default_rule = parse_rule(s.rule);
  options.cancel = &cancel_flag();
  const std::size_t points = options.schedule.num_points;
  const bool per_epoch = s.schedule == "epoch";
  std::FILE* stream = console.progress_stream();
  if (console.show_progress()) {
    options.on_point = [stream, points, per_epoch](std::size_t index, double lr, double loss, double) {
      if (per_epoch || (index + 1) % 10 == 0 || index + 1 == points)
        fmt::print(stream, "Range test {}/{} - lr: {:.4g} - loss: {:.4f}\n", index + 1, points, lr, loss);
      std::fflush(stream);
    };
  }
  const StepFn step = per_epoch ? per_epoch_step(s, data, model, *optimizer) : per_step_step(s, data, model, *optimizer);
  return run_range_test(step, options);
}

std::optional<double> chosen_rate(const Settings& s, const RangeTestCurve& curve, std::string* rule) {
  const Suggestion* suggestion = nullptr;
  if (!s.rule.empty()) suggestion = curve.suggestions.find(s.rule);
  if (!suggestion) suggestion = &curve.suggestions.default_suggestion();
  if (rule) *rule = suggestion->name;
  if (!suggestion->found) return std::nullopt;
  return suggestion->learning_rate;
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
          {"stop_reason", std::string(to_string(r.history.stop_reason))},
          {"train_seconds", r.history.train_seconds},
          {"test_loss", r.test_loss},
          {"test_accuracy", r.test_accuracy},
          {"confusion", {{r.confusion.tn, r.confusion.fp}, {r.confusion.fn, r.confusion.tp}}}};
}

std::string history_csv(const History& history) {
  const auto names = history.names();
  std::string csv = "epoch";
  for (const auto& n : names) csv += "," + n;
  csv += "\n";
  for (std::size_t i = 0; i < history.size(); ++i) {
    csv += std::to_string(history.epochs()[i] + 1);
    for (const auto& n : names) {
      const auto v = history.rows()[i].find(n);
      csv += v ? fmt::format(",{:.9g}", *v) : std::string(",");
    }
    csv += "\n";
  }
  return csv;
}

std::string curve_csv(const RangeTestCurve& curve) {
  std::string csv = "point,learning_rate,loss,smoothed_loss";
  for (const auto& [name, values] : curve.metrics) csv += "," + name;
  csv += "\n";
  for (std::size_t i = 0; i < curve.size(); ++i) {
    csv += fmt::format("{},{:.9g},{:.9g},{:.9g}", i, curve.learning_rates[i], curve.losses[i], curve.smoothed_losses[i]);
    for (const auto& [name, values] : curve.metrics) csv += fmt::format(",{:.9g}", values[i]);
    csv += "\n";
  }
  return csv;
}

}  // namespace lrtune::cli
