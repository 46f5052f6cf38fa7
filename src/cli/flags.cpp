// Flag names, help texts and the override order (defaults < --config file < flags).
#include "flags.hpp"
#include "flag_scope.hpp"
#include "signals.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace lrtune::cli {

// Strings and booleans go straight into the staging Settings. Numbers are staged as the text
// typed and parsed by settings' strict parser in effective(), so a bad value is refused naming
// the flag ("--lr 1e-320 is too small ..."), never with a conversion routine's words.
template <typename T>
CLI::Option* Flags::add(CLI::App& app, const std::string& name, T Settings::*member, const std::string& general_help) {
  const std::string flag = name.substr(0, name.find(','));
  const std::string help = command_help(app.get_name(), flag).value_or(general_help);
  CLI::Option* option = nullptr;
  std::function<void(Settings&, const Settings&)> copy = [member](Settings& to, const Settings& from) {
    to.*member = from.*member;
  };
  if constexpr (std::is_same_v<T, bool>) {
    option = app.add_flag(name, staged_.get()->*member, help);
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::string>>) {
    option = app.add_option(name, staged_.get()->*member, help);
    if constexpr (std::is_same_v<T, std::vector<std::string>>) option->delimiter(',');
  } else if constexpr (std::is_same_v<T, std::vector<int>>) {
    // Split here, not by CLI11's list splitting, which passes "4,,4" as 4,4.
    auto text = std::make_shared<std::string>();
    option = app.add_option(name, *text, help)->type_name("INT,...");
    copy = [member, text, flag](Settings& to, const Settings&) {
      (to.*member).clear();
      for (std::size_t start = 0;;) {
        const std::size_t comma = std::min(text->find(',', start), text->size());
        const std::string_view item = std::string_view(*text).substr(start, comma - start);
        if (item.empty())
          throw UsageError(fmt::format("{} takes numbers separated by single commas, got {}", flag, shown(*text)));
        (to.*member).push_back(static_cast<int>(parse_integer(item, flag + " width", int_range(flag))));
        if (comma == text->size()) break;
        start = comma + 1;
      }
    };
  } else {
    auto text = std::make_shared<std::string>();
    option = app.add_option(name, *text, help)->type_name(std::is_integral_v<T> ? "INT" : "FLOAT");
    copy = [member, text, flag](Settings& to, const Settings&) {
      if constexpr (std::is_integral_v<T>) {
        to.*member = static_cast<T>(parse_integer(*text, flag, int_range(flag)));
      } else {
        to.*member = parse_real(*text, flag);
      }
    };
  }
  bound_.push_back({option, flag, std::move(copy)});
  return option;
}

void Flags::add_output_flags_to(CLI::App& app, bool with_out) {
  if (with_out) {
    add(app, "--out", &Settings::out,
        "Output folder (default lrtune-out/<command>-<timestamp>); an earlier run there is replaced as a whole");
    add(app, "--overwrite", &Settings::overwrite,
        "Replace --out even when it holds files that are not an lrtune run (they are deleted)");
  }
  add(app, "--quiet,-q", &Settings::quiet, "No progress lines or messages, only results");
  add(app, "--verbose,-v", &Settings::verbose,
      "Progress as Keras prints it: one line per epoch and per range-test point (default: one line per phase)");
  add(app, "--json", &Settings::json, "Print a machine-readable summary on stdout; messages go to stderr");
  add(app, "--threads", &Settings::threads, "Worker threads");  // each command's meaning: flag_scope.cpp
  add(app, "--delimiter", &Settings::delimiter, "CSV delimiter: ',', ';' or '\\t' (default: detected)");
  add(app, "--na-values", &Settings::na_values, "Extra cell values read as missing, comma-separated");
  if (!with_out) {  // evaluate, predict: the file they score may have a title line or no header too
    add_file_layout_flags_to(app, std::nullopt);
    hide_unread(app);  // add_to hides the rest for the commands that take every group
  }
}

void Flags::hide_unread(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_lnames().empty()) continue;
    if (!command_reads(app.get_name(), "--" + option->get_lnames().front())) option->group("");
  }
}

void Flags::add_file_layout_flags_to(CLI::App& app, const std::optional<std::string>& group) {
  CLI::Option* skip = add(app, "--skip-rows", &Settings::skip_rows,
                          "Lines to skip before the header (a title or row count; default 0)");
  CLI::Option* no_header = add(app, "--no-header", &Settings::no_header,
                               "The first row is data; columns are named 0, 1, 2, ... (pandas' header=None)");
  if (group) {  // CLI11 hides an option whose group is empty, so no group is no call
    skip->group(*group);
    no_header->group(*group);
  }
}

void Flags::add_to(CLI::App& app) {
  add(app, "--config", &Settings::config_file, "Experiment file (TOML) with the same settings; flags override it")
      ->check(CLI::ExistingFile);
  add_data_flags_to(app);
  add_output_flags_to(app, true);
  add_model_flags_to(app);
  add_range_test_flags_to(app);
  add_search_flags_to(app);
  hide_unread(app);
}

void Flags::add_data_flags_to(CLI::App& app) {
  auto* data = "Data";
  add(app, "--target", &Settings::target, "Column to predict")->group(data);
  add(app, "--positive", &Settings::positive,
      "Rule that makes the target binary: a comparison ('>=6', '>7', '==1') or a class (white)")
      ->group(data);
  add(app, "--task", &Settings::task,
      "binary|multiclass|regression (default: from the target: 2 values binary, text or 3-20 integer codes "
      "multiclass, other numbers regression)")
      ->group(data);
  add(app, "--class-weight", &Settings::class_weight,
      "none|balanced: weigh classifier rows by n_rows / (classes * class count) (default none)")
      ->group(data);
  add(app, "--drop", &Settings::drop, "Columns to leave out, comma-separated")->group(data);
  add(app, "--keep", &Settings::keep,
      "Text columns to use even when they look like identifiers (a distinct value in most rows: left out by "
      "default), comma-separated")
      ->group(data);
  add(app, "--na", &Settings::na,
      "Missing values: a rule drop|mean|median|most-frequent for every column (default drop: the rows go) and/or "
      "COLUMN=RULE for one, comma-separated (median,port=most-frequent)")
      ->group(data);
  add_file_layout_flags_to(app, data);
  add(app, "--unknown-levels", &Settings::unknown_levels,
      "A level the train split lacks (test split, predict): ignore (all-zero encoding, a warning) or error")
      ->group(data);
  add(app, "--test-size", &Settings::test_size, "Fraction of rows in the test split (default 0.2)")->group(data);
  add(app, "--split-seed", &Settings::split_seed, "Seed of the train/test split (default 42)")->group(data);
}

void Flags::add_model_flags_to(CLI::App& app) {
  auto* model = "Model and training";
  add(app, "--layers", &Settings::layers, "Hidden layer widths (default 128,256,256)")->group(model);
  add(app, "--activation", &Settings::activation, "Hidden activation (default relu)")->group(model);
  add(app, "--dropout", &Settings::dropout, "Dropout rate after each hidden layer (default 0: none)")->group(model);
  add(app, "--loss", &Settings::loss,
      "binary_crossentropy (binary), categorical_crossentropy (multiclass), mse|mae|huber (regression; default mse)")
      ->group(model);
  add(app, "--metrics", &Settings::metrics,
      "Extra metrics in the epoch lines, comma-separated (auc, f1, rmse, r2, ...)")
      ->group(model);
  add(app, "--optimizer", &Settings::optimizer, "adam|adamw|sgd|rmsprop|adagrad (default adam)")->group(model);
  add(app, "--update-form", &Settings::update_form, "Where epsilon goes: keras|pytorch (default keras)")->group(model);
  add(app, "--momentum", &Settings::momentum, "SGD's momentum in [0, 1] (--optimizer sgd only; default 0)")
      ->group(model);
  add(app, "--lr", &Settings::lr,
      "Learning rate: a number, or 'auto' (default): the search's pick, or with --pick finder the range test's "
      "suggestion")
      ->group(model);
  add(app, "--lr-schedule", &Settings::lr_schedule,
      "Rate over the training's steps: constant (default), one-cycle (fastai's fit_one_cycle up to the rate; no "
      "early stopping), cosine (annealed per step from the rate towards 0)")
      ->group(model);
  add(app, "--batch-size", &Settings::batch_size, "Mini-batch size (default 32)")->group(model);
  add(app, "--epochs", &Settings::epochs, "Training epochs (default 100)")->group(model);
  add(app, "--seed", &Settings::seed, "Seed of initial weights, batch order and validation split (default 42)")
      ->group(model);
  add(app, "--data-parallel", &Settings::data_parallel,
      "Under mpirun the ranks share each mini-batch of the final trainings: train's, tune's refit, run's and "
      "demo's (gradients summed over the ranks; docs/scale.md). train --lr NUMBER reads the CSV in shards, the "
      "others read it whole on every rank (the search needs every row); no --dropout; without mpirun the usual "
      "training")
      ->group(model);
  add(app, "--early-stopping", &Settings::early_stopping,
      "Hold out --validation-fraction of the training rows and stop when the validation loss stops improving "
      "(default: on for run, demo and train --lr auto; off for train --lr NUMBER, --recipe and --lr-schedule "
      "one-cycle; =false turns it off)")
      ->group(model);
  add(app, "--validation-fraction", &Settings::validation_fraction,
      "Training rows held out for validation (default 0.2): early stopping's, and, given, val_ columns even without it")
      ->group(model);
  add(app, "--monitor", &Settings::monitor, "Value early stopping watches (default val_loss)")->group(model);
  add(app, "--patience", &Settings::patience, "Epochs without improvement before stopping (default 10)")->group(model);
  add(app, "--min-delta", &Settings::min_delta, "Smallest change that counts as improvement (default 0)")->group(model);
  add(app, "--restore-best-weights", &Settings::restore_best_weights,
      "Keep the best epoch's weights (default true; --restore-best-weights=false to keep the last)")
      ->group(model);
}

void Flags::add_range_test_flags_to(CLI::App& app) {
  auto* finder = "Range test";
  add(app, "--schedule", &Settings::schedule,
      "epoch: one point per epoch, lr = start*10^(e/30) (the recipe); step: one point per mini-batch")
      ->group(finder);
  add(app, "--finder-points", &Settings::finder_points, "Points of the range test (default 100)")->group(finder);
  add(app, "--finder-start", &Settings::finder_start, "First learning rate (default 1e-3 epoch, 1e-7 step)")
      ->group(finder);
  add(app, "--finder-end", &Settings::finder_end, "Last learning rate of the step schedule (default 10)")
      ->group(finder);
  add(app, "--rule", &Settings::rule,
      "Suggestion rule used: minimum|steep|valley|slide|stable-minimum (default: the finder's)")
      ->group(finder);
  add(app, "--repeats", &Settings::repeats, "Seeds (default 1)")->group(finder);  // per command: flag_scope.cpp
}

void Flags::add_search_flags_to(CLI::App& app) {
  const std::string tune = search_group_title(app.get_name());
  add(app, "--pick", &Settings::pick,
      "Where the tuned rate comes from: tuner or finder")  // per command: flag_scope.cpp
      ->group(tune);
  add(app, "--recipe", &Settings::recipe,
      "The seed's recipe exactly: per-epoch range test read by stable-minimum (--pick finder), 100 epochs for both "
      "rates, no validation split or early stopping (flags given still win)")
      ->group(tune);
  add(app, "--candidates", &Settings::candidates, "Log-spaced learning rates tried across the interval (default 10)")
      ->group(tune);
  add(app, "--max-epochs", &Settings::max_epochs, "Most epochs any candidate trains (default 100)")->group(tune);
  add(app, "--first-rung-epochs", &Settings::first_rung_epochs,
      "Epochs every candidate trains before the first cut; rungs double (default 4)")
      ->group(tune);
  add(app, "--lr-low", &Settings::lr_low, "Lower end of the interval (with --lr-high; default: from the range test)")
      ->group(tune);
  add(app, "--lr-high", &Settings::lr_high, "Upper end of the interval (with --lr-low; default: from the range test)")
      ->group(tune);
  {
    CLI::Option* range =
        app.add_option("--lr-range", *staged_lr_range_, "LOW HIGH: the interval to search (no range test)")
            ->expected(2)
            ->type_name("FLOAT")
            ->group(tune);
    bound_.push_back({range, "--lr-range", [staged = staged_lr_range_](Settings& to, const Settings&) {
                        to.lr_low = parse_real(staged->at(0), "--lr-range LOW");
                        to.lr_high = parse_real(staged->at(1), "--lr-range HIGH");
                        to.from_file.erase("--lr-low");
                        to.from_file.erase("--lr-high");
                      }});
  }
  add(app, "--refit", &Settings::refit,
      "Retrain the picked rate on training + validation rows for its best epoch count (default: keep its best weights)")
      ->group(tune);
}

std::vector<std::string> Flags::typed() const {
  std::vector<std::string> flags;
  for (const Bound& b : bound_)
    if (b.option->count() > 0) flags.push_back(b.flag);
  return flags;
}

bool Flags::given(std::string_view flag, const Settings& effective) const {
  if (effective.from_file.contains(std::string(flag))) return true;
  return std::any_of(bound_.begin(), bound_.end(),
                     [&](const Bound& b) { return b.flag == flag && b.option->count() > 0; });
}

Settings Flags::effective(const Settings& defaults) const {
  Settings settings = defaults;
  if (!staged_->config_file.empty()) apply_toml_file(settings, staged_->config_file, &cancel_flag());
  for (const Bound& b : bound_)
    if (b.option->count() > 0) {
      b.copy(settings, *staged_);
      settings.from_file.erase(b.flag);  // messages name the flag, which overrode the file
    }
  return settings;
}

}  // namespace lrtune::cli
