// Text for people: aligned tables and a small text chart of loss against learning rate
// with the chosen suggestion marked. Pure functions returning strings; printing is the caller's.
#pragma once

#include <string>
#include <vector>

#include "lrtune/finder/curve.hpp"

namespace lrtune::cli {

// Columns padded to their widest cell; the first row is the header, underlined.
std::string table(const std::vector<std::vector<std::string>>& rows);

// A width x height plot of the smoothed loss against log10(lr); the point at `marked_index`
// (-1: none) drawn as 'X' with a vertical '|' through it.
std::string loss_chart(const RangeTestCurve& curve, std::int64_t marked_index, int width = 64, int height = 14);

// The suggestions as a table: method, learning rate, explanation; the default marked with '*'.
std::string suggestion_table(const RangeTestCurve& curve, const std::string& chosen_rule);

}  // namespace lrtune::cli
