// JSON form of a range-test curve, and its suggestions.
#include "lrtune/finder/curve.hpp"

#include <span>

#include <fmt/format.h>

#include "json_numbers.hpp"

namespace lrtune {

bool RangeTestCurve::operator==(const RangeTestCurve& o) const {
  if (metrics.size() != o.metrics.size()) return false;
  for (const auto& [name, values] : metrics) {
    const auto it = o.metrics.find(name);
    if (it == o.metrics.end() || !detail::same_numbers(values, it->second)) return false;
  }
  return mode == o.mode && planned_points == o.planned_points &&
         detail::same_numbers(learning_rates, o.learning_rates) && detail::same_numbers(losses, o.losses) &&
         detail::same_numbers(smoothed_losses, o.smoothed_losses) &&
         detail::same_numbers(validation_losses, o.validation_losses) && smoothing_beta == o.smoothing_beta &&
         divergence == o.divergence && stop_reason == o.stop_reason && stop_index == o.stop_index &&
         collapse_index == o.collapse_index && collapse_reason == o.collapse_reason &&
         detail::same_numbers(step_seconds, o.step_seconds) && detail::same_number(total_seconds, o.total_seconds) &&
         suggestions == o.suggestions;
}

void to_json(nlohmann::json& j, const RangeTestCurve& c) {
  auto metrics = nlohmann::json::object();
  for (const auto& [name, values] : c.metrics) metrics[name] = detail::numbers_to_json(values);
  j = nlohmann::json{{"mode", curve_mode_name(c.mode)},
                     {"planned_points", c.planned_points},
                     {"learning_rates", detail::numbers_to_json(c.learning_rates)},
                     {"losses", detail::numbers_to_json(c.losses)},
                     {"smoothed_losses", detail::numbers_to_json(c.smoothed_losses)},
                     {"validation_losses", detail::numbers_to_json(c.validation_losses)},
                     {"metrics", metrics},
                     {"smoothing_beta", c.smoothing_beta},
                     {"divergence", c.divergence},
                     {"stop_reason", stop_reason_name(c.stop_reason)},
                     {"stop_index", c.stop_index},
                     {"collapse_index", c.collapse_index},
                     {"collapse_reason", c.collapse_reason},
                     {"step_seconds", detail::numbers_to_json(c.step_seconds)},
                     {"total_seconds", c.total_seconds},
                     {"suggestions", c.suggestions}};
}

void from_json(const nlohmann::json& j, RangeTestCurve& c) {
  c.mode = curve_mode_from_name(j.at("mode").get<std::string>());
  c.planned_points = j.at("planned_points").get<std::size_t>();
  c.learning_rates = detail::numbers_from_json(j.at("learning_rates"));
  c.losses = detail::numbers_from_json(j.at("losses"));
  c.smoothed_losses = detail::numbers_from_json(j.at("smoothed_losses"));
  c.validation_losses = detail::numbers_from_json(j.at("validation_losses"));
  c.metrics.clear();
  for (const auto& [name, values] : j.at("metrics").items()) c.metrics[name] = detail::numbers_from_json(values);
  c.smoothing_beta = j.at("smoothing_beta").get<double>();
  c.divergence = j.at("divergence").get<DivergenceRule>();
  c.stop_reason = range_test_stop_from_name(j.at("stop_reason").get<std::string>());
  c.stop_index = j.at("stop_index").get<std::int64_t>();
  // Absent in files written before the collapse detector: no collapse recorded.
  c.collapse_index = j.value("collapse_index", std::int64_t{-1});
  c.collapse_reason = j.value("collapse_reason", std::string{});
  c.step_seconds = detail::numbers_from_json(j.at("step_seconds"));
  c.total_seconds = j.at("total_seconds").get<double>();
  c.suggestions = j.at("suggestions").get<SuggestionSet>();
}

Collapse detect_collapse(const RangeTestCurve& curve, const CollapseOptions& options) {
  options.validate();
  if (curve.mode != CurveMode::per_epoch) return {};
  const auto accuracy = curve.metrics.find("accuracy");
  return detect_collapse(curve.learning_rates, curve.smoothed_losses, curve.validation_losses,
                         accuracy == curve.metrics.end() ? std::span<const double>{} : accuracy->second, options);
}

SuggestionSet suggest_all(const RangeTestCurve& curve, const SuggestOptions& options) {
  options.validate();
  SuggestOptions o = options;
  if (o.trim.planned_points == 0) o.trim.planned_points = curve.planned_points;
  const Collapse collapse = detect_collapse(curve, o.collapse);
  if (!collapse.found()) return suggest_all(curve.learning_rates, curve.smoothed_losses, curve.mode, o);

  // The rules read the points before the collapse, in the curve's own indexing.
  const auto cut = static_cast<std::size_t>(collapse.index);
  SuggestionSet set = suggest_all(std::span(curve.learning_rates).first(cut),
                                  std::span(curve.smoothed_losses).first(cut), curve.mode, o);
  for (Suggestion& s : set.suggestions)
    if (!s.found)
      s.explanation += fmt::format(" (the curve was cut at point {}, lr {:.3g}, where it collapsed)", cut,
                                   curve.learning_rates[cut]);
  return set;
}

}  // namespace lrtune
