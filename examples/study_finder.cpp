// The range-test measurement study (docs/finder-study.md): the recipe's per-epoch curve over
// seeds, the per-step curve, the honest comparison of the suggested rate against Adam's 1e-3,
// and the validation-scored study of every suggestion rule against a 13-point grid of constant
// rates on several data sets. A program, not a test: it prints Markdown tables and writes JSON.
//
//   ./build/study_finder recipe  [data_dir] [out.json]   # wine curve, suggestions, honest comparison
//   ./build/study_finder rules   [data_dir] [out.json]   # the grid study of the suggestion rules
//   ./build/study_finder tuner   [data_dir] [out.json]   # the same study with lrtune's Tuner beside the rules
//   env: STUDY_THREADS (2), STUDY_MAX_EPOCHS (100), STUDY_SEEDS (recipe 5 / rules 3)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "lrtune/core/split.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/early_stopping.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/tune/tuner.hpp"

namespace {

using lrtune::Index;
using lrtune::Matrix;
using Clock = std::chrono::steady_clock;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Runs jobs on `threads` threads (each job independent, single-threaded inside).
void run_jobs(std::vector<std::function<void()>>& jobs, int threads) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) jobs[i]();
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

lrtune::Sequential recipe_model(std::uint64_t seed) {
  using lrtune::Dense;
  return lrtune::Sequential(12, {Dense(128, "relu"), Dense(256, "relu"), Dense(256, "relu"), Dense(1, "sigmoid")},
                            seed);
}

struct Dataset {
  std::string name;
  Matrix x_train, y_train;  // (rows, 12), (rows, 1): the train part, scaled
  Matrix x_test, y_test;
};

Matrix gather(const Matrix& m, const std::vector<Index>& rows) {
  Matrix out(static_cast<Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = m.row(rows[i]);
  return out;
}

Dataset wine(const std::string& csv, const std::string& name, const std::string& target, const std::string& rule) {
  lrtune::PrepareOptions options;
  options.target = target;
  if (target == "type") {
    options.target_rule = lrtune::TargetRule::positive(rule);
  } else {
    options.target_rule = lrtune::TargetRule::parse(rule);
    options.encoder.binary_name["type"] = "is_white_wine";
  }
  options.test_size = 0.2;
  options.split_seed = 42;
  const auto data = lrtune::prepare(csv, options);
  return {name, data.x_train, lrtune::as_column(lrtune::to_float(data.y_train)), data.x_test,
          lrtune::as_column(lrtune::to_float(data.y_test))};
}

// A deterministic tabular problem: 12 standard-normal features (4 of them correlated pairs),
// label from a non-linear score with `flip` of the labels flipped; split 80:20 (seed 42) and
// standard-scaled on the train part, as the wine data.
Dataset generated(const std::string& name, Index n, double nonlinearity, double flip, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Matrix X(n, 12), y(n, 1);
  std::vector<double> w(12);
  for (auto& v : w) v = normal(rng);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < 12; ++j) X(i, j) = static_cast<float>(normal(rng));
    for (Index j = 8; j < 12; ++j) X(i, j) = 0.7f * X(i, j - 8) + 0.3f * X(i, j);
    double linear = 0.0;
    for (Index j = 0; j < 12; ++j) linear += w[static_cast<std::size_t>(j)] * X(i, j) / std::sqrt(12.0);
    const double bumps = X(i, 0) * X(i, 1) + std::sin(2.0 * X(i, 2)) + X(i, 3) * X(i, 3) - 1.0 - std::abs(X(i, 4));
    const double score = linear + nonlinearity * bumps;
    const bool label = (score > 0.0) != (uniform(rng) < flip);
    y(i, 0) = label ? 1.0f : 0.0f;
  }
  const auto split = lrtune::train_test_split_indices(n, 0.2, 42);
  Dataset d{name, gather(X, split.train), gather(y, split.train), gather(X, split.test), gather(y, split.test)};
  const Eigen::RowVectorXf mean = d.x_train.colwise().mean();
  Eigen::RowVectorXf sd = ((d.x_train.rowwise() - mean).array().square().colwise().mean()).sqrt().matrix();
  d.x_train = ((d.x_train.rowwise() - mean).array().rowwise() / sd.array()).matrix();
  d.x_test = ((d.x_test.rowwise() - mean).array().rowwise() / sd.array()).matrix();
  return d;
}

struct TrainResult {
  double val_loss = NAN;  // best validation loss (the restored weights') when early stopping
  double test_loss = NAN, test_accuracy = NAN;
  double train_loss = NAN, train_accuracy = NAN;  // last epoch's
  int epochs_run = 0, best_epoch = -1;
  double seconds = 0.0;
};

// The recipe's model and Adam at a constant rate; early stopping on val_loss when x_val is given
// (patience 10, best weights restored), else `epochs` epochs.
TrainResult train_at(double lr, std::uint64_t seed, const Matrix& x, const Matrix& y, const Matrix* x_val,
                     const Matrix* y_val, const Matrix& x_test, const Matrix& y_test, int epochs) {
  auto model = recipe_model(seed);
  lrtune::Adam adam({.learning_rate = lr});
  lrtune::EarlyStopping stopper({.monitor = "val_loss", .patience = 10, .restore_best_weights = true});
  lrtune::FitOptions options{.epochs = epochs, .batch_size = 32, .seed = seed, .x_val = x_val, .y_val = y_val};
  if (x_val != nullptr) options.callbacks = {&stopper};
  const auto history = lrtune::fit(model, adam, lrtune::Loss::binary_crossentropy, x, y, options);
  TrainResult r;
  r.epochs_run = static_cast<int>(history.size());
  r.train_loss = history.values("loss").back();
  r.train_accuracy = history.values("accuracy").back();
  if (x_val != nullptr) {
    r.val_loss = stopper.best_value();
    r.best_epoch = stopper.best_epoch();
  }
  const auto test = lrtune::evaluate(model, lrtune::Loss::binary_crossentropy, x_test, y_test);
  r.test_loss = test.at("loss");
  r.test_accuracy = test.at("accuracy");
  r.seconds = history.train_seconds;
  return r;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

std::pair<double, double> mean_std(const std::vector<double>& v) {
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0};
}

nlohmann::json suggestions_json(const lrtune::SuggestionSet& set) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& s : set.suggestions) j[s.name] = s.found ? nlohmann::json(s.learning_rate) : nlohmann::json(nullptr);
  return j;
}

// ---------------------------------------------------------------------------------------------
// recipe: the wine per-epoch curve over seeds, per-step beside it, the honest comparison.
int recipe(const std::string& data_dir, const std::string& out_path) {
  const int threads = env_int("STUDY_THREADS", 2);
  const int seeds = env_int("STUDY_SEEDS", 5);
  const Dataset d = wine(data_dir + "/winequalityN.csv", "wine quality>=6", "quality", ">=6");
  nlohmann::json out;
  fmt::print("# recipe: wine quality >= 6, {} train rows, {} test rows, {} seeds, {} threads\n\n", d.x_train.rows(),
             d.x_test.rows(), seeds, threads);

  const lrtune::Sequential prototype = recipe_model(0);
  const lrtune::Adam adam;
  const lrtune::RepeatOptions repeat{
      .runs = static_cast<std::size_t>(seeds), .first_seed = 0, .workers = static_cast<std::size_t>(threads)};
  auto t0 = Clock::now();
  const auto per_epoch = lrtune::run_repeated_lr_finder(prototype, adam, lrtune::Loss::binary_crossentropy, d.x_train,
                                                        d.y_train, lrtune::LRFinderOptions::recipe_per_epoch(), repeat);
  const double per_epoch_wall = seconds_since(t0);
  t0 = Clock::now();
  const auto per_step = lrtune::run_repeated_lr_finder(prototype, adam, lrtune::Loss::binary_crossentropy, d.x_train,
                                                       d.y_train, lrtune::LRFinderOptions::fastai_per_step(), repeat);
  const double per_step_wall = seconds_since(t0);

  fmt::print("## per-epoch curve key points (lr = 1e-3 * 10^(e/30), 100 epochs, Adam, batch 32)\n\n");
  fmt::print(
      "| seed | epoch 1 loss / acc | min epoch (1-based) | lr at min | min loss | floor (within 0.02) | "
      "acc < 0.65 from epoch | final loss / acc | sweep s |\n|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t r = 0; r < per_epoch.runs.size(); ++r) {
    const auto& c = per_epoch.runs[r];
    const auto& acc = c.metrics.at("accuracy");
    const auto min_it = std::min_element(c.losses.begin(), c.losses.end());
    const std::size_t k = static_cast<std::size_t>(min_it - c.losses.begin());
    double floor_lo = NAN, floor_hi = NAN;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c.losses[i] <= *min_it + 0.02) {
        if (std::isnan(floor_lo)) floor_lo = c.learning_rates[i];
        floor_hi = c.learning_rates[i];
      }
    }
    int collapse = -1;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (acc[i] < 0.65) {
        collapse = static_cast<int>(i) + 1;
        break;
      }
    fmt::print(
        "| {} | {:.4f} / {:.4f} | {} | {:.4f} | {:.4f} | {:.4f}..{:.4f} | {} (lr {:.3f}) | {:.4f} / {:.4f} | {:.1f} "
        "|\n",
        per_epoch.seeds[r], c.losses[0], acc[0], k + 1, c.learning_rates[k], *min_it, floor_lo, floor_hi, collapse,
        collapse > 0 ? c.learning_rates[static_cast<std::size_t>(collapse - 1)] : NAN, c.losses.back(), acc.back(),
        c.total_seconds);
    out["per_epoch"]["runs"].push_back({{"seed", per_epoch.seeds[r]},
                                        {"learning_rates", c.learning_rates},
                                        {"losses", c.losses},
                                        {"accuracy", acc},
                                        {"suggestions", suggestions_json(c.suggestions)},
                                        {"seconds", c.total_seconds}});
  }
  auto spread_table = [&](const lrtune::RepeatedRangeTest& rt, const char* title, double wall) {
    fmt::print("\n## {} suggestions over {} seeds (wall {:.1f} s for all runs on {} threads)\n\n", title,
               rt.runs.size(), wall, threads);
    fmt::print(
        "| rule | found | median | min | max | q1..q3 | geometric std | per seed "
        "|\n|---|---|---|---|---|---|---|---|\n");
    for (const auto& s : rt.spreads) {
      std::string values;
      for (double v : s.values) values += fmt::format("{:.4g} ", v);
      fmt::print("| {}{} | {}/{} | {:.4g} | {:.4g} | {:.4g} | {:.4g}..{:.4g} | {:.2f} | {}|\n", s.name,
                 s.name == rt.default_rule ? " (default)" : "", s.found, s.runs, s.median, s.min, s.max, s.q1, s.q3,
                 s.geometric_std, values);
    }
    double mean_seconds = 0.0;
    for (const auto& c : rt.runs) mean_seconds += c.total_seconds / static_cast<double>(rt.runs.size());
    fmt::print("\nmean sweep time per run: {:.2f} s\n", mean_seconds);
    return mean_seconds;
  };
  const double epoch_seconds = spread_table(per_epoch, "per-epoch (recipe)", per_epoch_wall);
  const double step_seconds = spread_table(per_step, "per-step (fastai, 1e-7 -> 10, 100 mini-batches)", per_step_wall);
  out["per_epoch"]["spreads"] = per_epoch.spreads;
  out["per_step"]["spreads"] = per_step.spreads;
  out["per_epoch"]["mean_seconds"] = epoch_seconds;
  out["per_step"]["mean_seconds"] = step_seconds;
  for (const auto& c : per_step.runs)
    out["per_step"]["runs"].push_back({{"learning_rates", c.learning_rates},
                                       {"losses", c.losses},
                                       {"smoothed", c.smoothed_losses},
                                       {"suggestions", suggestions_json(c.suggestions)},
                                       {"stop", std::string(lrtune::stop_reason_name(c.stop_reason))}});

  // The honest comparison: the per-epoch default rule's median against 1e-3.
  // The rates compared: each per-epoch rule that is or was the default (its median over the
  // seeds), the per-step default's median, and Adam's 1e-3.
  std::vector<std::pair<std::string, double>> rates = {
      {"per-epoch stable-minimum", per_epoch.find("stable-minimum")->median},
      {"per-epoch minimum", per_epoch.find("minimum")->median},
      {"per-step valley", per_step.find("valley")->median},
      {"Adam default", 1e-3}};
  const int epochs = env_int("STUDY_MAX_EPOCHS", 100);
  struct Cell {
    std::string who;
    double lr;
    bool early;
    std::uint64_t seed;
    TrainResult r;
  };
  std::vector<Cell> cells;
  for (const auto& [who, lr] : rates)
    for (bool early : {false, true})
      for (int s = 0; s < seeds; ++s) cells.push_back({who, lr, early, static_cast<std::uint64_t>(s), {}});
  std::vector<std::function<void()>> jobs;
  for (auto& cell : cells) {
    jobs.emplace_back([&cell, &d, epochs] {
      if (!cell.early) {
        cell.r = train_at(cell.lr, cell.seed, d.x_train, d.y_train, nullptr, nullptr, d.x_test, d.y_test, epochs);
        return;
      }
      // Validation: 0.2 of the train rows, drawn with the run's seed.
      const auto split = lrtune::train_test_split_indices(d.x_train.rows(), 0.2, static_cast<std::uint32_t>(cell.seed));
      const Matrix xt = gather(d.x_train, split.train), yt = gather(d.y_train, split.train);
      const Matrix xv = gather(d.x_train, split.test), yv = gather(d.y_train, split.test);
      cell.r = train_at(cell.lr, cell.seed, xt, yt, &xv, &yv, d.x_test, d.y_test, epochs);
    });
  }
  t0 = Clock::now();
  run_jobs(jobs, threads);
  fmt::print("\n## honest comparison: suggested rates vs 0.001, {} seeds ({:.0f} s)\n\n", seeds, seconds_since(t0));
  fmt::print(
      "| rate | protocol | test accuracy | test loss | epochs (best) | final train accuracy | per seed test acc |\n"
      "|---|---|---|---|---|---|---|\n");
  for (const auto& [who, lr] : rates) {
    for (bool early : {false, true}) {
      std::vector<double> acc, loss, ep, best, tacc;
      std::string per_seed;
      for (const auto& c : cells) {
        if (c.who != who || c.early != early) continue;
        acc.push_back(c.r.test_accuracy);
        loss.push_back(c.r.test_loss);
        ep.push_back(c.r.epochs_run);
        best.push_back(c.r.best_epoch + 1);
        tacc.push_back(c.r.train_accuracy);
        per_seed += fmt::format("{:.3f} ", c.r.test_accuracy);
        out["comparison"].push_back({{"rule", who},
                                     {"lr", lr},
                                     {"early_stopping", early},
                                     {"seed", c.seed},
                                     {"test_accuracy", c.r.test_accuracy},
                                     {"test_loss", c.r.test_loss},
                                     {"epochs", c.r.epochs_run},
                                     {"best_epoch", c.r.best_epoch},
                                     {"train_accuracy", c.r.train_accuracy}});
      }
      const auto [am, as] = mean_std(acc);
      const auto [lm, ls] = mean_std(loss);
      const auto [em, es] = mean_std(ep);
      const auto [bm, bs] = mean_std(best);
      const auto [tm, ts] = mean_std(tacc);
      fmt::print("| {} {:.4g} | {} | {:.4f} ± {:.4f} | {:.3f} ± {:.3f} | {:.1f} ± {:.1f}{} | {:.3f} ± {:.3f} | {}|\n",
                 who, lr, early ? "early stopping (val 0.2, patience 10)" : fmt::format("{} epochs", epochs), am, as,
                 lm, ls, em, es, early ? fmt::format(" ({:.1f})", bm) : std::string(), tm, ts, per_seed);
    }
  }
  if (!out_path.empty()) std::ofstream(out_path) << out.dump(1) << '\n';
  return 0;
}

// ---------------------------------------------------------------------------------------------
// rules: every suggestion rule scored by the validation loss of training at its rate.
// The Tuner on one seed of one set: its pick as a rule's rate, plus what it cost.
struct TunerRun {
  double lr = NAN, val = NAN, test_accuracy = NAN, epochs = 0.0, seconds = 0.0, low = NAN, high = NAN;
  int best_epoch = 0;
  std::size_t rungs = 0;
  bool lowest_kept_at_first_cut = false;  // the slowest candidate survived rung 0
  nlohmann::json result;
};

// The searches compared: the defaults, the defaults without the slow-starter guard (does the
// guard matter?), and cheaper settings (what does a smaller budget cost in excess?).
struct TunerVariant {
  std::string name;
  std::function<void(lrtune::TunerOptions&)> adjust;
};

const std::vector<TunerVariant>& tuner_variants() {
  static const std::vector<TunerVariant> variants = {
      {"tuner", [](lrtune::TunerOptions&) {}},
      {"tuner without slow-starter guard", [](lrtune::TunerOptions& o) { o.keep_improving = false; }},
      {"tuner, patience 5", [](lrtune::TunerOptions& o) { o.patience = 5; }},
      {"tuner, 8 candidates, keep 1/3, patience 5",
       [](lrtune::TunerOptions& o) {
         o.candidates = 8;
         o.keep_fraction = 1.0 / 3.0;
         o.patience = 5;
       }},
  };
  return variants;
}

TunerRun run_tuner(const Dataset& d, const Matrix& xt, const Matrix& yt, const Matrix& xv, const Matrix& yv, int seed,
                   int max_epochs, const TunerVariant& variant) {
  const lrtune::Sequential prototype = recipe_model(0);
  const lrtune::Adam adam;
  lrtune::TunerOptions options;
  options.seed = static_cast<std::uint64_t>(seed);
  options.x_val = &xv;
  options.y_val = &yv;
  options.threads = 1;  // the study runs one search per thread
  options.max_epochs = max_epochs;
  variant.adjust(options);
  lrtune::Tuner tuner(prototype, adam, lrtune::Loss::binary_crossentropy, xt, yt, options);
  const auto result = tuner.run();
  lrtune::Sequential model = tuner.model();
  const auto test = lrtune::evaluate(model, lrtune::Loss::binary_crossentropy, d.x_test, d.y_test);
  TunerRun t;
  t.lr = result.learning_rate;
  t.val = result.validation_loss;
  t.test_accuracy = test.at("accuracy");
  t.epochs = result.epochs_cost;
  t.seconds = result.total_seconds;
  t.low = result.low;
  t.high = result.high;
  t.best_epoch = result.best_epoch + 1;  // 1-based in this study's tables
  t.rungs = result.rungs.size();
  if (!result.rungs.empty()) {
    const auto& first = result.rungs.front();
    const auto has0 = [](const std::vector<std::size_t>& v) { return std::find(v.begin(), v.end(), 0) != v.end(); };
    t.lowest_kept_at_first_cut = has0(first.promoted) || has0(first.kept_improving);
  }
  t.result = result;
  t.result.erase("range_test");  // the per-step curves are in the rules study's JSON already
  return t;
}

int rules(const std::string& data_dir, const std::string& out_path, bool with_tuner) {
  const int threads = env_int("STUDY_THREADS", 2);
  const int seeds = env_int("STUDY_SEEDS", 3);
  const int max_epochs = env_int("STUDY_MAX_EPOCHS", 100);
  const std::string csv = data_dir + "/winequalityN.csv";
  std::vector<Dataset> sets;
  sets.push_back(wine(csv, "wine quality>=6", "quality", ">=6"));
  sets.push_back(wine(csv, "wine quality>=7", "quality", ">=7"));
  sets.push_back(wine(csv, "wine type==white", "type", "white"));
  sets.push_back(generated("generated easy (linear-ish, 5% flips)", 4000, 0.3, 0.05, 11));
  sets.push_back(generated("generated hard (non-linear, 20% flips)", 4000, 1.0, 0.20, 12));
  sets.push_back(generated("generated small (1,500 rows, non-linear, 10% flips)", 1500, 1.0, 0.10, 13));

  std::vector<double> grid;
  for (int i = 0; i <= 12; ++i) grid.push_back(std::pow(10.0, -4.0 + i / 4.0));
  const std::vector<std::string> rule_names = {"minimum", "steep", "valley", "slide", "stable-minimum"};
  const std::vector<std::string> modes = {"per-epoch", "per-step"};
  nlohmann::json out;
  const auto t_all = Clock::now();

  // candidate name -> per data set -> per seed excess
  std::map<std::string, std::vector<std::vector<double>>> excess;
  std::map<std::string, std::vector<std::vector<double>>> rates;
  std::map<std::string, std::vector<int>> beats_default;     // paired wins against 1e-3
  std::map<std::string, std::vector<double>> test_accuracy;  // candidate -> per set mean test accuracy
  std::map<std::string, std::vector<double>> cost_ratio;     // tuner -> per (set, seed) epochs / grid epochs
  fmt::print(
      "# rules study: {} seeds, grid 1e-4..1e-1 (13 rates), early stopping (val 0.2, patience 10, best "
      "weights), max {} epochs, {} threads\n\n",
      seeds, max_epochs, threads);

  for (std::size_t ds = 0; ds < sets.size(); ++ds) {
    const Dataset& d = sets[ds];
    const auto t_set = Clock::now();
    // One fixed validation part of the train rows for every training of this set.
    const auto split = lrtune::train_test_split_indices(d.x_train.rows(), 0.2, 1234);
    const Matrix xt = gather(d.x_train, split.train), yt = gather(d.y_train, split.train);
    const Matrix xv = gather(d.x_train, split.test), yv = gather(d.y_train, split.test);

    // Range tests on the training rows, seed s for run s (per-epoch recipe and per-step fastai).
    std::vector<std::vector<lrtune::RangeTestCurve>> curves(2, std::vector<lrtune::RangeTestCurve>(seeds));
    std::vector<std::function<void()>> jobs;
    for (int m = 0; m < 2; ++m)
      for (int s = 0; s < seeds; ++s)
        jobs.emplace_back([&, m, s] {
          auto model = recipe_model(static_cast<std::uint64_t>(s));
          lrtune::Adam adam;
          auto options =
              m == 0 ? lrtune::LRFinderOptions::recipe_per_epoch() : lrtune::LRFinderOptions::fastai_per_step();
          options.seed = static_cast<std::uint64_t>(s);
          curves[m][s] = lrtune::LRFinder(model, adam, lrtune::Loss::binary_crossentropy, xt, yt, options).run();
        });
    run_jobs(jobs, threads);

    // Trainings: the grid, and every found suggestion (seed s trains at run s's suggestion).
    struct Job {
      std::string who;
      double lr;
      int seed;
      double val = NAN;
      int epochs = 0;
      double test_accuracy = NAN;
    };
    std::vector<Job> trainings;
    for (double lr : grid)
      for (int s = 0; s < seeds; ++s) trainings.push_back({fmt::format("grid {:.3g}", lr), lr, s});
    for (int m = 0; m < 2; ++m)
      for (const auto& rule : rule_names)
        for (int s = 0; s < seeds; ++s) {
          const auto* sug = curves[m][s].suggestions.find(rule);
          trainings.push_back({modes[m] + " " + rule, sug->found ? sug->learning_rate : NAN, s});
        }
    jobs.clear();
    for (auto& job : trainings) {
      if (!std::isfinite(job.lr)) continue;
      jobs.emplace_back([&job, &xt, &yt, &xv, &yv, &d, max_epochs] {
        const auto r =
            train_at(job.lr, static_cast<std::uint64_t>(job.seed), xt, yt, &xv, &yv, d.x_test, d.y_test, max_epochs);
        job.val = r.val_loss;
        job.epochs = r.epochs_run;
        job.test_accuracy = r.test_accuracy;
      });
    }
    std::vector<std::string> tuner_names;
    for (const auto& v : tuner_variants()) tuner_names.push_back(v.name);
    std::vector<std::vector<TunerRun>> tuned(with_tuner ? tuner_names.size() : 0,
                                             std::vector<TunerRun>(static_cast<std::size_t>(seeds)));
    for (std::size_t g = 0; g < tuned.size(); ++g)
      for (int s = 0; s < seeds; ++s)
        jobs.emplace_back(
            [&, g, s] { tuned[g][s] = run_tuner(d, xt, yt, xv, yv, s, max_epochs, tuner_variants()[g]); });
    run_jobs(jobs, threads);

    // Ground truth: the grid's best mean validation loss.
    std::vector<double> grid_mean(grid.size(), 0.0);
    for (const auto& job : trainings)
      for (std::size_t g = 0; g < grid.size(); ++g)
        if (job.who == fmt::format("grid {:.3g}", grid[g])) grid_mean[g] += job.val / seeds;
    const std::size_t gbest =
        static_cast<std::size_t>(std::min_element(grid_mean.begin(), grid_mean.end()) - grid_mean.begin());
    const double l_best = grid_mean[gbest];
    std::map<std::string, std::vector<double>> set_excess, set_rates, set_test_accuracy;
    for (const auto& job : trainings) {
      set_excess[job.who].push_back(std::isfinite(job.val) ? (job.val - l_best) / l_best : NAN);
      set_rates[job.who].push_back(job.lr);
      set_test_accuracy[job.who].push_back(job.test_accuracy);
    }
    for (std::size_t g = 0; g < tuned.size(); ++g)
      for (const auto& t : tuned[g]) {
        set_excess[tuner_names[g]].push_back((t.val - l_best) / l_best);
        set_rates[tuner_names[g]].push_back(t.lr);
        set_test_accuracy[tuner_names[g]].push_back(t.test_accuracy);
      }
    const std::string adam_default = fmt::format("grid {:.3g}", 1e-3);
    const std::string grid_best = fmt::format("grid {:.3g}", grid[gbest]);

    fmt::print("## {} ({} train, {} validation rows; {:.0f} s)\n\n", d.name, xt.rows(), xv.rows(),
               seconds_since(t_set));
    fmt::print("grid mean validation loss: ");
    for (std::size_t g = 0; g < grid.size(); ++g) fmt::print("{:.3g}:{:.4f} ", grid[g], grid_mean[g]);
    fmt::print("\nbest grid rate {:.3g}, L_best {:.4f}\n\n", grid[gbest], l_best);
    fmt::print(
        "| candidate | rates (per seed) | excess val loss (per seed) | median | beats 1e-3 (paired) | test accuracy "
        "(mean) |\n|---|---|---|---|---|---|\n");
    // (row name, training name): the grid's best and 1e-3 may be the same trainings.
    std::vector<std::pair<std::string, std::string>> candidates = {{"grid best", grid_best},
                                                                   {"Adam default 1e-3", adam_default}};
    for (std::size_t g = 0; g < tuned.size(); ++g) candidates.push_back({tuner_names[g], tuner_names[g]});
    for (const auto& mode : modes)
      for (const auto& rule : rule_names) candidates.push_back({mode + " " + rule, mode + " " + rule});
    nlohmann::json jset{{"name", d.name}, {"grid", grid}, {"grid_mean_val_loss", grid_mean}, {"l_best", l_best}};
    for (const auto& [key, who] : candidates) {
      const auto& ex = set_excess[who];
      const auto& lr = set_rates[who];
      const auto& ref = set_excess[adam_default];
      int wins = 0, pairs = 0;
      std::string rs, es;
      for (std::size_t s = 0; s < ex.size(); ++s) {
        rs += std::isfinite(lr[s]) ? fmt::format("{:.3g} ", lr[s]) : std::string("none ");
        es += std::isfinite(ex[s]) ? fmt::format("{:+.1f}% ", 100 * ex[s]) : std::string("- ");
        if (std::isfinite(ex[s])) {
          ++pairs;
          wins += ex[s] < ref[s] ? 1 : 0;
        }
      }
      excess[key].resize(sets.size());
      rates[key].resize(sets.size());
      excess[key][ds] = ex;
      rates[key][ds] = lr;
      auto& bd = beats_default[key];
      bd.resize(2 * sets.size());
      bd[2 * ds] = wins;
      bd[2 * ds + 1] = pairs;
      const auto& acc = set_test_accuracy[who];
      std::vector<double> found_acc;
      for (double a : acc)
        if (std::isfinite(a)) found_acc.push_back(a);
      const double mean_acc = found_acc.empty() ? NAN : mean_std(found_acc).first;
      fmt::print("| {} | {}| {}| {:+.1f}% | {}/{} | {:.4f} |\n", key, rs, es, 100 * median(ex), wins, pairs, mean_acc);
      jset["candidates"][key] = {{"rates", lr}, {"excess", ex}, {"test_accuracy", acc}};
      test_accuracy[key].push_back(mean_acc);
    }
    fmt::print("\n");
    // What each search cost against the grid, per seed (grid: its 13 early-stopped trainings).
    std::vector<double> grid_epochs(static_cast<std::size_t>(seeds), 0.0);
    for (const auto& job : trainings)
      if (job.who.rfind("grid ", 0) == 0) grid_epochs[static_cast<std::size_t>(job.seed)] += job.epochs;
    for (std::size_t g = 0; g < tuned.size(); ++g) {
      fmt::print("{} per seed: ", tuner_names[g]);
      for (int s = 0; s < seeds; ++s) {
        const auto& t = tuned[g][static_cast<std::size_t>(s)];
        const double ratio = t.epochs / grid_epochs[static_cast<std::size_t>(s)];
        cost_ratio[tuner_names[g]].push_back(ratio);
        fmt::print(
            "[seed {}: interval {:.3g}..{:.3g}, pick {:.3g} (best epoch {}), {} rungs, slowest candidate {} the "
            "first cut, {:.0f} epochs = {:.2f} of the grid's {:.0f} ({:.2f} of 13 x {} epochs), {:.1f} s] ",
            s, t.low, t.high, t.lr, t.best_epoch, t.rungs, t.lowest_kept_at_first_cut ? "survived" : "cut at", t.epochs,
            ratio, grid_epochs[static_cast<std::size_t>(s)], t.epochs / (13.0 * max_epochs), max_epochs, t.seconds);
        jset["tuner_runs"][tuner_names[g]].push_back(t.result);
      }
      fmt::print("\n\n");
    }
    jset["grid_epochs_per_seed"] = grid_epochs;
    std::fflush(stdout);
    out["sets"].push_back(jset);
  }

  fmt::print("## summary over {} data sets ({:.0f} s in all)\n\n", sets.size(), seconds_since(t_all));
  fmt::print(
      "| candidate | median excess over all (set, seed) | median of per-set medians | worst set median | "
      "beats 1e-3 (paired) | no answer | mean test accuracy over sets |\n|---|---|---|---|---|---|---|\n");
  for (const auto& [key, per_set] : excess) {
    std::vector<double> all, medians;
    int missing = 0;
    for (const auto& v : per_set) {
      for (double x : v) {
        all.push_back(x);
        missing += std::isfinite(x) ? 0 : 1;
      }
      medians.push_back(median(v));
    }
    int wins = 0, pairs = 0;
    const auto& bd = beats_default[key];
    for (std::size_t i = 0; i < bd.size(); i += 2) {
      wins += bd[i];
      pairs += bd[i + 1];
    }
    const double worst = *std::max_element(medians.begin(), medians.end(), [](double a, double b) {
      return (std::isnan(a) ? -1e9 : a) < (std::isnan(b) ? -1e9 : b);
    });
    std::vector<double> accs;
    for (double a : test_accuracy[key])
      if (std::isfinite(a)) accs.push_back(a);
    fmt::print("| {} | {:+.1f}% | {:+.1f}% | {:+.1f}% | {}/{} | {} | {:.4f} |\n", key, 100 * median(all),
               100 * median(medians), 100 * worst, wins, pairs, missing, accs.empty() ? NAN : mean_std(accs).first);
    out["summary"][key] = {{"median_all", median(all)},
                           {"median_of_medians", median(medians)},
                           {"wins", wins},
                           {"pairs", pairs},
                           {"missing", missing}};
  }
  for (const auto& [name, ratios] : cost_ratio) {
    fmt::print("\n{}: epochs / the early-stopped grid's epochs over (set, seed): median {:.3f}, max {:.3f}\n", name,
               median(ratios), *std::max_element(ratios.begin(), ratios.end()));
    out["cost_ratio"][name] = ratios;
  }
  if (!out_path.empty()) std::ofstream(out_path) << out.dump(1) << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);  // parallelism comes from independent trainings, one per thread
  const std::string what = argc > 1 ? argv[1] : "recipe";
  std::string data_dir = "../shared/data";
  if (const char* env = std::getenv("LRTUNE_DATA_DIR"); env != nullptr && *env != '\0') data_dir = env;
  if (argc > 2) data_dir = argv[2];
  const std::string out_path = argc > 3 ? argv[3] : "";
  try {
    if (what == "recipe") return recipe(data_dir, out_path);
    if (what == "rules") return rules(data_dir, out_path, false);
    if (what == "tuner") return rules(data_dir, out_path, true);
    std::fprintf(stderr, "usage: study_finder recipe|rules|tuner [data_dir] [out.json]\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
