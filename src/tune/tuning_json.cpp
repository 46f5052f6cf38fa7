// JSON forms of the tuning result, its candidates and rungs. Keys follow the member names;
// non-finite numbers (a diverged candidate's +inf score) are written as "inf"/"nan" strings, as
// the range-test curve does. Writing files is io's job.
#include <nlohmann/json.hpp>

#include "../finder/json_numbers.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune {

namespace {

using detail::number_to_json;
using detail::numbers_to_json;

}  // namespace

void to_json(nlohmann::json& j, const TuningCandidate& c) {
  auto histories = nlohmann::json::array();
  for (const auto& h : c.validation_losses) histories.push_back(numbers_to_json(h));
  j = nlohmann::json{{"learning_rate", c.learning_rate},
                     {"validation_losses", histories},
                     {"best_validation_losses", numbers_to_json(c.best_validation_losses)},
                     {"best_epochs", c.best_epochs},
                     {"epochs_trained", c.epochs_trained},
                     {"score", number_to_json(c.score)},
                     {"score_std", number_to_json(c.score_std)},
                     {"rung_scores", numbers_to_json(c.rung_scores)},
                     {"status", candidate_status_name(c.status)},
                     {"smoothed_score", number_to_json(c.smoothed_score)},
                     {"is_default", c.is_default},
                     {"extension", c.extension},
                     {"last_rung", c.last_rung},
                     {"reason", c.reason}};
}

void to_json(nlohmann::json& j, const TuningRung& r) {
  j = nlohmann::json{{"epochs", r.epochs},
                     {"candidates", r.candidates},
                     {"promoted", r.promoted},
                     {"kept_improving", r.kept_improving},
                     {"cutoff_score", number_to_json(r.cutoff_score)},
                     {"epochs_cost", r.epochs_cost},
                     {"seconds", r.seconds}};
}

void to_json(nlohmann::json& j, const TuningResult& r) {
  j = nlohmann::json{{"range_test", r.range_test.size() > 0 ? nlohmann::json(r.range_test) : nlohmann::json()},
                     {"low", r.low},
                     {"high", r.high},
                     {"low_reason", r.low_reason},
                     {"high_reason", r.high_reason},
                     {"candidates", r.candidates},
                     {"rungs", r.rungs},
                     {"pick", r.pick},
                     {"default_candidate", r.default_candidate},
                     {"challenger", r.challenger},
                     {"kept_default", r.kept_default},
                     {"difference_percent", number_to_json(r.difference_percent)},
                     {"noise_percent", number_to_json(r.noise_percent)},
                     {"noise_margin", r.noise_margin},
                     {"decision", r.decision},
                     {"extensions", r.extensions},
                     {"validation_splits", r.validation_splits},
                     {"learning_rate", r.learning_rate},
                     {"best_epoch", r.best_epoch},
                     {"model_epochs", r.model_epochs},
                     {"validation_loss", number_to_json(r.validation_loss)},
                     {"validation_loss_std", number_to_json(r.validation_loss_std)},
                     {"explanation", r.explanation},
                     {"refit", r.refit},
                     {"cancelled", r.cancelled},
                     {"repeats", r.repeats},
                     {"training_rows", r.training_rows},
                     {"validation_rows", r.validation_rows},
                     {"epochs_cost", r.epochs_cost},
                     {"grid_epochs_bound", r.grid_epochs_bound},
                     {"range_test_seconds", r.range_test_seconds},
                     {"search_seconds", r.search_seconds},
                     {"refit_seconds", r.refit_seconds},
                     {"total_seconds", r.total_seconds},
                     {"threads", r.threads}};
}

}  // namespace lrtune
