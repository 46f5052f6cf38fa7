// Metrics as pure functions of y_true and predictions (probabilities or values, after the output
// activation), shapes (samples, outputs), plus streaming accumulators whose result over a
// sequence of batches equals the metric over their concatenation. Averaging across epochs is train's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"

namespace lrtune {

// Binary metrics count a prediction as positive when p > threshold (Keras' binary_accuracy casts
// y_pred > threshold; the recipe's "probability > 0.5"), and a label as positive when y > 0.5.
inline constexpr double kDefaultThreshold = 0.5;

enum class Metric { binary_accuracy, categorical_accuracy, precision, recall, f1, auc, mae, rmse };

// "accuracy"/"acc" resolve as Keras does: binary_accuracy for one output, categorical_accuracy
// for more. Other names: "binary_accuracy", "categorical_accuracy", "precision", "recall", "f1",
// "auc", "mae", "rmse". Throws UsageError listing valid names.
Metric metric_from_name(std::string_view name, Index outputs = 1);
std::string_view metric_name(Metric metric);
std::string metric_names();

template <typename T>
using MatrixRef = Eigen::Ref<const MatrixT<T>>;

// Fraction of elements with (p > threshold) == (y > 0.5).
template <typename T>
double binary_accuracy(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold = kDefaultThreshold);
// Fraction of rows whose argmax agrees (first maximum wins on ties, as numpy's argmax).
template <typename T>
double categorical_accuracy(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);
// Binary, over all elements; 0 when the denominator is 0 (scikit-learn's zero_division=0).
template <typename T>
double precision(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold = kDefaultThreshold);
template <typename T>
double recall(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold = kDefaultThreshold);
template <typename T>
double f1_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold = kDefaultThreshold);
// Exact binary ROC AUC over all elements: the Mann-Whitney U statistic / (positives * negatives),
// tied scores counting one half (average ranks). Throws UsageError when a class is absent.
template <typename T>
double roc_auc(const MatrixRef<T>& y_true, const MatrixRef<T>& y_score);
template <typename T>
double mean_absolute_error(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);
template <typename T>
double root_mean_squared_error(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);

// Confusion matrix (classes, classes), rows = true class, columns = predicted, as scikit-learn.
using ConfusionMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// From class labels 0..classes-1; throws UsageError for a label outside.
ConfusionMatrix confusion_matrix(const std::vector<Index>& y_true, const std::vector<Index>& y_pred, Index classes);
// Binary (2, 2) from one-output labels and probabilities (p > threshold), or, for several
// outputs, (outputs, outputs) from the row argmax of both.
template <typename T>
ConfusionMatrix confusion_matrix(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred,
                                 double threshold = kDefaultThreshold);

// Any metric by its enum (threshold 0.5).
template <typename T>
double compute_metric(Metric metric, const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);

// Streaming form: update() with each batch, result() = the metric over all rows seen so far
// (accuracy and MAE as batch-size-weighted means, RMSE over the summed squares, precision /
// recall / F1 from summed counts, AUC exactly from every stored score).
class MetricAccumulator {
 public:
  explicit MetricAccumulator(Metric metric, double threshold = kDefaultThreshold);
  template <typename T>
  void update(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);
  double result() const;  // NaN before the first update
  void reset();
  Metric metric() const { return metric_; }

 private:
  Metric metric_;
  double threshold_;
  double sum_ = 0.0;    // correct predictions, absolute or squared errors
  double count_ = 0.0;  // elements (or rows) seen
  double true_positives_ = 0.0, false_positives_ = 0.0, false_negatives_ = 0.0;
  std::vector<double> labels_, scores_;  // AUC only
};

// A batch-size-weighted running mean (epoch loss as Keras logs it).
class WeightedMean {
 public:
  void add(double value, double weight) { sum_ += value * weight; weight_ += weight; }
  double result() const;  // NaN before the first add
  void reset() { sum_ = 0.0; weight_ = 0.0; }

 private:
  double sum_ = 0.0;
  double weight_ = 0.0;
};

}  // namespace lrtune
