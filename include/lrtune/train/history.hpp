// What fit returns: one row of named values per finished epoch (Keras' History.history),
// plus why training ended. Writing it to CSV/JSON files belongs to io.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/train/logs.hpp"

namespace lrtune {

enum class StopReason {
  completed,        // all requested epochs ran
  early_stopping,   // a callback (EarlyStopping) asked to stop
  non_finite_loss,  // a batch loss was NaN or inf (TerminateOnNaN semantics)
  cancelled,        // the caller's cancel flag was raised (e.g. Ctrl-C); the partial epoch is not recorded
};
// "completed", "early_stopping", "non_finite_loss", "cancelled" (the range test's spelling too).
std::string_view stop_reason_name(StopReason reason);
StopReason stop_reason_from_name(std::string_view name);

class History {
 public:
  // Appends the logs of one epoch (0-based epoch index).
  void append(int epoch, const Logs& logs);

  std::size_t size() const { return epochs_.size(); }
  bool empty() const { return epochs_.empty(); }
  const std::vector<int>& epochs() const { return epochs_; }
  const std::vector<Logs>& rows() const { return rows_; }
  // Every value of one name, one per epoch (NaN where an epoch lacks it); throws
  // UsageError when no epoch has it.
  std::vector<double> values(std::string_view name) const;
  // Names in first-seen order.
  std::vector<std::string> names() const;
  bool contains(std::string_view name) const;

  StopReason stop_reason = StopReason::completed;
  std::string stop_message;  // one line saying why it stopped, empty when completed
  int best_epoch = -1;       // set by EarlyStopping / ModelCheckpoint when they restored weights
  double train_seconds = 0.0;

  // One record per finished epoch, [{"epoch": 0, "loss": 0.52, "lr": 0.001, ...}, ...], null
  // for a missing or non-finite value: the shape pandas.read_json reads as one row per epoch.
  nlohmann::json records_json() const;
  // How the training ended, not per epoch: {"epochs_run", "stop_reason", "stop_message",
  // "best_epoch", "train_seconds"}.
  nlohmann::json summary_json() const;

 private:
  std::vector<int> epochs_;
  std::vector<Logs> rows_;
};

}  // namespace lrtune
