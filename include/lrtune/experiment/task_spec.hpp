// What the target's task asks of the network and its training: the output layer (units and
// activation), the loss and the metrics shown per epoch. Binary: one sigmoid unit and binary
// cross-entropy; multiclass: a softmax over the K classes and categorical cross-entropy (fused, from
// the logits); regression: one linear unit and mean squared error (or mae, huber) on the
// standardised target.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lrtune/core/types.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/data/target_scaler.hpp"
#include "lrtune/nn/losses.hpp"

namespace lrtune {

struct TaskSpec {
  TargetKind kind = TargetKind::binary;
  Index classes = 2;                          // classes of a classifier; 0 for regression
  Index outputs = 1;                          // units of the output layer: K for multiclass, else 1
  std::string output_activation = "sigmoid";  // "sigmoid", "softmax" or "linear"
  Loss loss = Loss::binary_crossentropy;
  std::vector<std::string> metrics = {"accuracy"};  // fit's and evaluate's names, per epoch
};

// The spec of `kind` with `classes` classes (ignored for regression). `loss` nullopt: the task's
// default. A loss the task cannot take is a UsageError naming --loss and the losses it can.
TaskSpec task_spec(TargetKind kind, Index classes, std::optional<Loss> loss = std::nullopt);

// The losses `kind` can train with, as --loss spells them: "binary_crossentropy" for binary,
// "categorical_crossentropy" for multiclass, "mse, mae, huber" for regression.
std::string losses_for(TargetKind kind);

// The target y (rows,) as make_target gives it (0/1, class numbers, or values in the target's
// units) in model units, (rows, task.outputs): a column of 0/1, one-hot rows, or the value
// standardised by `scaler`.
Matrix model_target(const VectorD& y, const TaskSpec& task, const TargetScaler& scaler = {});

}  // namespace lrtune
