// Rule names and the JSON form of a Suggestion.
#include "lrtune/finder/suggestion.hpp"

#include <stdexcept>

#include "json_numbers.hpp"
#include "lrtune/core/name_table.hpp"

namespace lrtune {

namespace {
// The names users type after --rule (fastai's, and the recipe's own "stable-minimum").
constexpr NameTable<SuggestionRule, 5> kRules{{{"minimum", SuggestionRule::minimum},
                                               {"steep", SuggestionRule::steep},
                                               {"valley", SuggestionRule::valley},
                                               {"slide", SuggestionRule::slide},
                                               {"stable-minimum", SuggestionRule::stable_minimum}}};
}  // namespace

std::string_view rule_name(SuggestionRule rule) { return name_of_value(kRules, rule, "suggestion rule"); }

const std::vector<SuggestionRule>& all_rules() {
  static const std::vector<SuggestionRule> rules = {SuggestionRule::minimum, SuggestionRule::steep,
                                                    SuggestionRule::valley, SuggestionRule::slide,
                                                    SuggestionRule::stable_minimum};
  return rules;
}

SuggestionRule rule_from_name(std::string_view name) { return value_from_name(kRules, name, "suggestion rule"); }

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
