// Validation, strict number parsing and the TOML form of Settings. One table (kFields) names every
// field once: its file section and key, its flag, an integer's valid range; validate, to_toml and
// apply_toml_file walk it, and the flags take their ranges from it.
#include "settings.hpp"
#include "toml.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lrtune/core/limits.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/input_file.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "lrtune/nn/activations.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/optim/factory.hpp"

namespace lrtune::cli {
namespace {

using Member = std::variant<std::string Settings::*, std::vector<std::string> Settings::*, std::vector<int> Settings::*,
                            double Settings::*, int Settings::*, std::uint32_t Settings::*, std::uint64_t Settings::*,
                            bool Settings::*>;

// The limits of the integer settings: lrtune/core/limits.hpp's where the size matters, the type's
// where it does not (seeds). --seed stops at 2^63 - 1, the largest integer a TOML file holds, so
// that every config.toml lrtune writes loads back.
constexpr IntRange kAnyInt{0, 0};  // not an integer setting
constexpr IntRange kSeed{0, std::numeric_limits<std::int64_t>::max()};
constexpr IntRange kSplitSeed{0, std::numeric_limits<std::uint32_t>::max()};
constexpr IntRange kEpochs{1, limits::kMaxEpochs};
// Each width of --layers; their count is checked apart (kMaxHiddenLayers).
constexpr IntRange kWidth{1, limits::kMaxWidth};
// Hidden layers: the output layer makes the model's kMaxLayers.
constexpr std::int64_t kMaxHiddenLayers = limits::kMaxLayers - 1;

struct Field {
  const char* section;
  const char* key;
  Member member;
  IntRange range = kAnyInt;  // integer settings (and --layers' widths) only
};

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"data", "target", &Settings::target},
      {"data", "positive", &Settings::positive},
      {"data", "task", &Settings::task},
      {"data", "class_weight", &Settings::class_weight},
      {"data", "drop", &Settings::drop},
      {"data", "keep", &Settings::keep},
      {"data", "na", &Settings::na},
      {"data", "delimiter", &Settings::delimiter},
      {"data", "skip_rows", &Settings::skip_rows, {0, 1'000'000'000}},
      {"data", "no_header", &Settings::no_header},
      {"data", "na_values", &Settings::na_values},
      {"data", "unknown_levels", &Settings::unknown_levels},
      {"data", "test_size", &Settings::test_size},
      {"data", "split_seed", &Settings::split_seed, kSplitSeed},
      {"model", "layers", &Settings::layers, kWidth},
      {"model", "activation", &Settings::activation},
      {"model", "dropout", &Settings::dropout},
      {"model", "loss", &Settings::loss},
      {"model", "metrics", &Settings::metrics},
      {"training", "optimizer", &Settings::optimizer},
      {"training", "update_form", &Settings::update_form},
      {"training", "momentum", &Settings::momentum},
      {"training", "lr_schedule", &Settings::lr_schedule},
      {"training", "lr", &Settings::lr},
      {"training", "batch_size", &Settings::batch_size, {1, limits::kMaxBatchSize}},
      {"training", "epochs", &Settings::epochs, kEpochs},
      {"training", "seed", &Settings::seed, kSeed},
      {"training", "early_stopping", &Settings::early_stopping},
      {"training", "validation_fraction", &Settings::validation_fraction},
      {"training", "monitor", &Settings::monitor},
      {"training", "patience", &Settings::patience, {0, limits::kMaxEpochs}},
      {"training", "min_delta", &Settings::min_delta},
      {"training", "restore_best_weights", &Settings::restore_best_weights},
      {"training", "data_parallel", &Settings::data_parallel},
      {"finder", "schedule", &Settings::schedule},
      {"finder", "points", &Settings::finder_points, {5, limits::kMaxFinderPoints}},
      {"finder", "start", &Settings::finder_start},
      {"finder", "end", &Settings::finder_end},
      {"finder", "rule", &Settings::rule},
      {"run", "repeats", &Settings::repeats, {1, limits::kMaxRepeats}},
      {"run", "pick", &Settings::pick},
      {"run", "recipe", &Settings::recipe},
      {"tune", "candidates", &Settings::candidates, {2, limits::kMaxCandidates}},
      {"tune", "max_epochs", &Settings::max_epochs, kEpochs},
      {"tune", "first_rung_epochs", &Settings::first_rung_epochs, kEpochs},
      {"tune", "lr_low", &Settings::lr_low},
      {"tune", "lr_high", &Settings::lr_high},
      {"tune", "refit", &Settings::refit},
      {"output", "out", &Settings::out},
      {"output", "overwrite", &Settings::overwrite},
      {"output", "quiet", &Settings::quiet},
      {"output", "verbose", &Settings::verbose},
      {"output", "json", &Settings::json},
      {"output", "threads", &Settings::threads, {0, limits::kMaxThreads}},
  };
  return kFields;
}

std::string flag_of(const Field& field) {
  std::string name = field.key;
  if (std::string(field.section) == "finder" && name != "schedule" && name != "rule") name = "finder_" + name;
  for (char& c : name)
    if (c == '_') c = '-';
  return "--" + name;
}

[[noreturn]] void fail(const std::string& message) { throw UsageError(message); }

// What the user wrote for the setting of `flag`: the flag, or the experiment file's key that set it.
std::string name_of(const Settings& s, const std::string& flag) {
  const auto it = s.from_file.find(flag);
  return it == s.from_file.end() ? flag : it->second;
}

template <typename T>
void require(const Settings& s, bool ok, const std::string& flag, const std::string& condition, const T& value) {
  if (!ok) fail(fmt::format("{} must be {}, got {}", name_of(s, flag), condition, value));
}

std::string where(const toml::source_region& region) {
  return fmt::format("{}:{}:{}", region.path ? *region.path : std::string("<config>"), region.begin.line,
                     region.begin.column);
}

// The choice settings: each must be one of a fixed list (the list is the message).
void check_choices(const Settings& s) {
  const auto choose = [&](const std::string& value, const std::string& flag, const std::vector<std::string>& choices) {
    for (const auto& c : choices)
      if (value == c) return;
    const std::string valid =
        choices.size() == 2 ? choices[0] + " or " + choices[1] : fmt::format("one of {}", fmt::join(choices, ", "));
    fail(fmt::format("{} must be {}, got {}", name_of(s, flag), valid, shown(value)));
  };
  (void)parse_na_rules(s);
  choose(s.unknown_levels, "--unknown-levels", {"ignore", "error"});
  if (!s.task.empty()) choose(s.task, "--task", {"binary", "multiclass", "regression"});
  choose(s.class_weight, "--class-weight", {"none", "balanced"});
  if (!s.loss.empty()) {
    try {
      (void)loss_from_name(s.loss);
    } catch (const UsageError&) {
      fail(fmt::format("{} must be one of binary_crossentropy, categorical_crossentropy, mse, mae, huber, got {}",
                       name_of(s, "--loss"), shown(s.loss)));
    }
  }
  for (const std::string& metric : s.metrics) {
    try {
      (void)metric_from_name(metric);
    } catch (const UsageError&) {
      fail(
          fmt::format("{} must name metrics among {}, got {}", name_of(s, "--metrics"), metric_names(), shown(metric)));
    }
  }
  if (!s.delimiter.empty() && s.delimiter != "," && s.delimiter != ";" && s.delimiter != "\\t" && s.delimiter != "\t")
    fail(fmt::format("{} must be one of ',', ';', '\\t' (a tab), got {}", name_of(s, "--delimiter"),
                     shown(s.delimiter)));
  {
    std::string names = activation_names();
    std::vector<std::string> list;
    for (std::size_t start = 0; start < names.size();) {
      const std::size_t comma = std::min(names.find(", ", start), names.size());
      list.push_back(names.substr(start, comma - start));
      start = comma + 2;
    }
    choose(s.activation, "--activation", list);
  }
  choose(s.optimizer, "--optimizer", optimizer_names());
  choose(s.update_form, "--update-form", {"keras", "pytorch"});
  choose(s.lr_schedule, "--lr-schedule", {"constant", "one-cycle", "cosine"});
  choose(s.monitor, "--monitor", {"val_loss", "val_accuracy", "loss", "accuracy"});
  choose(s.schedule, "--schedule", {"epoch", "step"});
  if (!s.rule.empty()) {
    std::vector<std::string> rules;
    for (SuggestionRule r : all_rules()) rules.emplace_back(rule_name(r));
    choose(s.rule, "--rule", rules);
  }
  choose(s.pick, "--pick", {"tuner", "finder"});
}

// Every integer setting within its range (the table above), and --layers' count and widths.
void check_integers(const Settings& s) {
  for (const Field& f : fields()) {
    if (f.range.min == 0 && f.range.max == 0) continue;
    const std::string name = name_of(s, flag_of(f));
    std::visit(
        [&](auto member) {
          const auto& value = s.*member;
          using V = std::decay_t<decltype(value)>;
          if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) {
            check_range(static_cast<std::int64_t>(value), f.range, name);
          } else if constexpr (std::is_same_v<V, std::vector<int>>) {
            if (value.empty())
              fail(fmt::format("{} must be a comma-separated list of layer widths, got nothing", name));
            if (static_cast<std::int64_t>(value.size()) > kMaxHiddenLayers)
              fail(fmt::format("{} has {} layers; at most {} (with the output layer, the {} a model file holds)", name,
                               value.size(), kMaxHiddenLayers, limits::kMaxLayers));
            for (int width : value) check_range(width, f.range, name + " width");
          }
        },
        f.member);
  }
  // The hidden layers' own weights (without the input layer, which needs the data's features):
  // a model over the limit is refused before the data is read.
  double hidden = 0.0;
  for (std::size_t i = 0; i < s.layers.size(); ++i)
    hidden += static_cast<double>(s.layers[i]) * (i + 1 < s.layers.size() ? s.layers[i + 1] : 1) + s.layers[i];
  if (hidden > static_cast<double>(limits::kMaxParameters))
    fail(
        fmt::format("{} gives a model of more than {} parameters (about {:.3g} between the hidden layers alone), "
                    "the most a model file holds; use fewer or narrower layers",
                    name_of(s, "--layers"), limits::kMaxParameters, hidden));
}

// shown() without the quotes: for names inside brackets ("[data]").
std::string escaped(std::string_view text, std::size_t max_bytes = 60) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max_bytes; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\0')
      out += "\\0";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  if (text.size() > max_bytes) out += "...";
  return out;
}

}  // namespace

std::string shown(std::string_view text) { return "'" + escaped(text) + "'"; }

std::string one_line(std::string_view text) { return escaped(text, text.size()); }

double parse_real(std::string_view text, const std::string& name, std::string_view expected) {
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);  // from_chars takes no '+'; "+-1" stays junk
  double value = 0.0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value, std::chars_format::general);
  const bool number = !digits.empty() && stop == end && !(text.size() > digits.size() && digits.starts_with('-')) &&
                      (error == std::errc{} || error == std::errc::result_out_of_range);
  if (!number) fail(fmt::format("{} must be {}, got {}", name, expected, shown(text)));
  if (!std::isfinite(value)) fail(fmt::format("{} must be a finite number, got {}", name, shown(text)));
  // Past double's range: from_chars says so without a value; which side the exponent's sign tells.
  // Nonzero digits that end below the normal range (1e-320, or 1e-400 read as 0) are too small.
  const std::size_t e = digits.find_first_of("eE");
  const bool negative_exponent = e != std::string_view::npos && e + 1 < digits.size() && digits[e + 1] == '-';
  const bool nonzero = digits.substr(0, e).find_first_of("123456789") != std::string_view::npos;
  const std::string typed = std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "");
  if (error == std::errc::result_out_of_range && !negative_exponent)
    fail(fmt::format("{} {} is too large: the largest number lrtune takes is {:.4g}", name, typed,
                     std::numeric_limits<double>::max()));
  if (nonzero && (error == std::errc::result_out_of_range || std::abs(value) < std::numeric_limits<double>::min()))
    fail(fmt::format("{} {} is too small: a nonzero number must be at least {:.4g} in size (double precision)", name,
                     typed, std::numeric_limits<double>::min()));
  return value;
}

std::int64_t parse_integer(std::string_view text, const std::string& name, IntRange range) {
  std::string_view digits = text;
  const bool negative = digits.starts_with('-');
  if (negative || digits.starts_with('+')) digits.remove_prefix(1);
  const bool decimal = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (!decimal) fail(fmt::format("{} must be an integer, got {}", name, shown(text)));
  std::uint64_t magnitude = 0;
  const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (error != std::errc{} || magnitude > kMax + (negative ? 1 : 0))  // past 64 bits: past every range
    fail(fmt::format("{} must be in [{}, {}], got {}", name, range.min, range.max, text));
  const std::int64_t value = !negative               ? static_cast<std::int64_t>(magnitude)
                             : magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                                     : -static_cast<std::int64_t>(magnitude);
  check_range(value, range, name);
  return value;
}

std::string setting_name(const Settings& s, const std::string& flag) { return name_of(s, flag); }

NaRules parse_na_rules(const Settings& s) {
  static const std::vector<std::string> kRules = {"drop", "mean", "median", "most-frequent"};
  const std::string name = name_of(s, "--na");
  const auto bad = [&](std::string_view why) {
    fail(
        fmt::format("{} {}; expected a rule (drop, mean, median, most-frequent) and/or COLUMN=RULE items separated "
                    "by commas, e.g. --na median,age=drop, got {}",
                    name, why, shown(s.na)));
  };
  const auto check_rule = [&](const std::string& rule) {
    if (std::find(kRules.begin(), kRules.end(), rule) == kRules.end())
      bad(fmt::format("has the rule {}, not drop, mean, median or most-frequent", shown(rule)));
  };
  NaRules rules;
  bool default_given = false;
  for (std::size_t start = 0;;) {
    const std::size_t comma = std::min(s.na.find(',', start), s.na.size());
    const std::string item = s.na.substr(start, comma - start);
    if (item.empty()) bad("has an empty item");
    // The last '=' splits: a rule has none, a column name might.
    if (const std::size_t eq = item.rfind('='); eq == std::string::npos) {
      check_rule(item);
      if (default_given) bad("has two default rules");
      default_given = true;
      rules.default_rule = item;
    } else {
      const std::string column = item.substr(0, eq), rule = item.substr(eq + 1);
      if (column.empty()) bad("has a rule without a column before '='");
      check_rule(rule);
      for (const auto& [named, unused] : rules.per_column)
        if (named == column) bad(fmt::format("names column {} twice", shown(column)));
      rules.per_column.emplace_back(column, rule);
    }
    if (comma == s.na.size()) break;
    start = comma + 1;
  }
  return rules;
}

IntRange int_range(std::string_view flag) {
  for (const Field& f : fields())
    if (flag_of(f) == flag) return f.range;
  throw std::logic_error("int_range: no integer setting " + std::string(flag));
}

void check_range(std::int64_t value, IntRange range, const std::string& name) {
  if (value < range.min || value > range.max)
    fail(fmt::format("{} must be in [{}, {}], got {}", name, range.min, range.max, value));
}

void validate(const Settings& s, const std::string& command) {
  const bool needs_target = command == "find" || command == "train" || command == "run" || command == "tune";
  if (needs_target && s.target.empty()) fail("--target is required (the column to predict, e.g. --target quality)");
  check_choices(s);
  check_integers(s);
  require(s, s.test_size > 0.0 && s.test_size < 1.0, "--test-size", "in (0, 1)", s.test_size);
  if (s.lr != "auto") {
    const double value = parse_real(s.lr, name_of(s, "--lr"), "a number or 'auto'");
    require(s, value > 0.0, "--lr", "> 0", s.lr);
  }
  require(s, s.validation_fraction > 0.0 && s.validation_fraction < 1.0, "--validation-fraction", "in (0, 1)",
          s.validation_fraction);
  require(s, s.min_delta >= 0.0, "--min-delta", ">= 0", s.min_delta);
  require(s, s.dropout >= 0.0 && s.dropout < 1.0, "--dropout", "in [0, 1)", s.dropout);
  // Each rank would draw its own dropout masks, not the ones one process draws (train/data_parallel.hpp).
  if (s.data_parallel && s.dropout > 0.0)
    fail(fmt::format("{} does not support {} yet (got {}); train without dropout, or without {}",
                     name_of(s, "--data-parallel"), name_of(s, "--dropout"), s.dropout, name_of(s, "--data-parallel")));
  require(s, s.momentum >= 0.0 && s.momentum <= 1.0, "--momentum", "in [0, 1]", s.momentum);
  if (s.momentum != 0.0 && s.optimizer != "sgd")
    fail(fmt::format("{} applies to {} sgd only, got {} {} (Adam's and AdamW's momentum is their beta_1)",
                     name_of(s, "--momentum"), name_of(s, "--optimizer"), name_of(s, "--optimizer"), s.optimizer));
  require(s, s.finder_start >= 0.0, "--finder-start", "> 0 (or 0 for the schedule's default)", s.finder_start);
  if (s.schedule == "step") {
    const std::string first = s.finder_start > 0.0
                                  ? fmt::format("{} ({})", name_of(s, "--finder-start"), s.finder_start)
                                  : fmt::format("the first learning rate ({})", s.effective_finder_start());
    require(s, s.finder_end > s.effective_finder_start(), "--finder-end", "> " + first, s.finder_end);
  } else {
    // The recipe's schedule rises tenfold every 30 points: its last rate must stay a number.
    const double decades = std::log10(std::numeric_limits<double>::max()) - std::log10(s.effective_finder_start());
    const auto most = static_cast<std::int64_t>(std::floor(30.0 * decades));
    if (s.finder_points > most)
      fail(
          fmt::format("{} must be at most {} with --schedule epoch from {} (the rate grows tenfold every 30 points "
                      "and would pass the largest number), got {}",
                      name_of(s, "--finder-points"), most, s.effective_finder_start(), s.finder_points));
  }
  require(s, s.max_epochs >= s.first_rung_epochs, "--max-epochs",
          fmt::format(">= {} ({})", name_of(s, "--first-rung-epochs"), s.first_rung_epochs), s.max_epochs);
  require(s, s.lr_low >= 0.0, "--lr-low", "> 0", s.lr_low);
  require(s, s.lr_high >= 0.0, "--lr-high", "> 0", s.lr_high);
  if ((s.lr_low > 0.0) != (s.lr_high > 0.0))
    fail("--lr-low and --lr-high go together (or --lr-range LOW HIGH); give both or neither");
  if (s.lr_low > 0.0 && s.lr_low >= s.lr_high)
    fail(fmt::format("{} must be < {} (--lr-range LOW HIGH: LOW first), got {} >= {}", name_of(s, "--lr-low"),
                     name_of(s, "--lr-high"), s.lr_low, s.lr_high));
  const bool searches = command == "tune" || (command == "run" && s.pick == "tuner");
  if (searches) require(s, s.patience >= 1, "--patience", ">= 1 for the search's early stopping", s.patience);
}

// Written by hand rather than by toml++'s printer: sections in the order of kFields and numbers
// in their shortest round-trip form ("0.2", not "0.20000000000000001"); strings quoted by toml++.
std::string to_toml(const Settings& s) {
  std::string out = "# lrtune experiment file: flags override these values\n";
  std::string section;
  for (const Field& f : fields()) {
    if (section != f.section) {
      section = f.section;
      out += fmt::format("{}[{}]\n", out.size() > 60 ? "\n" : "", section);
    }
    std::visit(
        [&](auto member) {
          const auto& value = s.*member;
          using V = std::decay_t<decltype(value)>;
          auto quoted = [](const std::string& text) {
            std::ostringstream stream;
            // toml++ 3.3 writes a text with a line break as a multi-line literal string, which
            // ends early when the text holds ''' and drops a leading line break (TOML trims the
            // first one): found by fuzz/fuzz_experiment_file. Such texts as escaped "...".
            if (text.find_first_of("\r\n") != std::string::npos) {
              stream << toml::toml_formatter{toml::value<std::string>(text), toml::format_flags::allow_unicode_strings};
            } else {
              stream << toml::value<std::string>(text);
            }
            return stream.str();
          };
          std::string text;
          if constexpr (std::is_same_v<V, std::string>) {
            text = quoted(value);
          } else if constexpr (std::is_same_v<V, bool>) {
            text = value ? "true" : "false";
          } else if constexpr (std::is_same_v<V, double>) {
            text = fmt::format("{}", value);
            // A TOML float, not an integer; inf and nan are floats as they are ("inf.0" is no TOML).
            if (std::isfinite(value) && text.find_first_of(".eE") == std::string::npos) text += ".0";
          } else if constexpr (std::is_integral_v<V>) {
            text = fmt::format("{}", value);
          } else if constexpr (std::is_same_v<V, std::vector<int>>) {
            text = fmt::format("[{}]", fmt::join(value, ", "));
          } else {
            std::vector<std::string> items;
            items.reserve(value.size());
            for (const auto& item : value) items.push_back(quoted(item));
            text = fmt::format("[{}]", fmt::join(items, ", "));
          }
          out += fmt::format("{} = {}\n", f.key, text);
        },
        f.member);
  }
  return out;
}

namespace {

// The TOML type of a value, for "got ..." in messages.
std::string toml_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return fmt::format("an integer ({})", node.as_integer()->get());
    case toml::node_type::floating_point: return fmt::format("a float ({})", node.as_floating_point()->get());
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

// One value of the experiment file, its type strict (a bool key takes true/false only, an integer
// key integers only, a float key an integer or a float, a string key strings; lr also a number),
// numbers checked as flags are. `place` names the file, line, column, key and flag.
template <typename V>
V toml_value(const toml::node& node, const std::string& place, IntRange range, bool number_as_string = false) {
  const auto wrong = [&](const char* expected) {
    fail(fmt::format("{} must be {}, got {}", place, expected, toml_type(node)));
  };
  if constexpr (std::is_same_v<V, std::string>) {
    if (number_as_string && (node.is_integer() || node.is_floating_point())) {
      const double value =
          node.is_integer() ? static_cast<double>(node.as_integer()->get()) : node.as_floating_point()->get();
      std::string text = fmt::format("{}", value);
      (void)parse_real(text, place);  // inf, nan and subnormal numbers are refused as a flag's are
      return text;
    }
    if (!node.is_string()) wrong(number_as_string ? "a number or 'auto'" : "a string");
    const std::string& text = node.as_string()->get();
    // No column name, path or choice holds a NUL, and C strings (exception texts) end at one.
    if (text.find('\0') != std::string::npos)
      fail(fmt::format("{} must not contain a NUL character, got {}", place, shown(text)));
    return text;
  } else if constexpr (std::is_same_v<V, bool>) {
    if (!node.is_boolean()) wrong("true or false");
    return node.as_boolean()->get();
  } else if constexpr (std::is_same_v<V, double>) {
    if (!node.is_integer() && !node.is_floating_point()) wrong("a number");
    if (node.is_integer()) return static_cast<double>(node.as_integer()->get());
    const double value = node.as_floating_point()->get();
    return parse_real(fmt::format("{}", value), place);
  } else {
    if (!node.is_integer()) wrong("an integer");
    const std::int64_t value = node.as_integer()->get();
    check_range(value, range, place);
    return static_cast<V>(value);
  }
}

void apply_toml_table(Settings& s, const toml::table& root) {
  for (auto&& [section_key, section_node] : root) {
    const toml::table* section = section_node.as_table();
    if (!section)
      fail(
          fmt::format("{}: {} must be a table such as [data]", where(section_node.source()), shown(section_key.str())));
    for (auto&& [key, key_node] : *section) {
      const toml::node& node = key_node;  // a plain reference: clang 14 cannot capture structured bindings
      const Field* field = nullptr;
      for (const Field& f : fields())
        if (section_key.str() == f.section && key.str() == f.key) field = &f;
      if (!field)
        fail(fmt::format("{}: unknown setting [{}] {}", where(node.source()), escaped(section_key.str()),
                         escaped(key.str())));
      const std::string place =
          fmt::format("{}: [{}] {} ({})", where(node.source()), field->section, field->key, flag_of(*field));
      std::visit(
          [&](auto member) {
            auto& value = s.*member;
            using V = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<V, std::vector<std::string>> || std::is_same_v<V, std::vector<int>>) {
              const toml::array* array = node.as_array();
              if (!array) fail(fmt::format("{} must be an array, got {}", place, toml_type(node)));
              value.clear();
              for (const toml::node& item : *array) {
                const std::string item_place =
                    fmt::format("{}: [{}] {} item {} ({})", where(item.source()), field->section, field->key,
                                value.size() + 1, flag_of(*field));
                value.push_back(toml_value<typename V::value_type>(item, item_place, field->range));
              }
            } else if constexpr (std::is_same_v<V, std::string>) {
              value = toml_value<V>(node, place, field->range, member == &Settings::lr);
            } else {
              value = toml_value<V>(node, place, field->range);
            }
          },
          field->member);
      s.from_file[flag_of(*field)] = place;
    }
  }
}

}  // namespace

void apply_toml_file(Settings& s, const std::string& path, const std::atomic<bool>* cancel) {
  InputOptions input;
  input.max_bytes = kMaxExperimentFileBytes;  // /dev/zero or an endless pipe stops here
  input.what = "experiment file";
  input.cancel = cancel;
  InputBytes text;
  try {
    text = read_input(path, input);
  } catch (const DataError& e) {
    fail(e.what());
  }
  apply_toml_text(s, text.view(), path);
}

void apply_toml_text(Settings& s, std::string_view text, const std::string& source) {
  if (const auto bad = scan_before_parsing(text)) {
    fail(fmt::format("{}:{}:{}: {}", source, bad->line, bad->column, bad->what));
  }
  const auto parse = [&](std::string_view document) {
    try {
      return toml::parse(document, source);
    } catch (const toml::parse_error& e) {
      fail(fmt::format("{}: {}", where(e.source()), e.description()));
    } catch (const TomlInternalError& e) {
      fail(fmt::format("{}: not a valid TOML file ({})", source, e.what()));
    }
  };
  // toml++'s look-ahead in malformed text can still meet non-ASCII where the scan saw a string
  // (toml_scan.hpp): the same text with every non-ASCII byte made 'x' must parse first. Only a
  // well-formed document reaches toml++ with its non-ASCII characters.
  std::string ascii(text);
  for (std::size_t i = ascii.starts_with("\xEF\xBB\xBF") ? 3 : 0; i < ascii.size(); ++i)
    if (static_cast<unsigned char>(ascii[i]) >= 0x80) ascii[i] = 'x';
  if (ascii != text) (void)parse(ascii);
  apply_toml_table(s, parse(text));
}

void apply_command_defaults(Settings& s, const std::string& command,
                            const std::function<bool(std::string_view flag)>& given) {
  auto set = [&](std::string_view flag, auto Settings::*member, auto value) {
    if (!given(flag)) s.*member = value;
  };
  if (s.recipe) {
    set("--schedule", &Settings::schedule, std::string("epoch"));
    set("--rule", &Settings::rule, std::string("stable-minimum"));
    set("--pick", &Settings::pick, std::string("finder"));
    set("--epochs", &Settings::epochs, 100);
    set("--early-stopping", &Settings::early_stopping, false);
  } else {
    const bool careful = command == "run" || command == "demo" || (command == "train" && s.lr == "auto");
    if (careful) set("--early-stopping", &Settings::early_stopping, true);
  }
  // fastai's fit_one_cycle trains every epoch asked: no early stopping unless the user insists,
  // and then it is refused rather than silently cutting the cycle short.
  if (s.lr_schedule == "one-cycle") {
    if (given("--early-stopping") && s.early_stopping)
      fail(
          fmt::format("{} cannot go with {} one-cycle: the cycle trains every epoch asked (as fastai's "
                      "fit_one_cycle); drop it, or give --validation-fraction F for validation columns without "
                      "stopping",
                      name_of(s, "--early-stopping"), name_of(s, "--lr-schedule")));
    set("--early-stopping", &Settings::early_stopping, false);
  }
  s.hold_out_validation = given("--validation-fraction");
}

}  // namespace lrtune::cli
