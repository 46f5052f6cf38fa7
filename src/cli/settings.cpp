// Validation and the TOML form of Settings. One table (kFields) names every field once:
// its file section and key, its flag; to_toml and apply_toml_file both walk it.
#include "settings.hpp"
#include "toml.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/input_file.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "lrtune/nn/activations.hpp"
#include "lrtune/optim/factory.hpp"

namespace lrtune::cli {
namespace {

using Member = std::variant<std::string Settings::*, std::vector<std::string> Settings::*, std::vector<int> Settings::*,
                            double Settings::*, int Settings::*, std::uint32_t Settings::*, std::uint64_t Settings::*,
                            bool Settings::*>;

struct Field {
  const char* section;
  const char* key;
  Member member;
};

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {"data", "target", &Settings::target},
      {"data", "positive", &Settings::positive},
      {"data", "drop", &Settings::drop},
      {"data", "na", &Settings::na},
      {"data", "delimiter", &Settings::delimiter},
      {"data", "na_values", &Settings::na_values},
      {"data", "test_size", &Settings::test_size},
      {"data", "split_seed", &Settings::split_seed},
      {"model", "layers", &Settings::layers},
      {"model", "activation", &Settings::activation},
      {"training", "optimizer", &Settings::optimizer},
      {"training", "update_form", &Settings::update_form},
      {"training", "lr", &Settings::lr},
      {"training", "batch_size", &Settings::batch_size},
      {"training", "epochs", &Settings::epochs},
      {"training", "seed", &Settings::seed},
      {"training", "early_stopping", &Settings::early_stopping},
      {"training", "validation_fraction", &Settings::validation_fraction},
      {"training", "monitor", &Settings::monitor},
      {"training", "patience", &Settings::patience},
      {"training", "min_delta", &Settings::min_delta},
      {"training", "restore_best_weights", &Settings::restore_best_weights},
      {"finder", "schedule", &Settings::schedule},
      {"finder", "points", &Settings::finder_points},
      {"finder", "start", &Settings::finder_start},
      {"finder", "end", &Settings::finder_end},
      {"finder", "rule", &Settings::rule},
      {"run", "repeats", &Settings::repeats},
      {"run", "pick", &Settings::pick},
      {"tune", "candidates", &Settings::candidates},
      {"tune", "max_epochs", &Settings::max_epochs},
      {"tune", "first_rung_epochs", &Settings::first_rung_epochs},
      {"tune", "lr_low", &Settings::lr_low},
      {"tune", "lr_high", &Settings::lr_high},
      {"tune", "refit", &Settings::refit},
      {"output", "out", &Settings::out},
      {"output", "quiet", &Settings::quiet},
      {"output", "json", &Settings::json},
      {"output", "threads", &Settings::threads},
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

template <typename T>
void require(bool ok, const std::string& flag, const std::string& condition, const T& value) {
  if (!ok) fail(fmt::format("{} must be {}, got {}", flag, condition, value));
}

bool one_of(const std::string& value, std::initializer_list<const char*> choices) {
  for (const char* c : choices)
    if (value == c) return true;
  return false;
}

std::string where(const toml::source_region& region) {
  return fmt::format("{}:{}:{}", region.path ? *region.path : std::string("<config>"), region.begin.line,
                     region.begin.column);
}

}  // namespace

void validate(const Settings& s, const std::string& command) {
  const bool needs_target = command == "find" || command == "train" || command == "run" || command == "tune";
  if (needs_target && s.target.empty()) fail("--target is required (the column to predict, e.g. --target quality)");
  if (needs_target && s.positive.empty())
    fail("--positive is required: a rule that makes the target binary, e.g. --positive '>=6' or --positive white");
  require(one_of(s.na, {"drop", "mean", "median", "most-frequent"}), "--na", "one of drop, mean, median, most-frequent",
          s.na);
  require(s.delimiter.empty() || s.delimiter == "," || s.delimiter == ";" || s.delimiter == "\\t" || s.delimiter == "\t",
          "--delimiter", "one of ',', ';', '\\t'", fmt::format("'{}'", s.delimiter));
  require(s.test_size > 0.0 && s.test_size < 1.0, "--test-size", "in (0, 1)", s.test_size);
  require(!s.layers.empty(), "--layers", "a comma-separated list of layer widths", "nothing");
  for (int width : s.layers) require(width >= 1, "--layers", "widths >= 1", width);
  try {
    (void)activation_from_name(s.activation);
  } catch (const std::exception& e) {
    fail(fmt::format("--activation: {}", e.what()));
  }
  {
    const auto names = optimizer_names();
    bool known = false;
    for (const auto& n : names) known = known || n == s.optimizer;
    if (!known) fail(fmt::format("--optimizer must be one of {}, got '{}'", fmt::join(names, ", "), s.optimizer));
  }
  require(one_of(s.update_form, {"keras", "pytorch"}), "--update-form", "keras or pytorch", s.update_form);
  if (s.lr != "auto") {
    double value = 0.0;
    std::istringstream in(s.lr);
    in >> value;
    if (!in || !in.eof()) fail(fmt::format("--lr must be a number or 'auto', got '{}'", s.lr));
    require(value > 0.0 && std::isfinite(value), "--lr", "> 0", s.lr);
  }
  require(s.batch_size >= 1, "--batch-size", ">= 1", s.batch_size);
  require(s.epochs >= 1, "--epochs", ">= 1", s.epochs);
  require(s.validation_fraction > 0.0 && s.validation_fraction < 1.0, "--validation-fraction", "in (0, 1)",
          s.validation_fraction);
  require(!s.monitor.empty(), "--monitor", "a logged value such as val_loss", "nothing");
  require(s.patience >= 0, "--patience", ">= 0", s.patience);
  require(s.min_delta >= 0.0, "--min-delta", ">= 0", s.min_delta);
  require(one_of(s.schedule, {"epoch", "step"}), "--schedule", "epoch or step", s.schedule);
  require(s.finder_points >= 5, "--finder-points", ">= 5", s.finder_points);
  require(s.finder_start >= 0.0, "--finder-start", "> 0 (or 0 for the schedule's default)", s.finder_start);
  require(s.finder_end > s.effective_finder_start(), "--finder-end", "> --finder-start", s.finder_end);
  if (!s.rule.empty()) {
    try {
      (void)parse_rule(s.rule);
    } catch (const std::exception& e) {
      fail(fmt::format("--rule: {}", e.what()));
    }
  }
  require(s.repeats >= 1, "--repeats", ">= 1", s.repeats);
  require(one_of(s.pick, {"tuner", "finder"}), "--pick", "tuner or finder", s.pick);
  require(s.candidates >= 2, "--candidates", ">= 2", s.candidates);
  require(s.first_rung_epochs >= 1, "--first-rung-epochs", ">= 1", s.first_rung_epochs);
  require(s.max_epochs >= 1, "--max-epochs", ">= 1", s.max_epochs);
  require(s.max_epochs >= s.first_rung_epochs, "--max-epochs", fmt::format(">= --first-rung-epochs ({})", s.first_rung_epochs),
          s.max_epochs);
  require(s.lr_low >= 0.0 && std::isfinite(s.lr_low), "--lr-low", "> 0", s.lr_low);
  require(s.lr_high >= 0.0 && std::isfinite(s.lr_high), "--lr-high", "> 0", s.lr_high);
  if ((s.lr_low > 0.0) != (s.lr_high > 0.0))
    fail("--lr-low and --lr-high go together (or --lr-range LOW HIGH); give both or neither");
  if (s.lr_low > 0.0 && s.lr_low >= s.lr_high)
    fail(fmt::format("--lr-low must be < --lr-high, got {} >= {}", s.lr_low, s.lr_high));
  const bool searches = command == "tune" || (command == "run" && s.pick == "tuner");
  if (searches) require(s.patience >= 1, "--patience", ">= 1 for the search's early stopping", s.patience);
  require(s.threads >= 0, "--threads", ">= 0", s.threads);
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

void apply_toml_table(Settings& s, const toml::table& root) {
  for (auto&& [section_key, section_node] : root) {
    const toml::table* section = section_node.as_table();
    if (!section) fail(fmt::format("{}: '{}' must be a table such as [data]", where(section_node.source()), section_key.str()));
    for (auto&& [key, key_node] : *section) {
      const toml::node& node = key_node;  // a plain reference: clang 14 cannot capture structured bindings
      const Field* field = nullptr;
      for (const Field& f : fields())
        if (section_key.str() == f.section && key.str() == f.key) field = &f;
      if (!field) fail(fmt::format("{}: unknown setting [{}] {}", where(node.source()), section_key.str(), key.str()));
      const std::string place = fmt::format("{}: [{}] {} ({})", where(node.source()), field->section, field->key, flag_of(*field));
      std::visit(
          [&](auto member) {
            auto& value = s.*member;
            using V = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<V, std::string>) {
              auto v = node.template value<std::string>();
              if (!v) fail(place + " must be a string");
              value = *v;
            } else if constexpr (std::is_same_v<V, bool>) {
              auto v = node.template value<bool>();
              if (!v) fail(place + " must be true or false");
              value = *v;
            } else if constexpr (std::is_same_v<V, double>) {
              auto v = node.template value<double>();
              if (!v) fail(place + " must be a number");
              value = *v;
            } else if constexpr (std::is_integral_v<V>) {
              auto v = node.template value<std::int64_t>();
              if (!v || *v < 0) fail(place + " must be a non-negative integer");
              if (static_cast<std::uint64_t>(*v) > static_cast<std::uint64_t>(std::numeric_limits<V>::max()))
                fail(fmt::format("{} must be at most {}", place, std::numeric_limits<V>::max()));
              value = static_cast<V>(*v);
            } else {
              const toml::array* array = node.as_array();
              if (!array) fail(place + " must be an array");
              value.clear();
              for (const toml::node& item : *array) {
                using Item = typename V::value_type;
                auto v = item.template value<Item>();
                if (!v) fail(place + " has an item of the wrong type");
                value.push_back(*v);
              }
            }
          },
          field->member);
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
  // (toml.hpp): the same text with every non-ASCII byte made 'x' must parse first. Only a
  // well-formed document reaches toml++ with its non-ASCII characters.
  std::string ascii(text);
  for (std::size_t i = ascii.starts_with("\xEF\xBB\xBF") ? 3 : 0; i < ascii.size(); ++i)
    if (static_cast<unsigned char>(ascii[i]) >= 0x80) ascii[i] = 'x';
  if (ascii != text) (void)parse(ascii);
  apply_toml_table(s, parse(text));
}

}  // namespace lrtune::cli
