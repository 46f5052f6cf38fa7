// Keras' ModelCheckpoint kept in memory: a snapshot of the weights at the best value of a
// monitored log (or at every epoch). Writing checkpoints to disk is io's job.
#pragma once

#include <optional>
#include <string>

#include "lrtune/train/callback.hpp"
#include "lrtune/train/early_stopping.hpp"

namespace lrtune {

struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  MonitorMode mode = MonitorMode::automatic;
  bool save_best_only = true;  // false: keep the last epoch's weights
};

class ModelCheckpoint final : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options = {});
  void on_train_begin(TrainingContext& context) override;
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) override;

  bool has_checkpoint() const { return state_.has_value(); }
  // Throws std::logic_error when nothing was saved yet.
  const ModelState<float>& state() const;
  int epoch() const { return epoch_; }  // 0-based epoch of the saved weights, -1 if none
  double value() const { return value_; }

 private:
  ModelCheckpointOptions options_;
  bool maximise_ = false;
  std::optional<ModelState<float>> state_;
  int epoch_ = -1;
  double value_ = 0.0;
};

}  // namespace lrtune
