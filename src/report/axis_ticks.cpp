// Log-axis ticks thinned until their labels clear each other (see axis_ticks.hpp).
#include "lrtune/report/axis_ticks.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lrtune/report/label_layout.hpp"

namespace lrtune {

double log_axis_pixel(double value, double lo, double hi, double pixels) {
  return (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) * pixels;
}

namespace {

// The candidates m * 10^e in [lo, hi] for the multipliers given, in increasing order; `every`
// keeps only the decades whose exponent is a multiple of it.
std::vector<AxisTick> candidates(double lo, double hi, const std::vector<double>& multipliers, int every) {
  std::vector<AxisTick> ticks;
  const int first = static_cast<int>(std::floor(std::log10(lo))) - 1;
  const int last = static_cast<int>(std::ceil(std::log10(hi))) + 1;
  for (int e = first; e <= last; ++e) {
    if (((e % every) + every) % every != 0) continue;
    for (const double m : multipliers) {
      // Parsing the text back gives the exact double gnuplot will read (no 3.0000000000000004e-05).
      const std::string label = fmt::format("{:g}", m * std::pow(10.0, e));
      const double value = std::stod(label);
      if (value >= lo * (1 - 1e-12) && value <= hi * (1 + 1e-12)) ticks.push_back({value, label});
    }
  }
  return ticks;
}

bool labels_clear(const std::vector<AxisTick>& ticks, double lo, double hi, double pixels, double gap) {
  for (std::size_t i = 0; i + 1 < ticks.size(); ++i) {
    const double a = log_axis_pixel(ticks[i].value, lo, hi, pixels);
    const double b = log_axis_pixel(ticks[i + 1].value, lo, hi, pixels);
    // Labels are centred under their ticks: half of each width lies between the two.
    const double room = label_text_size(ticks[i].label).width / 2 + label_text_size(ticks[i + 1].label).width / 2 + gap;
    if (b - a < room) return false;
  }
  return true;
}

}  // namespace

std::vector<AxisTick> log_axis_ticks(double lo, double hi, double pixels, double gap) {
  if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi) || !(pixels > 0)) return {};
  // Richest first: 1-2-5 per decade, then decades, then every 2nd, 3rd, ... decade.
  std::vector<AxisTick> rich = candidates(lo, hi, {1, 2, 5}, 1);
  const std::vector<AxisTick> decades = candidates(lo, hi, {1}, 1);
  if (decades.size() < 3 && labels_clear(rich, lo, hi, pixels, gap)) return rich;
  for (int every = 1; every <= 20; ++every) {
    std::vector<AxisTick> ticks = candidates(lo, hi, {1}, every);
    if (ticks.empty()) break;
    if (labels_clear(ticks, lo, hi, pixels, gap)) return ticks;
  }
  // Not even a decade fits: the one nearest the middle, or a 2 or 5 multiple when no decade shows.
  const std::vector<AxisTick>& pool = decades.empty() ? rich : decades;
  if (pool.empty()) return {};
  return {pool[pool.size() / 2]};
}

}  // namespace lrtune
