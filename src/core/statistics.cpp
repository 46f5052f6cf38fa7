// The mean and sample standard deviation (see lrtune/core/statistics.hpp).
#include "lrtune/core/statistics.hpp"

#include <cmath>
#include <limits>

namespace lrtune {

double mean_of(std::span<const double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

MeanStd mean_and_std(std::span<const double> values) {
  if (values.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  MeanStd s{mean_of(values), 0.0};
  if (values.size() < 2) return s;
  double ss = 0.0;
  for (const double v : values) ss += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(ss / static_cast<double>(values.size() - 1));
  return s;
}

double sample_std(std::span<const double> values) { return mean_and_std(values).std; }

}  // namespace lrtune
