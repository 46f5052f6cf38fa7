// The output layer, loss and per-epoch metrics of each task.
#include "lrtune/experiment/task_spec.hpp"

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/train/fit.hpp"

namespace lrtune {

namespace {

bool loss_fits(TargetKind kind, Loss loss) {
  switch (kind) {
    case TargetKind::binary: return loss == Loss::binary_crossentropy;
    case TargetKind::multiclass: return loss == Loss::categorical_crossentropy;
    case TargetKind::regression:
      return loss == Loss::mean_squared_error || loss == Loss::mean_absolute_error || loss == Loss::huber;
  }
  return false;
}

}  // namespace

std::string losses_for(TargetKind kind) {
  switch (kind) {
    case TargetKind::binary: return "binary_crossentropy";
    case TargetKind::multiclass: return "categorical_crossentropy";
    case TargetKind::regression: return "mse, mae, huber";
  }
  return "";
}

TaskSpec task_spec(TargetKind kind, Index classes, std::optional<Loss> loss) {
  TaskSpec spec;
  switch (kind) {
    case TargetKind::binary: spec = {kind, 2, 1, "sigmoid", Loss::binary_crossentropy, {"accuracy"}}; break;
    case TargetKind::multiclass:
      if (classes < 2) throw UsageError(fmt::format("a multiclass task needs at least 2 classes, given {}", classes));
      spec = {kind, classes, classes, "softmax", Loss::categorical_crossentropy, {"accuracy"}};
      break;
    case TargetKind::regression:
      // MAE in model units (standardised): the epoch lines' second number, next to the loss.
      spec = {kind, 0, 1, "linear", Loss::mean_squared_error, {"mae"}};
      break;
  }
  if (loss) {
    if (!loss_fits(kind, *loss)) {
      throw UsageError(fmt::format("--loss {}: a {} target trains with {}", loss_name(*loss), target_kind_name(kind),
                                   losses_for(kind)));
    }
    spec.loss = *loss;
  }
  return spec;
}

Matrix model_target(const VectorD& y, const TaskSpec& task, const TargetScaler& scaler) {
  switch (task.kind) {
    case TargetKind::binary: return as_column(to_float(y));
    case TargetKind::multiclass: return one_hot(y, task.classes);
    case TargetKind::regression: return as_column(to_float(scaler.to_model_units(y)));
  }
  return {};
}

}  // namespace lrtune
