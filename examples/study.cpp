// The generalisation study (../shared/docs/STUDY.md, docs/study.md): the ground truth of each
// study set in its manifest task (binary, multiclass over all its classes, regression) (a log grid of rates trained the
// way lrtune trains, scored on outer test rows no search ever sees) and the scores of lrtune's suggestions against it
// (regret, paired regret, beats-or-ties Adam's 1e-3 within each set's noise, worst set, cost against the grid).
//
//   ./build/study truth --side development|evaluation [--sets a,b] [--out DIR]   # DIR/truth-<set>.json
//   ./build/study score --side development|evaluation [--sets a,b] [--out DIR]   # tables; DIR/score-<side>.json
//   ./build/study selftest                                                       # the scoring on a hand-made table
//   env: STUDY_THREADS (2) worker threads over independent jobs; LRTUNE_DATA_DIR (../shared/data);
//        STUDY_NOISE_MARGIN, STUDY_SPLITS: tuner design variants (development sets only)
// Deterministic for a seed: the thread count changes only wall times.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <Eigen/Core>
#include <nlohmann/json.hpp>

// The command's default settings (a header-only struct of defaults): the study trains and
// searches exactly as `lrtune` does with no flags, and follows it when a default changes.
#include "../src/cli/settings.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/finder/range_schedule.hpp"
#include "lrtune/optim/factory.hpp"
#include "lrtune/train/early_stopping.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/tune/tuner.hpp"

namespace {

using lrtune::Index;
using lrtune::Matrix;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

const lrtune::cli::Settings kDefaults{};  // `lrtune` with no flags
constexpr double kAdamDefault = 1e-3;
constexpr const char* kDefaultOut = "study-results";
// A set whose best mean test loss L* is below this is separable (iris' class 0 reaches ~1e-7):
// its regrets are relative to nearly nothing, huge and meaningless, so it never names the worst
// set (the medians, being medians, are not moved by it). Chosen on the development sets.
constexpr double kSeparableLoss = 1e-3;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::max(1, std::atoi(v)) : fallback;
}

std::string data_dir() {
  const char* env = std::getenv("LRTUNE_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

// JSON has no NaN or infinity: a non-finite number is written as null and read back as NaN.
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
double read_number(const Json& j) { return j.is_null() ? NAN : j.get<double>(); }

// Progress lines on stderr, one at a time from any worker.
void progress(const std::string& line) {
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

// Runs independent jobs on `threads` threads (each job single-threaded inside).
void run_jobs(const std::vector<std::function<void()>>& jobs, int threads) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();) jobs[i]();
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

// ---------------------------------------------------------------------------------------------
// The sets: which side each is on and its task, as docs/study.md fixed them.

struct StudySet {
  std::string name;  // the file's stem
  std::string path;
  std::string target;
  std::string positive;                              // binary: as a user passes it to --positive; empty otherwise
  std::string task;                                  // the manifest's task: "binary", "multiclass" or "regression"
  long long rows = 0;                                // raw rows (the manifest's)
  int seeds() const { return rows < 1000 ? 5 : 3; }  // STUDY.md: >= 5 seeds under 1,000 rows
  bool classifier() const { return task != "regression"; }
  // The rule a user passes for this task: --positive for binary, multiclass / regression else.
  lrtune::TargetRule rule() const {
    if (task == "multiclass") return lrtune::TargetRule::multiclass();
    if (task == "regression") return lrtune::TargetRule::regression();
    return lrtune::TargetRule::parse(positive);
  }
};

// docs/study.md "The split rule" (do not change: the split was fixed before any design).
const std::map<std::string, std::string>& sides() {
  static const std::map<std::string, std::string> table = {{"ionosphere", "development"},
                                                           {"sonar", "development"},
                                                           {"digits", "development"},
                                                           {"iris", "development"},
                                                           {"wine_recognition", "development"},
                                                           {"dna", "development"},
                                                           {"satellite", "development"},
                                                           {"diabetes", "development"},
                                                           {"winequalityN", "development"},
                                                           {"pima_indians_diabetes2", "evaluation"},
                                                           {"house_votes84", "evaluation"},
                                                           {"soybean", "evaluation"},
                                                           {"glass", "evaluation"},
                                                           {"vehicle", "evaluation"},
                                                           {"letter_recognition", "evaluation"},
                                                           {"shuttle", "evaluation"},
                                                           {"ozone", "evaluation"},
                                                           {"servo", "evaluation"}};
  return table;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The sets of one side in their manifest task, in manifest order, then wine (binary, quality >= 6).
// `only` (from --sets) must name sets of that side. (Until issue 14 multiclass sets served one
// class against the rest and regression sets were skipped: docs/study.md keeps those tables.)
std::vector<StudySet> study_sets(const std::string& side, const std::vector<std::string>& only) {
  const std::string dir = data_dir();
  std::ifstream file(dir + "/study/manifest.json");
  if (!file) throw std::runtime_error("cannot read " + dir + "/study/manifest.json");
  const Json manifest = Json::parse(file);
  std::vector<StudySet> sets;
  for (const auto& entry : manifest) {
    StudySet s;
    s.name = std::filesystem::path(entry.at("file").get<std::string>()).stem().string();
    s.path = dir + "/study/" + entry.at("file").get<std::string>();
    s.target = entry.at("target").get<std::string>();
    s.task = entry.at("task").get<std::string>();
    s.rows = entry.at("rows").get<long long>();
    if (sides().at(s.name) != side) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), s.name) == only.end()) continue;
    if (s.task == "binary") s.positive = entry.at("positive").get<std::string>();
    sets.push_back(s);
  }
  const bool wine = sides().at("winequalityN") == side &&
                    (only.empty() || std::find(only.begin(), only.end(), "winequalityN") != only.end());
  if (wine) sets.push_back({"winequalityN", dir + "/winequalityN.csv", "quality", ">=6", "binary", 6497});
  for (const auto& name : only)
    if (!sides().contains(name) || sides().at(name) != side)
      throw std::runtime_error(fmt::format("--sets: '{}' is not a {} set (docs/study.md)", name, side));
  return sets;
}

// ---------------------------------------------------------------------------------------------
// The outer split and the training a user gets.

// The rows of one seed: the outer training rows (every search and training sees only these) and
// the outer test rows (the truth). Prepared as src/cli/workflow.cpp load_dataset does with the
// default settings (missing rows dropped, encoders and scaler fitted on the training rows), with
// the split's seed = the study seed and, for classifiers, the split stratified, so each seed's test
// rows hold the classes' shares (lrtune's own stratified split; the command's split is not
// stratified; a regression target has no classes to stratify by). y is in model units
// (model_target, as src/experiment/data.cpp makes it): a 0/1 column, one-hot rows, or the value
// standardised with the outer training rows' mean and population std.
struct OuterSplit {
  lrtune::TaskSpec task;
  Matrix x_train, y_train;  // (rows, features), (rows, task.outputs)
  Matrix x_test, y_test;
  double target_std = 1.0;  // regression: the target scaler's std (model units -> target units)
};

OuterSplit outer_split(const StudySet& set, int seed) {
  lrtune::PrepareOptions options;
  options.target = set.target;
  options.target_rule = set.rule();
  options.test_size = kDefaults.test_size;
  options.split_seed = static_cast<std::uint32_t>(seed);
  options.stratify = set.classifier();
  const auto data = lrtune::prepare(std::filesystem::path(set.path), options);
  const auto& pre = data.preprocessing;
  const auto task = lrtune::task_spec(pre.target_rule.kind, static_cast<Index>(pre.target_classes.size()));
  return {task,
          data.x_train,
          lrtune::model_target(data.y_train, task, pre.target_scaler),
          data.x_test,
          lrtune::model_target(data.y_test, task, pre.target_scaler),
          pre.target_scaler.scale()};
}

// The network lrtune trains with the default settings (src/experiment build_model with the
// command's layers and activation; the output layer follows from the task). Optimizer: as
// src/cli/workflow.cpp build_optimizer makes it.
lrtune::Sequential default_model(const OuterSplit& data, int seed) {
  lrtune::ModelOptions options;
  options.layers = kDefaults.layers;
  options.activation = kDefaults.activation;
  return lrtune::build_model(options, data.x_train.cols(), data.task, static_cast<std::uint64_t>(seed));
}

std::unique_ptr<lrtune::Optimizer> default_optimizer(std::optional<double> learning_rate) {
  Json hyper = Json::object();
  if (learning_rate) hyper["learning_rate"] = *learning_rate;
  return lrtune::make_optimizer(kDefaults.optimizer, lrtune::update_form_from_name(kDefaults.update_form), hyper);
}

struct Run {
  double learning_rate = 0.0;
  int seed = 0;
  // On the outer test rows: the loss in model units (binary or categorical cross-entropy, or MSE
  // on the standardised target); accuracy for classifiers, RMSE in target units for regression.
  double test_loss = NAN, test_accuracy = NAN, test_rmse = NAN;
  double val_loss = NAN;           // the inner best validation loss
  int best_epoch = 0, epochs = 0;  // best epoch 1-based
  double seconds = 0.0;
};

// The careful user's training (workflow.cpp train_and_evaluate with --early-stopping): a fresh
// model with `seed`, a validation part of the training rows drawn with `seed`, early stopping on
// validation loss with the best weights restored, at most the default epochs; then the outer test.
Run train_like_user(const OuterSplit& data, double learning_rate, int seed) {
  auto model = default_model(data, seed);
  auto optimizer = default_optimizer(learning_rate);
  lrtune::EarlyStopping stopping({.monitor = kDefaults.monitor,
                                  .min_delta = kDefaults.min_delta,
                                  .patience = kDefaults.patience,
                                  .restore_best_weights = kDefaults.restore_best_weights});
  lrtune::FitOptions options;
  options.epochs = kDefaults.epochs;
  options.batch_size = kDefaults.batch_size;
  options.seed = static_cast<std::uint64_t>(seed);
  options.validation_split = kDefaults.validation_fraction;
  options.validation_seed = static_cast<std::uint64_t>(seed);
  options.callbacks = {&stopping};
  const auto history = lrtune::fit(model, *optimizer, data.task.loss, data.x_train, data.y_train, options);
  const bool classifier = data.task.kind != lrtune::TargetKind::regression;
  const auto test = lrtune::evaluate(model, data.task.loss, data.x_test, data.y_test,
                                     classifier ? std::vector<std::string>{"accuracy"} : std::vector<std::string>{});
  Run run;
  run.learning_rate = learning_rate;
  run.seed = seed;
  run.test_loss = test.at("loss");
  if (classifier) run.test_accuracy = test.at("accuracy");
  // MSE on y / std: the RMSE in target units is its root times the std.
  else
    run.test_rmse = std::sqrt(run.test_loss) * data.target_std;
  run.val_loss = stopping.best_value();
  run.best_epoch = stopping.best_epoch() + 1;
  run.epochs = static_cast<int>(history.size());
  run.seconds = history.train_seconds;
  return run;
}

Json to_json(const Run& r) {
  return {{"learning_rate", r.learning_rate},
          {"seed", r.seed},
          {"test_loss", number(r.test_loss)},
          {"test_accuracy", number(r.test_accuracy)},
          {"test_rmse", number(r.test_rmse)},
          {"val_loss", number(r.val_loss)},
          {"best_epoch", r.best_epoch},
          {"epochs", r.epochs},
          {"seconds", r.seconds}};
}

Run run_from_json(const Json& j) {
  Run r;
  r.learning_rate = j.at("learning_rate").get<double>();
  r.seed = j.at("seed").get<int>();
  r.test_loss = read_number(j.at("test_loss"));
  r.test_accuracy = read_number(j.at("test_accuracy"));
  r.test_rmse = j.contains("test_rmse") ? read_number(j.at("test_rmse")) : NAN;  // absent before issue 14
  r.val_loss = read_number(j.at("val_loss"));
  r.best_epoch = j.at("best_epoch").get<int>();
  r.epochs = j.at("epochs").get<int>();
  r.seconds = j.at("seconds").get<double>();
  return r;
}

// Trains every (rate, seed) pair, one job each, with a progress line per finished training.
std::vector<Run> train_all(const std::string& set, const std::vector<OuterSplit>& splits,
                           const std::vector<std::pair<double, int>>& pairs, int threads) {
  std::vector<Run> runs(pairs.size());
  std::atomic<std::size_t> done{0};
  std::vector<std::function<void()>> jobs;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    jobs.emplace_back([&, i] {
      const auto [lr, seed] = pairs[i];
      runs[i] = train_like_user(splits[static_cast<std::size_t>(seed)], lr, seed);
      progress(fmt::format("[{}] {}/{} lr {:.3g} seed {}: test loss {:.4f}, {} epochs (best {}), {:.1f} s", set, ++done,
                           pairs.size(), lr, seed, runs[i].test_loss, runs[i].epochs, runs[i].best_epoch,
                           runs[i].seconds));
    });
  run_jobs(jobs, threads);
  return runs;
}

std::vector<OuterSplit> outer_splits(const StudySet& set) {
  std::vector<OuterSplit> splits;
  for (int s = 0; s < set.seeds(); ++s) splits.push_back(outer_split(set, s));
  return splits;
}

// ---------------------------------------------------------------------------------------------
// The pure scoring (STUDY.md "The ground truth and the scores"); `study selftest` checks it.

double mean(const std::vector<double>& v) {
  return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// A test loss that is not finite (a diverged training) counts as the worst possible.
double as_loss(double loss) { return std::isnan(loss) ? INFINITY : loss; }

double relative_excess(double loss, double reference) { return (loss - reference) / reference; }

// Seed-to-seed sample standard deviation of the best grid rate's loss, relative to L*.
double noise_line(const std::vector<double>& best_losses, double l_star) {
  const double m = mean(best_losses);
  double ss = 0.0;
  for (double x : best_losses) ss += (x - m) * (x - m);
  const double n = static_cast<double>(best_losses.size());
  return best_losses.size() > 1 ? std::sqrt(ss / (n - 1.0)) / l_star : 0.0;
}

enum class Verdict { beats, ties, loses };

// Against the default in one paired run: a difference within the set's noise line is a tie.
Verdict against_default(double loss, double default_loss, double noise, double l_star) {
  const double difference = (loss - default_loss) / l_star;
  if (std::abs(difference) <= noise) return Verdict::ties;
  return difference < 0.0 ? Verdict::beats : Verdict::loses;
}

// The grid's mean loss per rate (over seeds) and the best of them.
struct GridTruth {
  std::vector<double> rates, mean_losses;
  std::size_t best = 0;
  double l_star() const { return mean_losses[best]; }
};

GridTruth grid_truth(const std::vector<double>& rates, const std::vector<std::vector<double>>& losses_per_rate) {
  GridTruth g{rates, {}, 0};
  for (const auto& losses : losses_per_rate) {
    std::vector<double> l;
    for (double x : losses) l.push_back(as_loss(x));
    g.mean_losses.push_back(mean(l));
  }
  g.best =
      static_cast<std::size_t>(std::min_element(g.mean_losses.begin(), g.mean_losses.end()) - g.mean_losses.begin());
  return g;
}

// One method on one set. losses[s]: the test loss at the method's rate for seed s, NaN where
// the method gave no rate; best[s], fallback[s]: the same seed at the best grid rate and at 1e-3.
struct MethodScore {
  double regret = NAN;         // (mean loss - L*) / L*, over the seeds with an answer
  double paired_regret = NAN;  // mean over seeds of (loss - best[s]) / best[s]
  int beats = 0, ties = 0, loses = 0, answered = 0;
};

MethodScore score_method(const std::vector<double>& losses, const std::vector<double>& best,
                         const std::vector<double>& fallback, double l_star, double noise) {
  MethodScore m;
  std::vector<double> answered, paired;
  for (std::size_t s = 0; s < losses.size(); ++s) {
    if (std::isnan(losses[s])) continue;  // no rate suggested for this seed
    answered.push_back(losses[s]);
    paired.push_back(relative_excess(losses[s], best[s]));
    switch (against_default(losses[s], fallback[s], noise, l_star)) {
      case Verdict::beats: ++m.beats; break;
      case Verdict::ties: ++m.ties; break;
      case Verdict::loses: ++m.loses; break;
    }
  }
  m.answered = static_cast<int>(answered.size());
  if (!answered.empty()) {
    m.regret = relative_excess(mean(answered), l_star);
    m.paired_regret = mean(paired);
  }
  return m;
}

// One method over all sets: the medians over sets, the paired runs that beat or tie 1e-3, the
// set with the largest regret among those not `separable` (see kSeparableLoss).
struct MethodSummary {
  double median_regret = NAN, median_paired_regret = NAN;
  int beats = 0, ties = 0, pairs = 0, no_answer = 0;
  std::string worst_set;
  double worst_regret = NAN;
};

MethodSummary summarise(const std::vector<std::string>& set_names, const std::vector<MethodScore>& per_set,
                        const std::vector<int>& seeds_per_set, const std::vector<bool>& separable) {
  MethodSummary out;
  std::vector<double> regrets, paired;
  for (std::size_t i = 0; i < per_set.size(); ++i) {
    const MethodScore& m = per_set[i];
    regrets.push_back(m.regret);
    paired.push_back(m.paired_regret);
    out.beats += m.beats;
    out.ties += m.ties;
    out.pairs += m.answered;
    out.no_answer += seeds_per_set[i] - m.answered;
    if (!separable[i] && !std::isnan(m.regret) && (std::isnan(out.worst_regret) || m.regret > out.worst_regret)) {
      out.worst_regret = m.regret;
      out.worst_set = set_names[i];
    }
  }
  out.median_regret = median(regrets);
  out.median_paired_regret = median(paired);
  return out;
}

// ---------------------------------------------------------------------------------------------
// truth: the grid on the outer training rows, scored on the outer test rows.

// 13 log-spaced rates 1e-5..1e-1 (three per decade), and the decade beyond either end.
std::vector<double> base_grid() {
  std::vector<double> grid;
  for (int i = 0; i <= 12; ++i) grid.push_back(std::pow(10.0, -5.0 + i / 3.0));
  return grid;
}

std::vector<double> extension_below() {
  return {std::pow(10.0, -6.0), std::pow(10.0, -17.0 / 3.0), std::pow(10.0, -16.0 / 3.0)};
}
std::vector<double> extension_above() { return {std::pow(10.0, -2.0 / 3.0), std::pow(10.0, -1.0 / 3.0), 1.0}; }

std::vector<std::vector<double>> losses_by_rate(const std::vector<double>& rates, const std::vector<Run>& runs,
                                                int seeds) {
  std::vector<std::vector<double>> losses(rates.size(), std::vector<double>(static_cast<std::size_t>(seeds), NAN));
  for (const auto& r : runs)
    for (std::size_t i = 0; i < rates.size(); ++i)
      if (r.learning_rate == rates[i]) losses[i][static_cast<std::size_t>(r.seed)] = r.test_loss;
  return losses;
}

std::vector<std::pair<double, int>> rate_seed_pairs(const std::vector<double>& rates, int seeds) {
  std::vector<std::pair<double, int>> pairs;
  for (double lr : rates)
    for (int s = 0; s < seeds; ++s) pairs.push_back({lr, s});
  return pairs;
}

// The grid for one set: 13 rates, then the decade beyond an end where the best rate lies.
Json truth_for_set(const StudySet& set, int threads) {
  const auto t0 = Clock::now();
  const auto splits = outer_splits(set);
  const int seeds = set.seeds();
  std::vector<double> rates = base_grid();
  std::vector<Run> runs = train_all(set.name, splits, rate_seed_pairs(rates, seeds), threads);
  std::vector<double> extension;
  const auto first = grid_truth(rates, losses_by_rate(rates, runs, seeds));
  if (first.best == 0) extension = extension_below();
  if (first.best + 1 == rates.size()) extension = extension_above();
  if (!extension.empty()) {
    progress(fmt::format("[{}] best rate {:.3g} at an end of the grid: one decade more", set.name, rates[first.best]));
    const auto more = train_all(set.name, splits, rate_seed_pairs(extension, seeds), threads);
    runs.insert(runs.end(), more.begin(), more.end());
  }
  Json j{{"set", set.name},
         {"file", set.path},
         {"target", set.target},
         {"positive", set.positive},
         {"task", set.task},
         {"side", sides().at(set.name)},
         {"rows", set.rows},
         {"seeds", seeds},
         {"grid", base_grid()},
         {"extension", extension},
         {"outer_split", Json::array()},
         {"runs", Json::array()}};
  for (const auto& split : splits)
    j["outer_split"].push_back(
        {{"train_rows", split.x_train.rows()}, {"test_rows", split.x_test.rows()}, {"features", split.x_train.cols()}});
  for (const auto& r : runs) j["runs"].push_back(to_json(r));
  j["seconds"] = seconds_since(t0);
  return j;
}

void write_json(const std::string& path, const Json& j) {
  std::ofstream file(path);
  file << j.dump(1) << '\n';
  if (!file) throw std::runtime_error("cannot write " + path);
}

int command_truth(const std::string& side, const std::vector<std::string>& only, const std::string& out) {
  const int threads = env_int("STUDY_THREADS", 2);
  std::filesystem::create_directories(out);
  const auto t0 = Clock::now();
  for (const auto& set : study_sets(side, only)) {
    progress(fmt::format("[{}] truth: {} rows, {} seeds, {} threads", set.name, set.rows, set.seeds(), threads));
    const Json truth = truth_for_set(set, threads);
    write_json(out + "/truth-" + set.name + ".json", truth);
    progress(fmt::format("[{}] truth written ({:.0f} s)", set.name, truth["seconds"].get<double>()));
  }
  progress(fmt::format("truth: {:.0f} s in all", seconds_since(t0)));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// score: the searches on the same outer training rows, their rates trained like a grid rate.

// What one seed's searches suggested, and what the tuner cost.
struct Searches {
  std::map<std::string, double> rates;  // method -> rate (absent: no answer)
  double tuner_epochs = 0.0, tuner_seconds = 0.0, tuner_model_test_loss = NAN;
  double tuner_low = 0.0, tuner_high = 0.0;
  int tuner_best_epoch = 0;
};

// `lrtune tune`'s options with the default settings: src/cli/workflow.cpp tuner_options(Settings,
// repeats) is CLI-private, so its assignments are repeated here (no --lr-low/--lr-high, the
// per-step range test of TunerOptions, no --rule, repeats 1), with the study's seed. One worker
// thread: the study runs one search per thread (the result does not depend on the count).
lrtune::TunerOptions default_tuner_options(int seed) {
  lrtune::TunerOptions o;
  o.candidates = static_cast<std::size_t>(kDefaults.candidates);
  o.first_rung_epochs = kDefaults.first_rung_epochs;
  o.max_epochs = kDefaults.max_epochs;
  o.patience = kDefaults.patience;
  o.min_delta = kDefaults.min_delta;
  o.validation_split = kDefaults.validation_fraction;
  o.batch_size = kDefaults.batch_size;
  o.seed = static_cast<std::uint64_t>(seed);
  o.repeats = kDefaults.repeats;
  o.threads = 1;
  o.refit = kDefaults.refit;
  // Design variants, for development sets only (docs/study.md): the pick's noise margin and the
  // small-data splits. Unset: the library's defaults, which are what the tables report.
  if (const char* v = std::getenv("STUDY_NOISE_MARGIN"); v != nullptr && *v != '\0') o.noise_margin = std::atof(v);
  if (const char* v = std::getenv("STUDY_SPLITS"); v != nullptr && *v != '\0') o.small_data_splits = std::atoi(v);
  return o;
}

void run_tuner(const OuterSplit& data, int seed, Searches& out) {
  const auto prototype = default_model(data, seed);
  const auto optimizer = default_optimizer(std::nullopt);
  lrtune::Tuner tuner(prototype, *optimizer, data.task.loss, data.x_train, data.y_train, default_tuner_options(seed));
  const auto result = tuner.run();
  out.rates["tuner"] = result.learning_rate;
  out.tuner_epochs = result.epochs_cost;
  out.tuner_seconds = result.total_seconds;
  out.tuner_low = result.low;
  out.tuner_high = result.high;
  out.tuner_best_epoch = result.best_epoch + 1;  // the study counts epochs from 1
  // For information: the tuner's own model (its restored best weights) on the outer test rows.
  lrtune::Sequential model = tuner.model();
  out.tuner_model_test_loss = lrtune::evaluate(model, data.task.loss, data.x_test, data.y_test, {}).at("loss");
}

// `lrtune find`'s range test with the default settings (workflow.cpp run_finder), per epoch
// (`--schedule epoch`, the default) or per step (`--schedule step`); every rule's suggestion.
lrtune::LRFinderOptions default_finder_options(bool per_epoch, int seed) {
  lrtune::cli::Settings s = kDefaults;
  s.schedule = per_epoch ? "epoch" : "step";
  lrtune::LRFinderOptions options;
  if (per_epoch) {
    options = lrtune::LRFinderOptions::recipe_per_epoch();
    options.schedule = lrtune::RangeSchedule::recipe_per_epoch();
    options.schedule->start = s.effective_finder_start();
    options.schedule->num_points = static_cast<std::size_t>(s.finder_points);
  } else {
    options = lrtune::LRFinderOptions::fastai_per_step(static_cast<std::size_t>(s.finder_points),
                                                       s.effective_finder_start(), s.finder_end);
  }
  options.batch_size = s.batch_size;
  options.seed = static_cast<std::uint64_t>(seed);
  return options;
}

void run_finder(const OuterSplit& data, int seed, bool per_epoch, Searches& out) {
  auto model = default_model(data, seed);
  auto optimizer = default_optimizer(std::nullopt);
  lrtune::LRFinder finder(model, *optimizer, data.task.loss, data.x_train, data.y_train,
                          default_finder_options(per_epoch, seed));
  const auto curve = finder.run();
  const std::string mode = per_epoch ? "per-epoch " : "per-step ";
  for (const auto& s : curve.suggestions.suggestions)
    if (s.found) out.rates[mode + s.name] = s.learning_rate;
}

// The methods compared, in table order.
std::vector<std::string> method_names() {
  std::vector<std::string> names = {"tuner", "Adam default 1e-3"};
  for (const char* mode : {"per-epoch ", "per-step "})
    for (auto rule : lrtune::all_rules()) names.push_back(mode + std::string(lrtune::rule_name(rule)));
  names.push_back("best grid rate (hindsight)");
  return names;
}

// The truth file of one set, as a lookup of its runs.
struct Truth {
  Json json;
  std::vector<double> rates;  // grid and extension
  std::map<std::pair<double, int>, Run> runs;
};

Truth read_truth(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path + " (run `study truth` first)");
  Truth t;
  t.json = Json::parse(file);
  t.rates = t.json.at("grid").get<std::vector<double>>();
  for (double r : t.json.at("extension").get<std::vector<double>>()) t.rates.push_back(r);
  std::sort(t.rates.begin(), t.rates.end());
  for (const auto& j : t.json.at("runs")) {
    const Run r = run_from_json(j);
    t.runs[{r.learning_rate, r.seed}] = r;
  }
  return t;
}

// Every seed's searches, one job each (tuner, per-epoch test, per-step test).
std::vector<Searches> run_searches(const std::string& set, const std::vector<OuterSplit>& splits, int threads) {
  std::vector<Searches> searches(splits.size());
  std::vector<std::function<void()>> jobs;
  for (std::size_t s = 0; s < splits.size(); ++s) {
    const int seed = static_cast<int>(s);
    jobs.emplace_back([&, s, seed] {
      run_tuner(splits[s], seed, searches[s]);
      progress(fmt::format("[{}] seed {}: tuner picked {:.3g} ({:.0f} epochs, {:.1f} s)", set, seed,
                           searches[s].rates["tuner"], searches[s].tuner_epochs, searches[s].tuner_seconds));
    });
  }
  run_jobs(jobs, threads);
  // The range tests write into the same Searches: after the tuners, never concurrently per seed.
  for (bool per_epoch : {true, false}) {
    jobs.clear();
    for (std::size_t s = 0; s < splits.size(); ++s)
      jobs.emplace_back([&, s, per_epoch] {
        run_finder(splits[s], static_cast<int>(s), per_epoch, searches[s]);
        progress(fmt::format("[{}] seed {}: {} range test done", set, s, per_epoch ? "per-epoch" : "per-step"));
      });
    run_jobs(jobs, threads);
  }
  return searches;
}

// One set scored: its truth, every method's rates and losses per seed, the cost.
struct SetResult {
  std::string name;
  int rows_train = 0, seeds = 0;
  GridTruth grid;
  double noise = 0.0;
  bool separable() const { return grid.l_star() < kSeparableLoss; }
  std::map<std::string, std::vector<double>> rates, losses;  // method -> per seed (NaN: no answer)
  std::map<std::string, MethodScore> scores;
  double tuner_epochs = 0.0, tuner_seconds = 0.0, grid_epochs = 0.0, grid_seconds = 0.0;  // per seed, mean
  std::vector<Searches> searches;
};

SetResult score_set(const StudySet& set, const std::string& out, int threads) {
  const Truth truth = read_truth(out + "/truth-" + set.name + ".json");
  const auto splits = outer_splits(set);
  for (std::size_t s = 0; s < splits.size(); ++s)
    if (truth.json.at("outer_split").at(s).at("test_rows").get<Index>() != splits[s].x_test.rows())
      throw std::runtime_error(
          fmt::format("{}: the outer split of seed {} differs from the truth file's", set.name, s));
  SetResult result;
  result.name = set.name;
  result.seeds = set.seeds();
  result.rows_train = static_cast<int>(splits[0].x_train.rows());
  result.searches = run_searches(set.name, splits, threads);

  // The truth's grid; 1e-3 and the hindsight rate are grid rates (their runs are in the truth).
  std::vector<std::vector<double>> grid_losses;
  for (double r : truth.rates) {
    grid_losses.emplace_back();
    for (int s = 0; s < result.seeds; ++s) grid_losses.back().push_back(truth.runs.at({r, s}).test_loss);
  }
  result.grid = grid_truth(truth.rates, grid_losses);
  const double best_rate = truth.rates[result.grid.best];
  const double default_rate = *std::min_element(truth.rates.begin(), truth.rates.end(), [](double a, double b) {
    return std::abs(std::log(a / kAdamDefault)) < std::abs(std::log(b / kAdamDefault));
  });  // the grid point 10^-3, exactly as the grid computed it
  for (auto& s : result.searches) {
    s.rates["Adam default 1e-3"] = default_rate;
    s.rates["best grid rate (hindsight)"] = best_rate;
  }

  // Train every suggested (rate, seed) that the truth has not trained already (same training,
  // deterministic: a rate of the grid needs no second run).
  std::set<std::pair<double, int>> todo;
  for (int s = 0; s < result.seeds; ++s)
    for (const auto& [method, rate] : result.searches[static_cast<std::size_t>(s)].rates)
      if (!truth.runs.contains({rate, s})) todo.insert({rate, s});
  const auto trained = train_all(set.name, splits, {todo.begin(), todo.end()}, threads);
  std::map<std::pair<double, int>, Run> runs = truth.runs;
  for (const auto& r : trained) runs[{r.learning_rate, r.seed}] = r;

  std::vector<double> best_losses, default_losses;
  for (int s = 0; s < result.seeds; ++s) {
    best_losses.push_back(as_loss(runs.at({best_rate, s}).test_loss));
    default_losses.push_back(as_loss(runs.at({default_rate, s}).test_loss));
  }
  result.noise = noise_line(best_losses, result.grid.l_star());
  for (const auto& method : method_names()) {
    for (int s = 0; s < result.seeds; ++s) {
      const auto& rates = result.searches[static_cast<std::size_t>(s)].rates;
      const auto it = rates.find(method);
      result.rates[method].push_back(it == rates.end() ? NAN : it->second);
      result.losses[method].push_back(it == rates.end() ? NAN : as_loss(runs.at({it->second, s}).test_loss));
    }
    result.scores[method] =
        score_method(result.losses[method], best_losses, default_losses, result.grid.l_star(), result.noise);
  }

  // The cost: the tuner against the 13 base grid rates trained the same way, per seed (mean).
  for (int s = 0; s < result.seeds; ++s) {
    result.tuner_epochs += result.searches[static_cast<std::size_t>(s)].tuner_epochs / result.seeds;
    result.tuner_seconds += result.searches[static_cast<std::size_t>(s)].tuner_seconds / result.seeds;
    for (double r : base_grid()) {
      result.grid_epochs += runs.at({r, s}).epochs / static_cast<double>(result.seeds);
      result.grid_seconds += runs.at({r, s}).seconds / result.seeds;
    }
  }
  return result;
}

std::string percent(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return "inf";
  return std::abs(v) < 100.0 ? fmt::format("{:+.1f} %", 100 * v) : fmt::format("{:+.1e} %", 100 * v);
}

std::string rates_text(const std::vector<double>& rates) {
  std::string text;
  for (double r : rates) {
    if (!text.empty()) text += ' ';  // two appends: GCC 12 warns falsely (-Wrestrict) on `"" + string`
    text += std::isnan(r) ? std::string("none") : fmt::format("{:.3g}", r);
  }
  return text;
}

void print_summary_table(const std::string& command, const std::vector<SetResult>& sets,
                         std::map<std::string, MethodSummary>& summaries) {
  std::vector<std::string> names;
  std::vector<int> seeds;
  std::vector<bool> separable;
  std::string separable_names;
  for (const auto& s : sets) {
    names.push_back(s.name);
    seeds.push_back(s.seeds);
    separable.push_back(s.separable());
    if (!s.separable()) continue;
    if (!separable_names.empty()) separable_names += ", ";
    separable_names += s.name;
  }
  fmt::print("## Summary over {} sets\n\n`{}`\n\n", sets.size(), command);
  fmt::print(
      "| method | median regret | median paired regret | beats or ties 1e-3 (paired runs) | beats | worst set | no "
      "answer |\n");
  fmt::print("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (const auto& method : method_names()) {
    std::vector<MethodScore> per_set;
    for (const auto& s : sets) per_set.push_back(s.scores.at(method));
    const MethodSummary m = summarise(names, per_set, seeds, separable);
    summaries[method] = m;
    const int good = m.beats + m.ties;
    fmt::print("| {} | {} | {} | {} of {} ({:.0f} %) | {} | {} {} | {} |\n", method, percent(m.median_regret),
               percent(m.median_paired_regret), good, m.pairs, m.pairs > 0 ? 100.0 * good / m.pairs : 0.0, m.beats,
               m.worst_set.empty() ? "-" : m.worst_set, percent(m.worst_regret), m.no_answer);
  }
  if (!separable_names.empty())
    fmt::print("\nSeparable (L* < {}; never the worst set, regrets relative to nearly zero): {}\n", kSeparableLoss,
               separable_names);
  fmt::print("\n");
}

void print_set_table(const std::string& command, const std::vector<SetResult>& sets) {
  fmt::print("## Per set: the truth, 1e-3 and the tuner\n\n`{}`\n\n", command);
  fmt::print(
      "| set | train rows | seeds | noise line | L* | best grid rate | 1e-3 regret | tuner regret | tuner paired | "
      "tuner's own model | tuner rates |\n");
  fmt::print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (const auto& s : sets) {
    const auto& d = s.scores.at("Adam default 1e-3");
    const auto& t = s.scores.at("tuner");
    // The tuner's own model (its restored best weights, not retrained) on the outer test rows.
    std::vector<double> own;
    for (const auto& search : s.searches) own.push_back(as_loss(search.tuner_model_test_loss));
    fmt::print("| {}{} | {} | {} | {:.1f} % | {:.4g} | {:.3g} | {} | {} | {} | {} | {} |\n", s.name,
               s.separable() ? " (separable)" : "", s.rows_train, s.seeds, 100 * s.noise, s.grid.l_star(),
               s.grid.rates[s.grid.best], percent(d.regret), percent(t.regret), percent(t.paired_regret),
               percent(relative_excess(mean(own), s.grid.l_star())), rates_text(s.rates.at("tuner")));
  }
  fmt::print("\n");
}

// Every method's regret on every set (paired regret in brackets): where each rule fails.
void print_method_by_set_table(const std::string& command, const std::vector<SetResult>& sets) {
  fmt::print("## Per set: every method's regret (paired regret)\n\n`{}`\n\n| method |", command);
  for (const auto& s : sets) fmt::print(" {} |", s.name);
  fmt::print("\n| --- |");
  for (std::size_t i = 0; i < sets.size(); ++i) fmt::print(" --- |");
  fmt::print("\n");
  for (const auto& method : method_names()) {
    fmt::print("| {} |", method);
    for (const auto& s : sets) {
      const MethodScore& m = s.scores.at(method);
      fmt::print(" {} ({}) |", percent(m.regret), percent(m.paired_regret));
    }
    fmt::print("\n");
  }
  fmt::print("\n");
}

void print_cost_table(const std::string& command, const std::vector<SetResult>& sets) {
  fmt::print("## Cost: the tuner against the 13-rate grid (per seed, mean over seeds)\n\n`{}`\n\n", command);
  fmt::print(
      "| set | tuner epochs | grid epochs | ratio | tuner s | grid s | ratio |\n| --- | --- | --- | --- | --- | --- | "
      "--- |\n");
  std::vector<double> epoch_ratios, second_ratios;
  for (const auto& s : sets) {
    epoch_ratios.push_back(s.tuner_epochs / s.grid_epochs);
    second_ratios.push_back(s.tuner_seconds / s.grid_seconds);
    fmt::print("| {} | {:.0f} | {:.0f} | {:.2f} | {:.1f} | {:.1f} | {:.2f} |\n", s.name, s.tuner_epochs, s.grid_epochs,
               epoch_ratios.back(), s.tuner_seconds, s.grid_seconds, second_ratios.back());
  }
  fmt::print("| median | | | {:.2f} | | | {:.2f} |\n\n", median(epoch_ratios), median(second_ratios));
}

Json score_json(const MethodScore& m) {
  return {{"regret", number(m.regret)}, {"paired_regret", number(m.paired_regret)},
          {"beats", m.beats},           {"ties", m.ties},
          {"loses", m.loses},           {"answered", m.answered}};
}

Json set_json(const SetResult& s) {
  Json j{{"set", s.name},
         {"train_rows", s.rows_train},
         {"seeds", s.seeds},
         {"noise_line", s.noise},
         {"separable", s.separable()},
         {"l_star", s.grid.l_star()},
         {"best_grid_rate", s.grid.rates[s.grid.best]},
         {"grid_rates", s.grid.rates},
         {"grid_mean_test_loss", s.grid.mean_losses},
         {"cost",
          {{"tuner_epochs", s.tuner_epochs},
           {"tuner_seconds", s.tuner_seconds},
           {"grid_epochs", s.grid_epochs},
           {"grid_seconds", s.grid_seconds}}}};
  for (const auto& method : method_names()) {
    std::vector<Json> rates, losses;
    for (double r : s.rates.at(method)) rates.push_back(number(r));
    for (double l : s.losses.at(method)) losses.push_back(number(l));
    j["methods"][method] = score_json(s.scores.at(method));
    j["methods"][method]["rates"] = rates;
    j["methods"][method]["test_losses"] = losses;
  }
  for (const auto& search : s.searches)
    j["tuner_runs"].push_back({{"pick", search.rates.at("tuner")},
                               {"low", search.tuner_low},
                               {"high", search.tuner_high},
                               {"best_epoch", search.tuner_best_epoch},
                               {"epochs", search.tuner_epochs},
                               {"seconds", search.tuner_seconds},
                               {"tuner_model_test_loss", number(search.tuner_model_test_loss)}});
  return j;
}

int command_score(const std::string& side, const std::vector<std::string>& only, const std::string& out,
                  const std::string& command) {
  const int threads = env_int("STUDY_THREADS", 2);
  const auto t0 = Clock::now();
  std::vector<SetResult> sets;  // in the order scored
  for (const auto& set : study_sets(side, only)) {
    progress(fmt::format("[{}] score: {} seeds, {} threads", set.name, set.seeds(), threads));
    const auto t_set = Clock::now();
    sets.push_back(score_set(set, out, threads));
    progress(fmt::format("[{}] scored ({:.0f} s)", set.name, seconds_since(t_set)));
  }
  std::map<std::string, MethodSummary> summaries;
  print_summary_table(command, sets, summaries);
  print_set_table(command, sets);
  print_method_by_set_table(command, sets);
  print_cost_table(command, sets);
  Json j{{"side", side}, {"command", command}, {"seconds", seconds_since(t0)}, {"sets", Json::array()}};
  for (const auto& s : sets) j["sets"].push_back(set_json(s));
  for (const auto& [method, m] : summaries)
    j["summary"][method] = {{"median_regret", number(m.median_regret)},
                            {"median_paired_regret", number(m.median_paired_regret)},
                            {"beats", m.beats},
                            {"ties", m.ties},
                            {"pairs", m.pairs},
                            {"no_answer", m.no_answer},
                            {"worst_set", m.worst_set},
                            {"worst_regret", number(m.worst_regret)}};
  write_json(out + "/score-" + side + ".json", j);
  progress(fmt::format("score: {:.0f} s in all; wrote {}/score-{}.json", seconds_since(t0), out, side));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// selftest: the scoring on a hand-made table whose answers are worked out by hand.

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

int command_selftest() {
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "selftest FAILED: %s\n", what);
      ++failures;
    }
  };
  // Three rates x three seeds; the middle rate is best (mean 0.5), the first is 1e-3's role.
  const GridTruth g = grid_truth({1e-4, 1e-3, 1e-2}, {{0.6, 0.7, 0.8}, {0.4, 0.5, 0.6}, {NAN, 0.9, 0.9}});
  check(g.best == 1 && near(g.l_star(), 0.5), "L* is the best mean; a diverged run (NaN) counts as worst");
  check(std::isinf(g.mean_losses[2]), "a rate with a diverged seed has an infinite mean");
  const double noise = noise_line({0.4, 0.5, 0.6}, 0.5);
  check(near(noise, 0.2), "noise line = sample std 0.1 / L* 0.5");
  check(against_default(0.45, 0.5, 0.2, 0.5) == Verdict::ties, "a difference of 10 % inside a 20 % noise is a tie");
  check(against_default(0.35, 0.5, 0.2, 0.5) == Verdict::beats, "30 % lower beats");
  check(against_default(0.65, 0.5, 0.2, 0.5) == Verdict::loses, "30 % higher loses");
  // A method: seed 0 no answer, seed 1 at 0.5 (the best's own loss), seed 2 at 1.1; default 0.6/0.7/0.8.
  const MethodScore m = score_method({NAN, 0.5, 1.1}, {0.4, 0.5, 0.6}, {0.6, 0.7, 0.8}, 0.5, 0.2);
  check(m.answered == 2, "a seed without a rate is no answer");
  check(near(m.regret, 0.6), "regret = (mean(0.5, 1.1) - 0.5) / 0.5 = +60 %");
  check(near(m.paired_regret, (0.0 + 0.5 / 0.6) / 2), "paired regret = mean(0 / 0.5, 0.5 / 0.6)");
  check(m.beats == 1 && m.ties == 0 && m.loses == 1, "0.5 vs 0.7 beats (-40 % of L*), 1.1 vs 0.8 loses (+60 %)");
  const MethodScore other{.regret = 0.1, .paired_regret = 0.05, .ties = 3, .answered = 3};
  const MethodSummary s = summarise({"a", "b"}, {m, other}, {3, 3}, {false, false});
  check(near(s.median_regret, 0.35) && near(s.median_paired_regret, ((0.5 / 0.6) / 2 + 0.05) / 2), "medians over sets");
  check(s.beats == 1 && s.ties == 3 && s.pairs == 5 && s.no_answer == 1, "paired-run counts over sets");
  check(s.worst_set == "a" && near(s.worst_regret, 0.6), "the worst set is the largest regret");
  const MethodSummary t = summarise({"a", "b"}, {m, other}, {3, 3}, {true, false});
  check(t.worst_set == "b" && near(t.median_regret, 0.35), "a separable set never names the worst set");
  std::fprintf(stderr, "selftest: %s\n", failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------

struct Args {
  std::string command, side, out = kDefaultOut;
  std::vector<std::string> sets;
};

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc < 2) throw std::invalid_argument("a command: truth, score or selftest");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--side")
      a.side = value;
    else if (flag == "--sets")
      a.sets = split_list(value);
    else if (flag == "--out")
      a.out = value;
    else
      throw std::invalid_argument("unknown flag " + flag);
  }
  if (a.command != "selftest" && a.side != "development" && a.side != "evaluation")
    throw std::invalid_argument("--side development|evaluation");
  return a;
}

std::string command_line(int argc, char** argv) {
  std::string text = "./build/study";
  for (int i = 1; i < argc; ++i) text += std::string(" ") + argv[i];
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);  // parallelism comes from independent jobs, one per thread
  try {
    const Args args = parse_args(argc, argv);
    if (args.command == "selftest") return command_selftest();
    if (args.command == "truth") return command_truth(args.side, args.sets, args.out);
    if (args.command == "score") return command_score(args.side, args.sets, args.out, command_line(argc, argv));
    throw std::invalid_argument("unknown command " + args.command);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr,
                 "study: %s\nusage: study truth|score --side development|evaluation [--sets a,b] [--out DIR]\n"
                 "       study selftest\n",
                 e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "study: error: %s\n", e.what());
    return 1;
  }
}
