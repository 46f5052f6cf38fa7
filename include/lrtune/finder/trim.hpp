// Which part of a range-test curve the suggestion rules may read: fastai's trim (drop
// the first planned/10 points and the last 5) after cutting the curve at its first
// non-finite loss. Every rule reads the same window; the rules themselves live elsewhere.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "lrtune/core/error.hpp"

namespace lrtune {

struct TrimOptions {
  // Points dropped at the start: floor(skip_start_fraction * planned points). fastai
  // drops num_it // 10 (planned, not recorded, points: a test that stopped early still
  // loses its first tenth).
  double skip_start_fraction = 0.1;
  // Points dropped at the end of the finite part: fastai, pytorch-lr-finder: 5.
  std::size_t skip_end = 5;
  // The number of points the schedule planned; 0 means the curve's own length.
  std::size_t planned_points = 0;

  // Throws UsageError naming the option, its value and the valid range.
  void validate() const;
};

// The window [begin, end) of the caller's curve that the rules read. When it is empty
// (end <= begin), `problem` says why, with the numbers.
struct TrimmedCurve {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t first_non_finite = 0;  // index of the first non-finite loss, or losses.size()
  std::string problem;
  std::size_t size() const { return end > begin ? end - begin : 0; }
};

// 1. Cut at the first non-finite loss (NaN or +-inf): it and everything after it go.
// 2. From what is left, drop floor(skip_start_fraction * planned) points at the start
//    and skip_end at the end.
// Throws UsageError when lrs and losses differ in length, or when a
// learning rate is not finite and positive, or the rates are not strictly increasing.
TrimmedCurve trim_curve(std::span<const double> learning_rates, std::span<const double> losses,
                        const TrimOptions& options = {});

}  // namespace lrtune
