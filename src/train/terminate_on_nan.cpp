// Stops training after a batch whose loss is NaN or inf.
#include "lrtune/train/terminate_on_nan.hpp"

#include <cmath>
#include <fmt/format.h>

namespace lrtune {

void TerminateOnNaN::on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) {
  const double loss = logs.at("loss");
  if (std::isfinite(loss)) return;
  context.stop_training = true;
  context.stop_reason = StopReason::non_finite_loss;
  context.stop_message = fmt::format("batch {}: invalid loss {}, terminating training", step + 1, loss);
}

}  // namespace lrtune
