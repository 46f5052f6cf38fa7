// Every rule on one curve and the choice of the default rule.
#include "lrtune/finder/suggest_all.hpp"

#include <stdexcept>
#include <string>

#include "lrtune/finder/fastai_rules.hpp"
#include "lrtune/finder/stable_minimum.hpp"

namespace lrtune {

const Suggestion* SuggestionSet::find(std::string_view name) const {
  for (const auto& s : suggestions)
    if (s.name == name) return &s;
  return nullptr;
}

const Suggestion& SuggestionSet::default_suggestion() const {
  if (const auto* s = find(default_rule)) return *s;
  throw std::logic_error("suggestion set has no suggestion of its default rule '" + default_rule + "'");
}

void to_json(nlohmann::json& j, const SuggestionSet& s) {
  j = nlohmann::json{{"default_rule", s.default_rule}, {"suggestions", s.suggestions}};
}

void from_json(const nlohmann::json& j, SuggestionSet& s) {
  s.default_rule = j.at("default_rule").get<std::string>();
  s.suggestions = j.at("suggestions").get<std::vector<Suggestion>>();
}

SuggestionRule default_rule_for(CurveMode mode) {
  // Chosen by validation loss (docs/finder-study.md: six data sets, 3 seeds, early-stopped
  // trainings at each suggestion scored against a 13-rate grid): per step fastai's valley
  // (median excess +0.8 %, beat 1e-3 in 13 of 18 paired runs); per epoch the minimum's rate / 10
  // (+1.8 %, 11 of 18), ahead of valley (+2.6 %) and stable-minimum (+2.4 %, and no answer in 9 of 18 runs).
  return mode == CurveMode::per_step ? SuggestionRule::valley : SuggestionRule::minimum;
}

Suggestion suggest(SuggestionRule rule, std::span<const double> lrs, std::span<const double> losses,
                   const SuggestOptions& options) {
  switch (rule) {
    case SuggestionRule::minimum: return suggest_minimum(lrs, losses, options);
    case SuggestionRule::steep: return suggest_steep(lrs, losses, options);
    case SuggestionRule::valley: return suggest_valley(lrs, losses, options);
    case SuggestionRule::slide: return suggest_slide(lrs, losses, options);
    case SuggestionRule::stable_minimum: return suggest_stable_minimum(lrs, losses, options);
  }
  throw std::logic_error("unknown SuggestionRule");
}

SuggestionSet suggest_all(std::span<const double> lrs, std::span<const double> losses, CurveMode mode,
                          const SuggestOptions& options) {
  options.validate();
  SuggestionSet set;
  set.default_rule = std::string(rule_name(options.default_rule.value_or(default_rule_for(mode))));
  for (auto rule : all_rules()) set.suggestions.push_back(suggest(rule, lrs, losses, options));
  return set;
}

}  // namespace lrtune
