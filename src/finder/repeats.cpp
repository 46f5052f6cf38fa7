// Repeated range tests on worker threads, and their summaries: per rule the median
// suggestion with its spread in log space, and the mean curve with a +-std band.
#include "lrtune/finder/repeats.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "json_numbers.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/parallel.hpp"
#include "lrtune/core/statistics.hpp"

namespace lrtune {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// numpy.percentile(sorted, 100 q) with the default 'linear' method.
double quantile_sorted(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

bool RuleSpread::operator==(const RuleSpread& o) const {
  using detail::same_number;
  return name == o.name && found == o.found && runs == o.runs && same_number(median, o.median) &&
         same_number(min, o.min) && same_number(max, o.max) && same_number(q1, o.q1) && same_number(q3, o.q3) &&
         same_number(iqr_decades, o.iqr_decades) && same_number(geometric_std, o.geometric_std) &&
         detail::same_numbers(values, o.values);
}

bool MeanCurve::operator==(const MeanCurve& o) const {
  return detail::same_numbers(learning_rates, o.learning_rates) && detail::same_numbers(mean, o.mean) &&
         detail::same_numbers(std, o.std) && count == o.count;
}

void RepeatOptions::validate() const {
  if (runs < 1) throw UsageError("repeats.runs = 0 must be >= 1");
  test.validate();
}

const RuleSpread* RepeatedRangeTest::find(std::string_view name) const {
  for (const auto& s : spreads)
    if (s.name == name) return &s;
  return nullptr;
}

const RuleSpread& RepeatedRangeTest::default_spread() const {
  if (const auto* s = find(default_rule)) return *s;
  throw std::logic_error("repeated range test has no spread of its default rule '" + default_rule + "'");
}

RuleSpread summarize_rule(std::string name, const std::vector<Suggestion>& per_run) {
  RuleSpread s;
  s.name = std::move(name);
  s.runs = per_run.size();
  std::vector<double> logs;
  for (const auto& sug : per_run)
    if (sug.found && std::isfinite(sug.learning_rate) && sug.learning_rate > 0.0) {
      s.values.push_back(sug.learning_rate);
      logs.push_back(std::log(sug.learning_rate));
    }
  s.found = s.values.size();
  if (logs.empty()) {
    s.median = s.min = s.max = s.q1 = s.q3 = s.iqr_decades = s.geometric_std = kNaN;
    return s;
  }
  std::sort(logs.begin(), logs.end());
  s.median = std::exp(quantile_sorted(logs, 0.5));
  s.q1 = std::exp(quantile_sorted(logs, 0.25));
  s.q3 = std::exp(quantile_sorted(logs, 0.75));
  s.min = *std::min_element(s.values.begin(), s.values.end());
  s.max = *std::max_element(s.values.begin(), s.values.end());
  s.iqr_decades = (quantile_sorted(logs, 0.75) - quantile_sorted(logs, 0.25)) / std::log(10.0);
  if (logs.size() < 2) {
    s.geometric_std = kNaN;
  } else {
    s.geometric_std = std::exp(sample_std(logs));
  }
  return s;
}

MeanCurve mean_curve(const std::vector<RangeTestCurve>& runs) {
  MeanCurve c;
  const RangeTestCurve* longest = nullptr;
  for (const auto& r : runs)
    if (longest == nullptr || r.size() > longest->size()) longest = &r;
  if (longest == nullptr) return c;
  const std::size_t m = longest->size();
  c.learning_rates = longest->learning_rates;
  c.mean.assign(m, kNaN);
  c.std.assign(m, kNaN);
  c.count.assign(m, 0);
  std::vector<double> finite;
  for (std::size_t i = 0; i < m; ++i) {
    finite.clear();
    for (const auto& r : runs) {
      if (i >= r.size()) continue;
      const double tol = 1e-12 * std::abs(c.learning_rates[i]);
      if (std::abs(r.learning_rates[i] - c.learning_rates[i]) > tol)
        throw UsageError(fmt::format("runs visited different learning rates at point {}: {} and {}", i,
                                     r.learning_rates[i], c.learning_rates[i]));
      if (std::isfinite(r.smoothed_losses[i])) finite.push_back(r.smoothed_losses[i]);
    }
    c.count[i] = finite.size();
    if (finite.empty()) continue;
    const MeanStd s = mean_and_std(finite);
    c.mean[i] = s.mean;
    c.std[i] = s.std;
  }
  return c;
}

RepeatedRangeTest run_repeated_range_test(const StepFnFactory& factory, const RepeatOptions& options) {
  options.validate();
  if (!factory) throw UsageError("run_repeated_range_test: the step-function factory is empty");
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = options.runs;
  RepeatedRangeTest result;
  for (std::size_t i = 0; i < n; ++i) result.seeds.push_back(options.first_seed + i);
  result.runs.resize(n);
  parallel_for(n, options.workers, [&](std::size_t i) {
    const StepFn step = factory(result.seeds[i]);
    result.runs[i] = run_range_test(step, options.test);
  });

  result.default_rule =
      std::string(rule_name(options.test.suggest.default_rule.value_or(default_rule_for(options.test.mode))));
  for (auto rule : all_rules()) {
    const std::string name(rule_name(rule));
    std::vector<Suggestion> per_run;
    for (const auto& r : result.runs)
      if (const auto* s = r.suggestions.find(name)) per_run.push_back(*s);
    result.spreads.push_back(summarize_rule(name, per_run));
  }
  result.mean_curve = mean_curve(result.runs);
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

void to_json(nlohmann::json& j, const RuleSpread& s) {
  j = nlohmann::json{{"name", s.name},
                     {"found", s.found},
                     {"runs", s.runs},
                     {"median", detail::number_to_json(s.median)},
                     {"min", detail::number_to_json(s.min)},
                     {"max", detail::number_to_json(s.max)},
                     {"q1", detail::number_to_json(s.q1)},
                     {"q3", detail::number_to_json(s.q3)},
                     {"iqr_decades", detail::number_to_json(s.iqr_decades)},
                     {"geometric_std", detail::number_to_json(s.geometric_std)},
                     {"values", detail::numbers_to_json(s.values)}};
}

void from_json(const nlohmann::json& j, RuleSpread& s) {
  s.name = j.at("name").get<std::string>();
  s.found = j.at("found").get<std::size_t>();
  s.runs = j.at("runs").get<std::size_t>();
  s.median = detail::number_from_json(j.at("median"));
  s.min = detail::number_from_json(j.at("min"));
  s.max = detail::number_from_json(j.at("max"));
  s.q1 = detail::number_from_json(j.at("q1"));
  s.q3 = detail::number_from_json(j.at("q3"));
  s.iqr_decades = detail::number_from_json(j.at("iqr_decades"));
  s.geometric_std = detail::number_from_json(j.at("geometric_std"));
  s.values = detail::numbers_from_json(j.at("values"));
}

void to_json(nlohmann::json& j, const MeanCurve& c) {
  j = nlohmann::json{{"learning_rates", detail::numbers_to_json(c.learning_rates)},
                     {"mean", detail::numbers_to_json(c.mean)},
                     {"std", detail::numbers_to_json(c.std)},
                     {"count", c.count}};
}

void from_json(const nlohmann::json& j, MeanCurve& c) {
  c.learning_rates = detail::numbers_from_json(j.at("learning_rates"));
  c.mean = detail::numbers_from_json(j.at("mean"));
  c.std = detail::numbers_from_json(j.at("std"));
  c.count = j.at("count").get<std::vector<std::size_t>>();
}

void to_json(nlohmann::json& j, const RepeatedRangeTest& r) {
  j = nlohmann::json{{"seeds", r.seeds},           {"runs", r.runs},
                     {"spreads", r.spreads},       {"default_rule", r.default_rule},
                     {"mean_curve", r.mean_curve}, {"total_seconds", r.total_seconds}};
}

void from_json(const nlohmann::json& j, RepeatedRangeTest& r) {
  r.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
  r.runs = j.at("runs").get<std::vector<RangeTestCurve>>();
  r.spreads = j.at("spreads").get<std::vector<RuleSpread>>();
  r.default_rule = j.at("default_rule").get<std::string>();
  r.mean_curve = j.at("mean_curve").get<MeanCurve>();
  r.total_seconds = j.at("total_seconds").get<double>();
}

}  // namespace lrtune
