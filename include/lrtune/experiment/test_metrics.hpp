// A trained model's scores on the test split, shaped for the three tasks: named metrics ("loss",
// "accuracy" for classifiers; regression's "mae", "rmse" with the next issue) and, for classifiers,
// a classes x classes confusion matrix. Binary classification is the only task computed for now.
#pragma once

#include <string_view>

#include "lrtune/core/types.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/nn/metrics.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/train/logs.hpp"

namespace lrtune {

struct TestMetrics {
  TargetKind task = TargetKind::binary;
  Index rows = 0;              // test rows scored
  Logs values;                 // "loss" first, then the metrics, as evaluate() returns them
  ConfusionMatrix confusion;   // (classes, classes), rows = true class, columns = predicted; empty for regression

  double at(std::string_view name) const { return values.at(name); }  // throws std::out_of_range naming it
};

// Loss, accuracy and the 2 x 2 confusion matrix of a binary classifier on (x, y).
// x: (rows, features), y: (rows,) of 0/1.
TestMetrics binary_test_metrics(Sequential& model, const Matrix& x, const Vector& y);
// The 2 x 2 confusion matrix from one-output probabilities (rows, 1) (p > 0.5 is class 1).
ConfusionMatrix binary_confusion(const Matrix& probabilities, const Vector& y);

}  // namespace lrtune
