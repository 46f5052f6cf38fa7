// Stops training after a batch whose loss is NaN or inf.
#include "lrtune/train/terminate_on_nan.hpp"

#include <fmt/format.h>
#include <cmath>

namespace lrtune {

void TerminateOnNaN::on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& context) {
  const double loss = logs.at("loss");
  if (std::isfinite(loss)) return;
  context.stop_training = true;
  context.stop_reason = StopReason::non_finite_loss;
  // Where, in fit's words (1-based epoch, step within the fit); "nan" never "-nan", as fit says it.
  context.stop_message = fmt::format("epoch {}, step {}: invalid loss {}, terminating training", context.epoch + 1,
                                     step + 1, std::isnan(loss) ? "nan" : fmt::format("{}", loss));
}

}  // namespace lrtune
