// tuning.json and the candidates CSV of a learning-rate search. Kept apart from result_files.cpp
// so programs that write only histories and curves do not link the tuner's JSON.
#include "lrtune/io/tuning_files.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/json_file.hpp"
#include "lrtune/io/result_files.hpp"

namespace lrtune {
namespace {

bool contains(const std::vector<std::size_t>& indices, std::size_t i) {
  return std::find(indices.begin(), indices.end(), i) != indices.end();
}

}  // namespace

void write_tuning_json(const std::filesystem::path& path, const TuningResult& result) {
  write_json(path, nlohmann::json(result));
}

std::string tuning_candidates_to_csv(const TuningResult& result) {
  std::string out = "candidate,lr,rung,rung_epochs,epochs_trained,score,outcome,picked\n";
  for (std::size_t c = 0; c < result.candidates.size(); ++c) {
    const TuningCandidate& candidate = result.candidates[c];
    int trained = 0;
    for (const int e : candidate.epochs_trained) trained = std::max(trained, e);
    for (std::size_t k = 0; k < candidate.rung_scores.size(); ++k) {
      const int rung_epochs = k < result.rungs.size() ? result.rungs[k].epochs : 0;
      std::string outcome = "cut";
      if (k < result.rungs.size() && contains(result.rungs[k].promoted, c))
        outcome = "promoted";
      else if (k < result.rungs.size() && contains(result.rungs[k].kept_improving, c))
        outcome = "kept-improving";
      else if (static_cast<int>(k) == candidate.last_rung && candidate.status != CandidateStatus::eliminated)
        outcome = candidate_status_name(candidate.status);
      out += fmt::format("{},{},{},{},{},{},{},{}\n", c, format_csv_number(candidate.learning_rate), k, rung_epochs,
                         rung_epochs > 0 ? std::min(trained, rung_epochs) : trained,
                         format_csv_number(candidate.rung_scores[k]), csv_field(outcome), c == result.pick ? 1 : 0);
    }
  }
  return out;
}

void write_tuning_candidates_csv(const std::filesystem::path& path, const TuningResult& result) {
  write_text_atomically(path, tuning_candidates_to_csv(result));
}

}  // namespace lrtune
