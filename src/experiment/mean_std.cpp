// Mean and sample standard deviation (mean_std.hpp).
#include "lrtune/experiment/mean_std.hpp"

#include <cmath>

namespace lrtune {

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd s;
  for (double v : values) s.mean += v;
  s.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    for (double v : values) s.std += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(s.std / static_cast<double>(values.size() - 1));
  }
  return s;
}

}  // namespace lrtune
