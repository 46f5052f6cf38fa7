// A binary classifier's test scores: evaluate()'s loss and accuracy, and the confusion matrix.
#include "lrtune/experiment/test_metrics.hpp"

#include "lrtune/train/fit.hpp"

namespace lrtune {

ConfusionMatrix binary_confusion(const Matrix& probabilities, const Vector& y) {
  const Matrix truth = as_column(y);  // (rows, 1)
  return confusion_matrix<float>(truth, probabilities);
}

TestMetrics binary_test_metrics(Sequential& model, const Matrix& x, const Vector& y) {
  TestMetrics metrics;
  metrics.task = TargetKind::binary;
  metrics.rows = y.size();
  metrics.values = evaluate(model, Loss::binary_crossentropy, x, y);
  metrics.confusion = binary_confusion(model.predict(x, 1024), y);
  return metrics;
}

}  // namespace lrtune
