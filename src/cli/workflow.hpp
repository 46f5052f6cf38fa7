// The recipe's steps as the commands use them: Settings mapped to the library's experiment
// options (one function), and each step a short call into lrtune/experiment with the console as
// its callback. Printing and files stay in the commands.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console.hpp"
#include "lrtune/experiment/experiment.hpp"
#include "settings.hpp"

namespace lrtune::cli {

// The prepared data in float32, as the engine trains on it; one training and its test scores;
// the search and its model: the library's types.
using Dataset = ExperimentData;
using TrainResult = Training;
using TuneRun = SearchRun;

// Every setting the library reads, mapped once: data, model, optimizer, range test, search, comparison;
// Ctrl-C as the cancel flag.
ExperimentOptions experiment_options(const Settings& settings);
// The same with `progress` (the console's lines) as the experiment's callback.
ExperimentOptions experiment_options(const Settings& settings, ExperimentCallback& progress);

CsvOptions csv_options(const Settings& settings);
// Reads `path` (or parses `csv_text` when given, naming it `source`) and prepares it; the data's
// errors reworded with the flags the user wrote (--test-size, --positive). `command` decides
// whether each rank reads only its shard (train --data-parallel --lr RATE under mpirun).
Dataset load_dataset(const Settings& settings, std::string_view command, const std::string& path,
                     const std::optional<std::string>& csv_text = {});

// The data's summary (its first line; the whole with --verbose) and its task ("Task: quality: 7 distinct integer
// values, treated as 7 classes;
// --task regression to predict the number"), then its warnings (a feature constant on the train rows,
// more features than rows, a class absent from the train split) and a --batch-size larger than the
// train rows, one "lrtune: warning:" line each on stderr.
void report_data(const Settings& settings, const Dataset& data, const Console& console);

std::unique_ptr<Optimizer> build_optimizer(const Settings& settings, std::optional<double> learning_rate);

// The range test on a fresh model (seed settings.seed): per epoch (the recipe) or per step; its
// progress on the console, closed by its summary line.
RangeTestCurve run_finder(const Settings& settings, const Dataset& data, const Console& console);
// The rate to use: the --rule's suggestion, else the default rule's; nullopt when none was found.
std::optional<double> chosen_rate(const Settings& settings, const RangeTestCurve& curve, std::string* rule = nullptr);

// The search on the prepared training rows only (the tuner holds its own validation part out of
// them; the test split is never passed), with progress lines (the interval, one line per rung) on
// the console. Ctrl-C stops it (result.cancelled).
TuneRun run_tuner(const Settings& settings, const Dataset& data, const Console& console, int repeats);

// A fresh model with `seed`, trained at `learning_rate` with the settings' epochs, batch size,
// early stopping; then evaluated on the test split. Progress on the console, whose lines say
// what produced the rate (`rate_source`: "tuner pick", "--lr", ...).
TrainResult train_and_evaluate(const Settings& settings, const Dataset& data, double learning_rate, std::uint64_t seed,
                               const Console& console, const std::string& rate_source);

}  // namespace lrtune::cli
