// Keras' EarlyStopping: stop when a monitored value has not improved for `patience` epochs,
// optionally restoring the weights of the best epoch. Keeps the best weights in memory only.
#pragma once

#include <limits>
#include <optional>
#include <string>

#include "lrtune/train/callback.hpp"
#include "lrtune/train/patience.hpp"

namespace lrtune {

enum class MonitorMode { automatic, min, max };

// "auto": maximise names containing accuracy/acc/auc/precision/recall/f1, minimise the rest (Keras' rule).
bool monitor_maximises(const std::string& monitor, MonitorMode mode);

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;  // an improvement must beat the best by more than this
  int patience = 0;        // epochs without improvement before stopping (Keras default 0)
  MonitorMode mode = MonitorMode::automatic;
  std::optional<double> baseline;  // stop unless the monitored value beats it within patience
  bool restore_best_weights = false;
  int start_from_epoch = 0;  // epochs of warm-up before improvements are tracked
};

// The improvement and patience rule is train/patience.hpp's (shared with the search's units).
// Differs from Keras 2 in one respect, on purpose: with restore_best_weights the best weights
// are restored also when training ends without an early stop (Keras 2 keeps the last ones),
// so the model fit returns is always the best one seen. A NaN monitored value never improves.
class EarlyStopping final : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(TrainingContext& context) override;
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& context) override;
  void on_train_end(TrainingContext& context) override;

  int best_epoch() const { return best_epoch_; }  // -1 before any tracked epoch
  double best_value() const { return rule_.best(); }
  int stopped_epoch() const { return stopped_epoch_; }  // -1 when it did not stop training

 private:
  void restore(TrainingContext& context);

  EarlyStoppingOptions options_;
  Patience rule_;
  int best_epoch_ = -1;
  int stopped_epoch_ = -1;
  std::optional<ModelState<float>> best_weights_;
  bool restored_ = false;
};

}  // namespace lrtune
