// Files of a learning-rate search (tune's TuningResult): the whole result as JSON and one CSV row
// per candidate and rung. Numbers as in result_files.hpp (shortest round-trip form, NaN as "nan");
// every write is atomic. What the numbers mean is tune's; drawing them is report's.
#pragma once

#include <filesystem>
#include <string>

#include "lrtune/tune/tuner.hpp"

namespace lrtune {

// The result's to_json (interval, range-test curve, candidates, rungs, pick, costs), pretty-printed.
void write_tuning_json(const std::filesystem::path& path, const TuningResult& result);

// One row per candidate and rung it trained in, candidates in rate order, rungs ascending:
// "candidate,lr,rung,rung_epochs,epochs_trained,score,outcome,picked"
//   candidate       0-based index into TuningResult::candidates
//   rung_epochs     the epoch count the rung trains up to
//   epochs_trained  the candidate's epochs by the end of that rung (fewer when it stopped early;
//                   the most over its repeats)
//   score           its mean best validation loss at the end of that rung (rung_scores[rung])
//   outcome         promoted | kept-improving | cut, or at its last rung the candidate's final
//                   status when it was not promoted there (early-stopped, max-epochs, diverged, ...)
//   picked          1 on the rows of the recommended candidate, else 0
// Example: "0,0.0001,0,4,4,0.5213,cut,0\n".
std::string tuning_candidates_to_csv(const TuningResult& result);
void write_tuning_candidates_csv(const std::filesystem::path& path, const TuningResult& result);

}  // namespace lrtune
