// The recipe's steps over the library's experiment API: Settings mapped to its options once,
// each step called with the console as callback; the data's errors named by the user's flags.
#include "workflow.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "console_callback.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "phase_lines.hpp"
#include "ranks.hpp"
#include "signals.hpp"

namespace lrtune::cli {
namespace {

DataOptions data_options(const Settings& s) {
  DataOptions d;
  d.target = s.target;
  d.positive = s.positive;
  if (!s.task.empty()) d.task = target_kind_from_name(s.task);
  if (!s.loss.empty()) d.loss = loss_from_name(s.loss);
  d.balanced_class_weight = s.class_weight == "balanced";
  d.drop = s.drop;
  d.keep = s.keep;
  const auto strategy = [](const std::string& rule) {
    return impute_strategy_from_name(rule == "most-frequent" ? "most_frequent" : rule);
  };
  const NaRules na = parse_na_rules(s);
  if (na.default_rule != "drop") {
    d.missing = MissingPolicy::impute;
    d.impute.numeric = strategy(na.default_rule);
  }
  for (const auto& [column, rule] : na.per_column) {
    if (rule == "drop")
      d.missing_drop_columns.push_back(column);
    else
      d.impute.per_column[column] = strategy(rule);
  }
  d.unknown_levels = s.unknown_levels == "error" ? UnknownLevel::error : UnknownLevel::all_zero;
  d.test_size = s.test_size;
  d.split_seed = s.split_seed;
  d.csv = csv_options(s);
  return d;
}

// The search's own settings; batch size, seed, repeats and the cancel flag come from the comparison.
TunerOptions search_settings(const Settings& s) {
  TunerOptions options;
  options.candidates = static_cast<std::size_t>(s.candidates);
  if (s.lr_low > 0.0 && s.lr_high > 0.0) {
    options.low = s.lr_low;
    options.high = s.lr_high;
  }
  if (s.schedule == "step")
    options.range_test = LRFinderOptions::fastai_per_step(static_cast<std::size_t>(s.finder_points),
                                                          s.effective_finder_start(), s.finder_end);
  if (!s.rule.empty()) options.range_test.suggest.default_rule = rule_from_name(s.rule);
  options.first_rung_epochs = s.first_rung_epochs;
  options.max_epochs = s.max_epochs;
  options.patience = s.patience;
  options.min_delta = s.min_delta;
  options.validation_split = s.validation_fraction;
  options.threads = static_cast<std::size_t>(s.threads);
  options.refit = s.refit;
  return options;
}

OptimizerOptions optimizer_settings(const Settings& s) {
  return {.name = s.optimizer, .update_form = update_form_from_name(s.update_form), .momentum = s.momentum};
}

ComparisonOptions comparison_settings(const Settings& s) {
  ComparisonOptions c;
  c.pick = parse_rate_pick(s.pick);
  c.rule = s.rule;
  c.epochs = s.epochs;
  c.batch_size = s.batch_size;
  c.early_stopping = s.early_stopping;
  c.validation_fraction = s.validation_fraction;
  c.hold_out_validation = s.hold_out_validation;
  c.schedule = parse_training_schedule(s.lr_schedule);
  c.stopping = {};
  c.stopping.monitor = s.monitor;
  c.stopping.patience = s.patience;
  c.stopping.min_delta = s.min_delta;
  c.stopping.restore_best_weights = s.restore_best_weights;
  c.repeats = s.repeats;
  c.seed = s.seed;
  c.threads = s.threads;
  return c;
}

}  // namespace

ExperimentOptions experiment_options(const Settings& s) {
  ExperimentOptions o;
  o.data = data_options(s);
  o.model = {.layers = s.layers, .activation = s.activation, .dropout = s.dropout, .metrics = s.metrics};
  o.optimizer = optimizer_settings(s);
  o.range_test.schedule = s.schedule == "step" ? CurveMode::per_step : CurveMode::per_epoch;
  o.range_test.points = static_cast<std::size_t>(s.finder_points);
  o.range_test.start = s.finder_start;
  o.range_test.end = s.finder_end;
  o.search = search_settings(s);
  o.search.communicator = &world();  // under mpirun the search's units spread over the ranks
  o.comparison = comparison_settings(s);
  if (s.data_parallel) {  // under mpirun the ranks share each batch of tune's refit and of run's trainings
    o.search.refit_data_parallel = &world();
    o.comparison.data_parallel = &world();
  }
  // The comparison's trainings are rank 0's alone (its results are the ones written), unless the
  // ranks share them (--data-parallel); the other ranks stop after the search they share.
  o.train_comparison = writes_results() || s.data_parallel;
  o.cancel = &cancel_flag();  // Ctrl-C
  return o;
}

ExperimentOptions experiment_options(const Settings& s, ExperimentCallback& progress) {
  ExperimentOptions o = experiment_options(s);
  o.callbacks = {&progress};
  return o;
}

CsvOptions csv_options(const Settings& s) {
  CsvOptions options;
  if (s.delimiter == "\\t" || s.delimiter == "\t")
    options.delimiter = '\t';
  else if (!s.delimiter.empty())
    options.delimiter = s.delimiter[0];
  for (const auto& token : s.na_values) options.missing_tokens.push_back(token);
  options.skip_rows = static_cast<std::size_t>(s.skip_rows);
  options.header = !s.no_header;
  // A --drop column is not used: a few non-numbers in it are no reason to stop.
  options.lenient_columns.insert(s.drop.begin(), s.drop.end());
  options.cancel = &cancel_flag();  // Ctrl-C ends a wait on a FIFO or pipe
  return options;
}

namespace {

// train --data-parallel --lr RATE under mpirun: each rank reads only its shard of the file (the
// search of --lr auto, tune's and run's need every train row on each rank; there every rank reads
// the whole file). Only train reads --lr: another command may hold one from an experiment file.
bool reads_in_shards(const Settings& s, std::string_view command, const std::optional<std::string>& csv_text) {
  return command == "train" && s.data_parallel && world().size() > 1 && s.lr != "auto" && !csv_text;
}

// load_data, its errors reworded with the flags the user wrote.
Dataset load_with_flag_names(const DataOptions& options, const Settings& s) {
  try {
    return load_data(options);
  } catch (const DataError& e) {
    const std::string what = e.what();
    // A split that leaves a part empty: say it with the flag the user wrote.
    if (const auto& split = e.split_shortfall()) {
      throw DataError(
          fmt::format("{}: {} {}: a split of {} rows leaves {} train and {} test rows; both need at least one",
                      split->source, setting_name(s, "--test-size"), split->test_size, split->rows, split->train,
                      split->test),
          DataErrorSubject::split);
    }
    // A rule the user wrote that the column cannot take: name the flag and what it accepts.
    if (e.subject() == DataErrorSubject::target && !s.positive.empty())
      throw DataError(
          fmt::format("{} (from --positive '{}': a comparison such as '>=6' on a numeric column, or the name "
                      "of the positive class; without --positive the target's values choose the task)",
                      what, s.positive),
          DataErrorSubject::target);
    throw;
  }
}

}  // namespace

Dataset load_dataset(const Settings& s, std::string_view command, const std::string& path,
                     const std::optional<std::string>& csv_text) {
  DataOptions options = data_options(s);
  options.path = path;
  options.csv_text = csv_text;
  if (reads_in_shards(s, command, csv_text)) {
    // A rank that failed before (flags, the output folder) ends every rank here; after, the read's
    // collectives agree each failure, so every rank throws the same one (rank 0 says it).
    meet_ranks_ready();
    options.shards = &world();
    try {
      return load_with_flag_names(options, s);
    } catch (const lrtune::Error&) {  // agreed; an out-of-memory on one rank is that rank's alone
      throw AgreedFailure(std::current_exception());
    }
  }
  return load_with_flag_names(options, s);
}

void report_data(const Settings& s, const Dataset& data, const Console& console) {
  // Preparing the data is a phase too: its headline (file, rows, columns, missing values and what
  // was done about them), the table of columns and the target's balance with --verbose (and
  // always in data_summary.txt).
  const DataSummary& summary = data.prepared.summary;
  console.message(s.verbose ? summary.to_text() + "\n" : wrap(summary.headline_text()));
  console.message(fmt::format("Task: {}\n", data.task_explanation));
  for (const auto& warning : data.prepared.warnings) console.warning(warning + "\n");
  Index rows = data.train_rows();
  // A validation part holds out ceil(fraction * rows) of them, as the trainer's split does.
  const bool holds_out = s.early_stopping || s.hold_out_validation;
  if (holds_out) rows -= static_cast<Index>(std::ceil(s.validation_fraction * static_cast<double>(rows)));
  if (s.batch_size > rows)
    console.warning(
        fmt::format("--batch-size {} is larger than the {} {}rows; each epoch is one batch of all {} "
                    "rows (as Keras does)\n",
                    s.batch_size, rows, holds_out ? "training (non-validation) " : "train ", rows));
}

std::unique_ptr<Optimizer> build_optimizer(const Settings& s, std::optional<double> learning_rate) {
  return lrtune::build_optimizer(optimizer_settings(s), learning_rate);
}

RangeTestCurve run_finder(const Settings& s, const Dataset& data, const Console& console) {
  ConsoleCallback progress(s, console);
  RangeTestCurve curve = run_range_test(data, experiment_options(s, progress));
  progress.range_test_done(curve);
  return curve;
}

std::optional<double> chosen_rate(const Settings& s, const RangeTestCurve& curve, std::string* rule) {
  return suggested_rate(curve, s.rule, rule);
}

TuneRun run_tuner(const Settings& s, const Dataset& data, const Console& console, int repeats) {
  ConsoleCallback progress(s, console);
  return run_search(data, experiment_options(s, progress), repeats);
}

TrainResult train_and_evaluate(const Settings& s, const Dataset& data, double learning_rate, std::uint64_t seed,
                               const Console& console, const std::string& rate_source) {
  ConsoleCallback progress(s, console);
  progress.set_rate_source("", rate_source);
  return lrtune::train_and_evaluate(data, experiment_options(s, progress), learning_rate, seed);
}

}  // namespace lrtune::cli
