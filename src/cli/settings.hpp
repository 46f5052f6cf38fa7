// Every effective setting of a command in one struct, filled from the defaults (the recipe
// in SEED.md), then an experiment file (TOML), then flags; validated in one place with
// flag-named messages. Parsing flags is flags.cpp's job; running anything is the commands'.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lrtune/core/error.hpp"

namespace lrtune::cli {

// A bad flag value or experiment-file entry is the library's lrtune::UsageError
// (core/error.hpp): exit code 2.

struct Settings {
  // ---- data ----
  std::string target;                 // --target
  std::string positive;               // --positive: ">=6", "white"
  std::string task;                   // --task binary|multiclass|regression ("" = from the target's values)
  std::string class_weight = "none";  // --class-weight none|balanced
  std::vector<std::string> drop;      // --drop
  std::vector<std::string> keep;      // --keep: features kept even when identifier-like
  // --na: the default rule (drop|mean|median|most-frequent) and COLUMN=RULE items, comma-separated
  // ("median,age=drop"); parse_na_rules reads it.
  std::string na = "drop";
  std::string delimiter;                  // --delimiter ("" = detect)
  int skip_rows = 0;                      // --skip-rows: lines before the header
  bool no_header = false;                 // --no-header: columns named 0, 1, 2, ...
  std::vector<std::string> na_values;     // --na-values (added to the default tokens)
  std::string unknown_levels = "ignore";  // --unknown-levels ignore|error: a level not seen in training
  double test_size = 0.2;                 // --test-size
  std::uint32_t split_seed = 42;          // --split-seed
  // ---- model ----
  std::vector<int> layers = {128, 256, 256};  // --layers
  std::string activation = "relu";            // --activation
  double dropout = 0.0;                       // --dropout: rate of a Dropout after each hidden layer
  std::string loss;                           // --loss ("" = the task's default)
  std::vector<std::string> metrics;           // --metrics: shown per epoch besides the task's
  // ---- training ----
  std::string optimizer = "adam";        // --optimizer
  std::string update_form = "keras";     // --update-form keras|pytorch
  double momentum = 0.0;                 // --momentum: SGD's (optimizer sgd only)
  std::string lr_schedule = "constant";  // --lr-schedule constant|one-cycle|cosine: the trainings' rate over steps
  std::string lr = "auto";               // --lr: a number or "auto" (train), ignored by find/run
  int batch_size = 32;                   // --batch-size
  int epochs = 100;                      // --epochs
  std::uint64_t seed = 42;               // --seed: initial weights, batch order, validation split
  // --early-stopping: unset (neither flag nor file) it is on for run, demo and train --lr auto
  // (the model a careful user trains) and off for train --lr X and with --recipe; see
  // apply_command_defaults.
  bool early_stopping = false;
  double validation_fraction = 0.2;  // --validation-fraction
  // Not a setting: --validation-fraction was given (flag or file), so the trainings hold out a
  // validation part even without early stopping (Keras' validation_split); apply_command_defaults.
  bool hold_out_validation = false;
  std::string monitor = "val_loss";  // --monitor
  int patience = 10;                 // --patience
  double min_delta = 0.0;            // --min-delta
  bool restore_best_weights = true;  // --restore-best-weights
  bool data_parallel = false;        // --data-parallel: under mpirun the ranks share each mini-batch
  // ---- range test ----
  std::string schedule = "epoch";  // --schedule epoch|step
  int finder_points = 100;         // --finder-points: epochs (epoch) or mini-batches (step)
  double finder_start = 0.0;       // --finder-start; 0 = 1e-3 (epoch) / 1e-7 (step)
  double finder_end = 10.0;        // --finder-end (step schedule only)
  std::string rule;                // --rule: suggestion rule; "" = the finder's default
  // ---- comparison ----
  int repeats = 1;             // --repeats (tune: seeds per candidate)
  std::string pick = "tuner";  // --pick tuner|finder: where run's (and train --lr auto's) rate comes from
  // --recipe: the seed's recipe exactly, wherever a flag or the file does not say otherwise: the
  // per-epoch range test read by stable-minimum (--pick finder), 100 epochs, no early stopping.
  bool recipe = false;
  // ---- learning-rate search (tune, and run with --pick tuner) ----
  int candidates = 10;        // --candidates: log-spaced rates in the interval, >= 2
  int max_epochs = 100;       // --max-epochs: no candidate trains longer
  int first_rung_epochs = 4;  // --first-rung-epochs: epochs before the first cut
  double lr_low = 0.0;        // --lr-low (or --lr-range LOW HIGH); 0 = from the range test
  double lr_high = 0.0;       // --lr-high
  bool refit = false;         // --refit: final model retrained on train + validation rows
  // ---- output ----
  std::string out;          // --out ("" = lrtune-out/<command>-<timestamp>)
  bool overwrite = false;   // --overwrite: replace a non-empty --out folder that is not an lrtune run
  bool quiet = false;       // --quiet
  bool verbose = false;     // --verbose: Keras' line per epoch and every range-test point (--quiet wins)
  bool json = false;        // --json
  int threads = 0;          // --threads (0 = library default)
  std::string config_file;  // --config (not written back)
  // Not a setting: for each value the --config file set and no flag overrode, the flag and where
  // the file set it ("--epochs" -> "exp.toml:3:10: [training] epochs (--epochs)"), so that
  // validate() names what the user wrote. to_toml leaves it out.
  std::map<std::string, std::string> from_file;

  double effective_finder_start() const { return finder_start > 0 ? finder_start : (schedule == "step" ? 1e-7 : 1e-3); }
};

// --na parsed: the default rule and each column's own, in the order given; rules as the flag
// spells them (drop, mean, median, most-frequent). A bad item, a column named twice or two default
// rules is a UsageError naming the setting (the flag or the file's key).
struct NaRules {
  std::string default_rule = "drop";
  std::vector<std::pair<std::string, std::string>> per_column;
};
NaRules parse_na_rules(const Settings& settings);

// Throws UsageError naming the flag (or the experiment file's key that set it) and the valid
// range, e.g. "--epochs must be in [1, 1000000], got 0". Checks every setting against the limits
// of lrtune/core/limits.hpp; what needs the data (the parameter count, the splits, memory) is
// size_checks.hpp's, after the data is read.
void validate(const Settings& settings, const std::string& command);

// The defaults that depend on the command and on --recipe, applied to what neither a flag nor the
// --config file set (`given(flag)` says which were): --recipe sets schedule epoch, rule
// stable-minimum, pick finder, epochs 100 and early stopping off; otherwise early stopping is on
// for run, demo and train with --lr auto. --lr-schedule one-cycle turns early stopping off (and
// refuses it given); a given --validation-fraction holds out a validation part in any case.
void apply_command_defaults(Settings& settings, const std::string& command,
                            const std::function<bool(std::string_view flag)>& given);

// What the user wrote for the setting of `flag`: the flag, or the experiment file's key that set
// it ("exp.toml:3:10: [model] layers (--layers)").
std::string setting_name(const Settings& settings, const std::string& flag);

// A user's text as an error message echoes it, in single quotes: control characters (NUL, line
// breaks, ...) escaped as \0, \n, \xNN, and cut after 60 bytes with "...". Every message that
// repeats what the user wrote goes through it, so no text can cut or split the one error line.
std::string shown(std::string_view text);
// The whole of `text` with its control characters escaped the same way: what the error and
// warning printers put out, so no name or value from a data or model file can cut the line.
std::string one_line(std::string_view text);

// The strict number parsing of flags and experiment-file values. `name` is what the user wrote
// ("--lr", or "exp.toml:3:6: [training] lr (--lr)"); errors are UsageErrors naming it.
// A real number: the whole text in decimal or exponent form; refuses trailing junk, inf, nan,
// values beyond double's range and nonzero values too small to be normal doubles (1e-320).
// `expected` says what the setting takes, for the message on text that is no number.
double parse_real(std::string_view text, const std::string& name, std::string_view expected = "a number");
// The valid range of an integer setting (also each --layers width), by its flag.
struct IntRange {
  std::int64_t min = 0, max = 0;
};
IntRange int_range(std::string_view flag);
// An integer in `range`: optional sign and decimal digits only ("1e3", "1.5" and "0x10" are
// refused); out of range, even past 64 bits, it is "NAME must be in [min, max], got TEXT".
std::int64_t parse_integer(std::string_view text, const std::string& name, IntRange range);
// Throws UsageError "NAME must be in [min, max], got VALUE" unless range.min <= value <= range.max.
void check_range(std::int64_t value, IntRange range, const std::string& name);

// The settings as an experiment file (TOML), sections [data] [model] [training] [finder] [run] [tune] [output].
std::string to_toml(const Settings& settings);
// Overwrites the fields present in the file; unknown keys and wrong types are UsageErrors
// naming file:line:column. The file may be a FIFO or pipe (`--config <(...)`), read up to
// kMaxExperimentFileBytes; `cancel` ends a wait on one (the error then says "interrupted").
inline constexpr std::uint64_t kMaxExperimentFileBytes = std::uint64_t{1} << 20;  // 1 MiB
void apply_toml_file(Settings& settings, const std::string& path, const std::atomic<bool>* cancel = nullptr);
// The same on text in memory; `source` names it in messages. A key of more than
// 64 dotted parts (kMaxTomlKeyParts) is refused before parsing (toml_scan.hpp).
void apply_toml_text(Settings& settings, std::string_view text, const std::string& source = "<config>");

}  // namespace lrtune::cli
