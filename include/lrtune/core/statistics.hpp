// The mean and the sample standard deviation, written once: the search's scores, the repeated
// range tests, the comparison tables and the report all summarise repeats the same way.
#pragma once

#include <span>

namespace lrtune {

struct MeanStd {
  double mean = 0.0;
  double std = 0.0;  // sample standard deviation (n - 1); 0 for a single value
};

// Summed in order, so the same values always give the same bits. Empty input: NaN mean and std.
double mean_of(std::span<const double> values);
double sample_std(std::span<const double> values);
MeanStd mean_and_std(std::span<const double> values);

}  // namespace lrtune
