// Private to tune: the search unit over a user's EpochTrainer (epoch_trainer.hpp). The trainer
// trains and validates; this unit keeps the best epoch's per-row validation losses for the pick.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "lockstep.hpp"
#include "lrtune/tune/epoch_trainer.hpp"

namespace lrtune::detail {

class TrainerUnit final : public SearchUnit {
 public:
  TrainerUnit(std::unique_ptr<EpochTrainer> trainer, const UnitRules& rules);

  std::vector<double> best_row_losses() override { return best_rows_; }

 private:
  // A cancel is seen before the epoch starts: the trainer's epoch is one call, not interruptible.
  EpochEnd run_epoch(const std::atomic<bool>* cancel) override;
  void keep_best() override { best_rows_ = std::move(last_rows_); }

  std::unique_ptr<EpochTrainer> trainer_;
  std::vector<double> last_rows_;  // the epoch just trained (validation rows,)
  std::vector<double> best_rows_;  // the best epoch's (validation rows,); empty: none reported
};

}  // namespace lrtune::detail
