// The experiment's range-test step: a fresh model (the comparison's seed) swept by the options'
// schedule, and the rate a rule reads off the curve.
#pragma once

#include <optional>
#include <string>

#include "lrtune/experiment/experiment_options.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/lr_finder.hpp"

namespace lrtune {

// The finder's options from the experiment's: schedule, points, start, end, batch size, seed, rule.
LRFinderOptions finder_options(const ExperimentOptions& options);
// Runs the range test on the training rows; options.callbacks see each point
// (on_range_test_point), options.cancel stops it.
RangeTestCurve run_range_test(const ExperimentData& data, const ExperimentOptions& options);

// The rate of `rule`'s suggestion ("" or a rule the curve lacks: the curve's default rule); sets
// *used to the rule read. nullopt when that rule found no rate.
std::optional<double> suggested_rate(const RangeTestCurve& curve, const std::string& rule, std::string* used = nullptr);

}  // namespace lrtune
