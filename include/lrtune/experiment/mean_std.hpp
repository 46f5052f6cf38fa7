// The mean and sample standard deviation of a few values (scores over seeds), as the comparison
// reports them. Issue 13 moves one such helper into core; until then this is the experiment's.
#pragma once

#include <vector>

namespace lrtune {

struct MeanStd {
  double mean = 0.0;
  double std = 0.0;  // sample std (n - 1); 0 for one value
};
// NaN mean for no values.
MeanStd mean_std(const std::vector<double>& values);

}  // namespace lrtune
