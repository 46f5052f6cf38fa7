// Rule names and the JSON form of a Suggestion.
#include "lrtune/finder/suggestion.hpp"

#include <stdexcept>

#include "json_numbers.hpp"

namespace lrtune {

std::string_view rule_name(SuggestionRule rule) {
  switch (rule) {
    case SuggestionRule::minimum: return "minimum";
    case SuggestionRule::steep: return "steep";
    case SuggestionRule::valley: return "valley";
    case SuggestionRule::slide: return "slide";
    case SuggestionRule::stable_minimum: return "stable-minimum";
  }
  throw std::logic_error("unknown SuggestionRule");
}

const std::vector<SuggestionRule>& all_rules() {
  static const std::vector<SuggestionRule> rules = {SuggestionRule::minimum, SuggestionRule::steep,
                                                    SuggestionRule::valley, SuggestionRule::slide,
                                                    SuggestionRule::stable_minimum};
  return rules;
}

SuggestionRule parse_rule(std::string_view name) {
  for (auto rule : all_rules())
    if (rule_name(rule) == name) return rule;
  throw std::invalid_argument("unknown suggestion rule '" + std::string(name) +
                              "' (valid: minimum, steep, valley, slide, stable-minimum)");
}

bool Suggestion::operator==(const Suggestion& o) const {
  return name == o.name && found == o.found && detail::same_number(learning_rate, o.learning_rate) &&
         index == o.index && detail::same_number(loss, o.loss) && below_range == o.below_range &&
         explanation == o.explanation;
}

void to_json(nlohmann::json& j, const Suggestion& s) {
  j = nlohmann::json{{"name", s.name},
                     {"found", s.found},
                     {"learning_rate", detail::number_to_json(s.learning_rate)},
                     {"index", s.index},
                     {"loss", detail::number_to_json(s.loss)},
                     {"below_range", s.below_range},
                     {"explanation", s.explanation}};
}

void from_json(const nlohmann::json& j, Suggestion& s) {
  s.name = j.at("name").get<std::string>();
  s.found = j.at("found").get<bool>();
  s.learning_rate = detail::number_from_json(j.at("learning_rate"));
  s.index = j.at("index").get<std::int64_t>();
  s.loss = detail::number_from_json(j.at("loss"));
  s.below_range = j.value("below_range", false);  // absent in files written before the field existed
  s.explanation = j.at("explanation").get<std::string>();
}

}  // namespace lrtune
