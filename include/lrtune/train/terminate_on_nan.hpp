// Keras' TerminateOnNaN as a callback, for fits run with FitOptions::terminate_on_nan = false
// (fit's built-in check is on by default and also skips the non-finite batch's update).
#pragma once

#include "lrtune/train/callback.hpp"

namespace lrtune {

class TerminateOnNaN final : public Callback {
 public:
  void on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) override;
};

}  // namespace lrtune
