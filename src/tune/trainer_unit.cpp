// The search unit over a user's trainer: one train_epoch() call per epoch.
#include "trainer_unit.hpp"

#include <utility>

namespace lrtune::detail {

TrainerUnit::TrainerUnit(std::unique_ptr<EpochTrainer> trainer, const UnitRules& rules)
    : SearchUnit(rules), trainer_(std::move(trainer)) {}

SearchUnit::EpochEnd TrainerUnit::run_epoch(const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return {.stopped = UnitState::cancelled};
  EpochReport report = trainer_->train_epoch();
  last_rows_ = std::move(report.row_losses);
  return {.validation_loss = report.validation_loss};
}

}  // namespace lrtune::detail
