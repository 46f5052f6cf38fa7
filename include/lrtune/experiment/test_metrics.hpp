// A trained model's scores on the test split, shaped for the three tasks: named metrics and, for
// classifiers, the classes x classes confusion matrix with per-class precision, recall and F1.
//   binary:     loss, accuracy                      (the 2 x 2 matrix; p > 0.5 is class 1)
//   multiclass: loss, accuracy, macro_f1            (K x K; the row's argmax is the class)
//   regression: loss, rmse, mae, r2                 (rmse, mae, r2 in the target's units; the loss
//                                                    in model units, as training saw it)
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/data/target_scaler.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/train/logs.hpp"

namespace lrtune {

struct TestMetrics {
  TargetKind task = TargetKind::binary;
  Index rows = 0;             // test rows scored
  Logs values;                // "loss" first, then the task's metrics (above)
  ConfusionMatrix confusion;  // (classes, classes), rows = true class, columns = predicted; empty for regression
  ClassScores per_class;      // of the confusion matrix; empty for regression

  double at(std::string_view name) const { return values.at(name); }  // throws std::out_of_range naming it
  // The figure that sums a run up: accuracy for classifiers, RMSE for regression.
  std::string_view headline() const { return task == TargetKind::regression ? "rmse" : "accuracy"; }
};

// The scores of `model` on x (rows, features) against y in model units (rows, task.outputs).
// Regression's predictions and y go back to the target's units through `scaler` first.
TestMetrics test_metrics(Sequential& model, const TaskSpec& task, const Matrix& x, const Matrix& y,
                         const TargetScaler& scaler = {});

// The matrix as JSON rows: [[true 0 pred 0, true 0 pred 1, ...], ...].
nlohmann::json confusion_json(const ConfusionMatrix& confusion);

// The 2 x 2 confusion matrix from one-output probabilities (rows, 1) (p > 0.5 is class 1).
ConfusionMatrix binary_confusion(const Matrix& probabilities, const Vector& y);

}  // namespace lrtune
