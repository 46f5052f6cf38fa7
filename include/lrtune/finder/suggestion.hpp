// One learning-rate suggestion read off a range-test curve, and the names of the rules.
// The rules themselves live in fastai_rules.hpp and stable_minimum.hpp; this file only
// holds the value they return and its JSON form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Every rule lrtune knows. Names as fastai spells them, plus the recipe's own rule.
enum class SuggestionRule { minimum, steep, valley, slide, stable_minimum };

// "minimum", "steep", "valley", "slide", "stable-minimum".
std::string_view rule_name(SuggestionRule rule);
// Inverse of rule_name; throws UsageError naming the valid names.
SuggestionRule rule_from_name(std::string_view name);
// All rules in a fixed order (the order of suggest_all's result).
const std::vector<SuggestionRule>& all_rules();

// The answer of one rule. When found is false there is no number: learning_rate is NaN,
// index is -1, and explanation says why (curve too short, flat, never decreasing...).
struct Suggestion {
  std::string name;  // rule_name() of the rule that made it
  bool found = false;
  double learning_rate = 0.0;  // the suggested rate (may differ from the curve's lr at index, e.g. minimum's lr/10)
  std::int64_t index = -1;     // the curve point the rule read, in the caller's (untrimmed) indexing
  double loss = 0.0;           // the loss the rule read at that point (for marking it on a chart)
  // The rate lies below the curve's first (lowest swept) rate, e.g. minimum's lr/10 near the
  // start: nothing at that rate was measured. The explanation says so too.
  bool below_range = false;
  std::string explanation;  // one line, with the numbers behind the answer

  // Value equality in which NaN equals NaN (a not-found suggestion equals its copy).
  bool operator==(const Suggestion&) const;
};

void to_json(nlohmann::json& j, const Suggestion& s);
void from_json(const nlohmann::json& j, Suggestion& s);

}  // namespace lrtune
