// A range test repeated with different seeds, run concurrently (one worker thread per
// core), summarised as a median suggestion with its spread per rule and a mean curve
// with a band. How one run trains is the factory's business; this file only schedules
// runs and does the statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/range_test.hpp"

namespace lrtune {

// Makes the step function of one run from its seed: a fresh model, data order, etc.
// Called from worker threads, at most once per run, possibly concurrently: it must be
// safe to call from several threads, and the StepFn it returns is used by one thread.
using StepFnFactory = std::function<StepFn(std::uint64_t seed)>;

struct RepeatOptions {
  std::size_t runs = 5;
  std::uint64_t first_seed = 0;  // run i uses seed first_seed + i
  // Worker threads; 0 = std::thread::hardware_concurrency() (at least 1). Always capped by runs.
  std::size_t workers = 0;
  // The same for every run. cancel and the callbacks are shared: with several workers, the
  // callbacks are called from worker threads, concurrently (each run has its own context).
  RangeTestOptions test{};

  void validate() const;  // throws UsageError naming the option, value and range
};

// One rule's suggestions over the runs that found one, summarised in log space.
struct RuleSpread {
  std::string name;
  std::size_t found = 0;  // runs with an answer
  std::size_t runs = 0;   // runs in total
  double median = 0.0;    // exp(median of ln lr) (NaN when found == 0)
  double min = 0.0, max = 0.0;
  double q1 = 0.0, q3 = 0.0;                 // exp of the 25th/75th percentiles of ln lr (numpy's linear method)
  double iqr_decades = 0.0;                  // log10(q3 / q1)
  double geometric_std = 0.0;                // exp(sample std of ln lr); 1 = no spread; NaN when found < 2
  std::vector<double> values;                // the found rates, in run order
  bool operator==(const RuleSpread&) const;  // NaN equals NaN
};

// The loss the rules read (smoothed_losses) at each point index over the runs that reached it.
struct MeanCurve {
  std::vector<double> learning_rates;       // (m,) m = the longest run's length
  std::vector<double> mean;                 // (m,)
  std::vector<double> std;                  // (m,) sample std (n-1); 0 where one run reached the point
  std::vector<std::size_t> count;           // (m,) runs with a finite loss at that point
  bool operator==(const MeanCurve&) const;  // NaN equals NaN
};

struct RepeatedRangeTest {
  std::vector<std::uint64_t> seeds;  // (runs,)
  std::vector<RangeTestCurve> runs;  // (runs,) in seed order, whatever the worker count
  std::vector<RuleSpread> spreads;   // one per rule, all_rules() order
  std::string default_rule;          // the reported suggestion is this rule's median
  MeanCurve mean_curve;
  double total_seconds = 0.0;

  const RuleSpread* find(std::string_view name) const;
  const RuleSpread& default_spread() const;  // throws std::logic_error if absent
};

void to_json(nlohmann::json& j, const RuleSpread& s);
void from_json(const nlohmann::json& j, RuleSpread& s);
void to_json(nlohmann::json& j, const MeanCurve& c);
void from_json(const nlohmann::json& j, MeanCurve& c);
void to_json(nlohmann::json& j, const RepeatedRangeTest& r);
void from_json(const nlohmann::json& j, RepeatedRangeTest& r);

// Summary statistics on their own (pure; used by run_repeated_range_test).
RuleSpread summarize_rule(std::string name, const std::vector<Suggestion>& per_run);
MeanCurve mean_curve(const std::vector<RangeTestCurve>& runs);

// Runs options.runs range tests, run i with factory(first_seed + i), on up to
// options.workers threads. Each run's curve depends only on its seed, so the result does
// not depend on the worker count (timings aside). If runs throw, the exception of the
// lowest-numbered failing run is rethrown after all workers have finished.
RepeatedRangeTest run_repeated_range_test(const StepFnFactory& factory, const RepeatOptions& options = {});

}  // namespace lrtune
