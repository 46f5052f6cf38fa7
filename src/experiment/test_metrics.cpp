// A model's test scores per task: evaluate()'s loss, then the task's metrics from one prediction
// pass (regression's in the target's units), and the classifiers' confusion matrix.
#include "lrtune/experiment/test_metrics.hpp"

#include "lrtune/train/fit.hpp"

namespace lrtune {

namespace {

void add_regression_metrics(const Matrix& predictions, const Matrix& y, const TargetScaler& scaler, TestMetrics& m) {
  const VectorD truth = scaler.to_target_units(y);
  const VectorD predicted = scaler.to_target_units(predictions);
  const MatrixD t = truth;  // (rows, 1): the metrics' matrix shape
  const MatrixD p = predicted;
  m.values.set("rmse", root_mean_squared_error<double>(t, p));
  m.values.set("mae", mean_absolute_error<double>(t, p));
  m.values.set("r2", r2_score<double>(t, p));
}

}  // namespace

nlohmann::json confusion_json(const ConfusionMatrix& confusion) {
  nlohmann::json rows = nlohmann::json::array();
  for (Index i = 0; i < confusion.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (Index k = 0; k < confusion.cols(); ++k) row.push_back(confusion(i, k));
    rows.push_back(row);
  }
  return rows;
}

ConfusionMatrix binary_confusion(const Matrix& probabilities, const Vector& y) {
  const Matrix truth = as_column(y);  // (rows, 1)
  return confusion_matrix<float>(truth, probabilities);
}

TestMetrics test_metrics(Sequential& model, const TaskSpec& task, const Matrix& x, const Matrix& y,
                         const TargetScaler& scaler) {
  TestMetrics m;
  m.task = task.kind;
  m.rows = y.rows();
  const std::vector<std::string> metrics =
      task.kind == TargetKind::regression ? std::vector<std::string>{} : std::vector<std::string>{"accuracy"};
  m.values = evaluate(model, task.loss, x, y, metrics);
  const Matrix predictions = model.predict(x, 1024);
  if (task.kind == TargetKind::regression) {
    add_regression_metrics(predictions, y, scaler, m);
    return m;
  }
  m.confusion = confusion_matrix<float>(y, predictions);
  m.per_class = per_class_scores(m.confusion);
  if (task.kind == TargetKind::multiclass) m.values.set("macro_f1", macro_f1(m.confusion));
  return m;
}

}  // namespace lrtune
