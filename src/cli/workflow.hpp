// The recipe's steps as the commands use them, each a short call into the library:
// read and prepare the data, build a model and optimizer from Settings, run the range test,
// train and evaluate. Printing and files stay in the commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "console.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/train/history.hpp"
#include "lrtune/tune/tuner.hpp"
#include "settings.hpp"

namespace lrtune::cli {

// The prepared data in float32, as the engine trains on it.
struct Dataset {
  PreparedData prepared;
  Matrix x_train, x_test;  // (rows, features)
  Vector y_train, y_test;  // (rows,)
};

CsvOptions csv_options(const Settings& settings);
// Reads `path` (or parses `csv_text` when given, naming it `source`) and prepares it.
Dataset load_dataset(const Settings& settings, const std::string& path, const std::optional<std::string>& csv_text = {});

// The data's warnings (a feature constant on the train rows, more features than rows) and a
// --batch-size larger than the train rows, one "lrtune: warning:" line each on stderr.
void warn_about_data(const Settings& settings, const Dataset& data, const Console& console);

Sequential build_model(const Settings& settings, Index input_dim, std::uint64_t seed);
std::unique_ptr<Optimizer> build_optimizer(const Settings& settings, std::optional<double> learning_rate);

// The range test on a fresh model (seed settings.seed): per epoch (the recipe) or per step.
RangeTestCurve run_finder(const Settings& settings, const Dataset& data, const Console& console);
// The rate to use: the --rule's suggestion, else the default rule's; nullopt when none was found.
std::optional<double> chosen_rate(const Settings& settings, const RangeTestCurve& curve, std::string* rule = nullptr);

// The learning-rate search's options from Settings: candidates, rungs, patience, the interval
// (--lr-low/--lr-high, else the tuner's own per-step range test; --schedule step with its
// --finder-* values replaces that test's sweep), validation fraction, seed, threads, --refit.
TunerOptions tuner_options(const Settings& settings, int repeats);

struct TuneRun {
  TuningResult result;
  std::optional<Sequential> model;  // the tuner's recommended model (best weights or refit)
};
// The search on the prepared training rows only (data.x_train, data.y_train: the tuner holds its
// own validation part out of them; the test split is never passed), with progress lines (the
// interval, one line per rung) on the console. Ctrl-C stops it (result.cancelled).
TuneRun run_tuner(const Settings& settings, const Dataset& data, const Console& console, int repeats);

struct Confusion {
  long long tn = 0, fp = 0, fn = 0, tp = 0;  // rows = true 0/1, columns = predicted 0/1
};

struct TrainResult {
  double learning_rate = 0.0;
  std::uint64_t seed = 0;
  History history;
  double test_loss = 0.0, test_accuracy = 0.0;
  Confusion confusion;
  int epochs_run = 0;
  std::optional<Sequential> model;
};

// A fresh model with `seed`, trained at `learning_rate` with the settings' epochs, batch size,
// early stopping; then evaluated on the test split. `title` prefixes the progress lines.
TrainResult train_and_evaluate(const Settings& settings, const Dataset& data, double learning_rate, std::uint64_t seed,
                               const Console& console, const std::string& title);

// The training stopped on a non-finite loss (the engine's message says where).
bool diverged(const TrainResult& result);

Confusion confusion(const Matrix& probabilities, const Vector& y);
nlohmann::json to_json(const TrainResult& result);
}  // namespace lrtune::cli
