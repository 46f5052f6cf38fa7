// TunerOptions' checks (one line per problem, naming the option, its value and the valid range)
// and the names of candidate statuses. Shapes are checked by the Tuner, which has the data.
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/core/limits.hpp"
#include "lrtune/core/name_table.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

namespace {

[[noreturn]] void fail(const std::string& message) { throw UsageError("tuner: " + message); }

}  // namespace

namespace {
constexpr NameTable<CandidateStatus, 5> kCandidateStatuses{{{"eliminated", CandidateStatus::eliminated},
                                                            {"early_stopped", CandidateStatus::early_stopped},
                                                            {"max_epochs", CandidateStatus::max_epochs},
                                                            {"diverged", CandidateStatus::diverged},
                                                            {"cancelled", CandidateStatus::cancelled}}};
}  // namespace

std::string_view candidate_status_name(CandidateStatus status) {
  return name_of_value(kCandidateStatuses, status, "candidate status");
}

void TunerOptions::validate() const {
  if (candidates < 2) fail(fmt::format("candidates = {} must be >= 2", candidates));
  // The limits of core/limits.hpp, as the command line applies them: each candidate x repeat is a
  // model alive at once, so these bound what a search can allocate before it starts.
  if (candidates > static_cast<std::size_t>(limits::kMaxCandidates))
    fail(fmt::format("candidates = {} must be at most {}", candidates, limits::kMaxCandidates));
  if (repeats > limits::kMaxRepeats) fail(fmt::format("repeats = {} must be at most {}", repeats, limits::kMaxRepeats));
  if (max_epochs > limits::kMaxEpochs)
    fail(fmt::format("max_epochs = {} must be at most {}", max_epochs, limits::kMaxEpochs));
  if (threads > static_cast<std::size_t>(limits::kMaxThreads))
    fail(fmt::format("threads = {} must be at most {}", threads, limits::kMaxThreads));
  if (!(decades_below_minimum >= 1.0) || !std::isfinite(decades_below_minimum)) {
    fail(fmt::format("decades_below_minimum = {} must be a finite number >= 1", decades_below_minimum));
  }
  if (low.has_value() != high.has_value()) {
    fail(fmt::format("low and high are given together or not at all (low {}, high {})",
                     low ? fmt::format("{}", *low) : "unset", high ? fmt::format("{}", *high) : "unset"));
  }
  if (low && !(*low > 0.0 && *high > *low && std::isfinite(*high))) {
    fail(fmt::format("the interval low = {}, high = {} must satisfy 0 < low < high (finite)", *low, *high));
  }
  if (first_rung_epochs < 1) fail(fmt::format("first_rung_epochs = {} must be >= 1", first_rung_epochs));
  if (!(rung_growth > 1.0) || !std::isfinite(rung_growth)) {
    fail(fmt::format("rung_growth = {} must be a finite number > 1", rung_growth));
  }
  if (!(keep_fraction > 0.0 && keep_fraction < 1.0))
    fail(fmt::format("keep_fraction = {} must be in (0, 1)", keep_fraction));
  if (max_epochs < first_rung_epochs) {
    fail(fmt::format("max_epochs = {} must be >= first_rung_epochs ({})", max_epochs, first_rung_epochs));
  }
  if (patience < 1) fail(fmt::format("patience = {} must be >= 1", patience));
  if (!(min_delta >= 0.0) || !std::isfinite(min_delta))
    fail(fmt::format("min_delta = {} must be a finite number >= 0", min_delta));
  if ((x_val == nullptr) != (y_val == nullptr)) {
    fail("validation data needs both x_val and y_val (one of them is null)");
  }
  if (x_val == nullptr && !(validation_split > 0.0 && validation_split < 1.0)) {
    fail(fmt::format(
        "validation_split = {} must be in (0, 1) (the search needs validation rows; or give x_val and y_val)",
        validation_split));
  }
  if (default_rate && !(*default_rate > 0.0 && std::isfinite(*default_rate)))
    fail(fmt::format("default_rate = {} must be a finite number > 0", *default_rate));
  if (!(noise_margin >= 0.0) || !std::isfinite(noise_margin))
    fail(fmt::format("noise_margin = {} must be a finite number >= 0", noise_margin));
  if (max_extensions < 0) fail(fmt::format("max_extensions = {} must be >= 0", max_extensions));
  if (small_data_splits < 1) fail(fmt::format("small_data_splits = {} must be >= 1", small_data_splits));
  if (small_data_splits > limits::kMaxRepeats)
    fail(fmt::format("small_data_splits = {} must be at most {}", small_data_splits, limits::kMaxRepeats));
  if (small_data_rows < 0) fail(fmt::format("small_data_rows = {} must be >= 0", small_data_rows));
  if (batch_size < 1) fail(fmt::format("batch_size = {} must be >= 1", batch_size));
  if (repeats < 1) fail(fmt::format("repeats = {} must be >= 1", repeats));
  for (const auto& name : metrics) {
    try {
      (void)metric_from_name(name);
    } catch (const UsageError& e) {
      fail(fmt::format("metrics: {}", e.what()));
    }
  }
  if (!low) {
    LRFinderOptions test = range_test;
    test.batch_size = batch_size;
    test.seed = seed;
    test.x_val = nullptr;
    test.y_val = nullptr;
    test.validation_split = 0.0;
    try {
      test.validate();
    } catch (const UsageError& e) {
      fail(fmt::format("range_test: {}", e.what()));
    }
  }
}

}  // namespace lrtune
