// Suggestions placed at their own rates on a range-test curve (see suggestion_marks.hpp).
#include "lrtune/report/suggestion_marks.hpp"

#include <cmath>
#include <limits>

namespace lrtune {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The segment [i, i+1] of the sweep holding `rate` and the share t of the way along it in log
// rate; i = -1 when no segment holds it.
struct Segment {
  std::ptrdiff_t i = -1;
  double t = 0;
};

Segment segment_of(std::span<const double> rates, double rate) {
  if (!(rate > 0) || !std::isfinite(rate)) return {};
  for (std::size_t i = 0; i < rates.size(); ++i) {
    if (rates[i] == rate) return {static_cast<std::ptrdiff_t>(i), 0.0};
  }
  for (std::size_t i = 0; i + 1 < rates.size(); ++i) {
    const double a = rates[i], b = rates[i + 1];
    if (!(a > 0) || !(b > 0) || a == b) continue;
    if ((a < rate && rate < b) || (b < rate && rate < a)) {
      return {static_cast<std::ptrdiff_t>(i), (std::log(rate) - std::log(a)) / (std::log(b) - std::log(a))};
    }
  }
  return {};
}

}  // namespace

std::string_view mark_place_text(MarkPlace place) {
  switch (place) {
    case MarkPlace::on_curve: return "on the curve";
    case MarkPlace::below_sweep: return "below the sweep";
    case MarkPlace::above_sweep: return "above the sweep";
    case MarkPlace::unmeasured: return "no finite loss there";
  }
  return "on the curve";
}

std::string_view mark_place_name(MarkPlace place) {
  switch (place) {
    case MarkPlace::on_curve: return "on_curve";
    case MarkPlace::below_sweep: return "below_sweep";
    case MarkPlace::above_sweep: return "above_sweep";
    case MarkPlace::unmeasured: return "unmeasured";
  }
  return "on_curve";
}

double interpolate_at_rate(std::span<const double> rates, std::span<const double> values, double rate) {
  const Segment s = segment_of(rates, rate);
  if (s.i < 0 || static_cast<std::size_t>(s.i) >= values.size()) return kNaN;
  const auto i = static_cast<std::size_t>(s.i);
  if (s.t == 0.0) return values[i];
  if (i + 1 >= values.size()) return kNaN;
  // loss(rate) = v_i + t (v_{i+1} - v_i), t the share of the step in log rate.
  return values[i] + s.t * (values[i + 1] - values[i]);
}

double position_of_rate(std::span<const double> rates, double rate) {
  const Segment s = segment_of(rates, rate);
  return s.i < 0 ? kNaN : static_cast<double>(s.i) + s.t;
}

std::vector<SuggestionMark> suggestion_marks(const RangeTestCurve& curve, std::span<const double> values) {
  double lowest = std::numeric_limits<double>::infinity(), highest = 0;
  for (const double r : curve.learning_rates) {
    if (r > 0 && std::isfinite(r)) {
      lowest = std::min(lowest, r);
      highest = std::max(highest, r);
    }
  }
  std::vector<SuggestionMark> marks;
  for (const Suggestion& s : curve.suggestions.suggestions) {
    if (!s.found || !(s.learning_rate > 0) || !std::isfinite(s.learning_rate)) continue;
    SuggestionMark m;
    m.name = s.name;
    m.learning_rate = s.learning_rate;
    m.chosen = s.name == curve.suggestions.default_rule;
    m.loss = interpolate_at_rate(curve.learning_rates, values, s.learning_rate);
    m.position = position_of_rate(curve.learning_rates, s.learning_rate);
    if (s.learning_rate < lowest) {
      m.place = MarkPlace::below_sweep;
    } else if (s.learning_rate > highest) {
      m.place = MarkPlace::above_sweep;
    } else {
      m.place = std::isfinite(m.loss) ? MarkPlace::on_curve : MarkPlace::unmeasured;
    }
    if (m.place != MarkPlace::on_curve) m.loss = kNaN;
    marks.push_back(std::move(m));
  }
  return marks;
}

}  // namespace lrtune
