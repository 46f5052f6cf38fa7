// Every suggestion rule on one curve, plus which one is the default. The rules are in
// fastai_rules.hpp and stable_minimum.hpp; the defaults were chosen by the validation-scored
// study in docs/finder-study.md (examples/study_finder.cpp), not here.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/finder/curve_mode.hpp"
#include "lrtune/finder/suggest_options.hpp"
#include "lrtune/finder/suggestion.hpp"

namespace lrtune {

struct SuggestionSet {
  std::vector<Suggestion> suggestions;  // one per rule, in all_rules() order
  std::string default_rule;             // rule_name() of the default

  // The suggestion of a rule, or nullptr when the set has none of that name.
  const Suggestion* find(std::string_view name) const;
  // The default rule's suggestion (found may be false); throws std::logic_error if absent.
  const Suggestion& default_suggestion() const;

  bool operator==(const SuggestionSet&) const = default;
};

void to_json(nlohmann::json& j, const SuggestionSet& s);
void from_json(const nlohmann::json& j, SuggestionSet& s);

// The rule suggest_all marks as default when options.default_rule is unset.
SuggestionRule default_rule_for(CurveMode mode);

// One rule by its enum.
Suggestion suggest(SuggestionRule rule, std::span<const double> learning_rates, std::span<const double> losses,
                   const SuggestOptions& options = {});

// Every rule on the same trimmed window. options are validated first.
SuggestionSet suggest_all(std::span<const double> learning_rates, std::span<const double> losses, CurveMode mode,
                          const SuggestOptions& options = {});

}  // namespace lrtune
