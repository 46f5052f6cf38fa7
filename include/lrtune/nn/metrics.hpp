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

enum class Metric { binary_accuracy, categorical_accuracy, precision, recall, f1, auc, mae, rmse, r2, macro_f1 };

// "accuracy"/"acc" resolve as Keras does: binary_accuracy for one output, categorical_accuracy
// for more. Other names: "binary_accuracy", "categorical_accuracy", "precision", "recall", "f1",
// "auc", "mae", "rmse", "r2", "macro_f1". Throws UsageError listing valid names.
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
// scikit-learn's r2_score: per output 1 - SS_res / SS_tot, averaged over outputs
// (multioutput="uniform_average"). An output whose y_true is constant (SS_tot = 0) scores 1 when
// predicted exactly and 0 otherwise (force_finite=True); NaN below 2 samples, as scikit-learn.
// Invariant under one affine map of both y_true and y_pred, so the standardised target gives the
// R^2 of the original units.
template <typename T>
double r2_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);

// Confusion matrix (classes, classes), rows = true class, columns = predicted, as scikit-learn.
using ConfusionMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// From class labels 0..classes-1; throws UsageError for a label outside.
ConfusionMatrix confusion_matrix(const std::vector<Index>& y_true, const std::vector<Index>& y_pred, Index classes);
// Binary (2, 2) from one-output labels and probabilities (p > threshold), or, for several
// outputs, (outputs, outputs) from the row argmax of both.
template <typename T>
ConfusionMatrix confusion_matrix(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred,
                                 double threshold = kDefaultThreshold);

// Per-class scores from a confusion matrix, vectors of K = matrix.rows(), as scikit-learn's
// precision_recall_fscore_support(labels=range(K), average=None, zero_division=0): a class
// never predicted has precision 0, one absent from y_true recall 0, one absent from both F1 0.
struct ClassScores {
  std::vector<double> precision, recall, f1;
  std::vector<std::int64_t> support;  // rows of each true class
};
ClassScores per_class_scores(const ConfusionMatrix& matrix);

// Macro F1 as scikit-learn's f1_score(average="macro") with the labels inferred from the data:
// the unweighted mean of the F1 of each class that occurs in y_true or y_pred. A class absent from
// both (one of the K known classes missing from a small test split) is left out rather than
// averaged in as 0, so the score does not depend on which rare classes a split happened to miss;
// per_class_scores still reports it (F1 0, support 0).
double macro_f1(const ConfusionMatrix& matrix);
// The same from matrices: classes by row argmax, or for one output by p > threshold (2 classes).
template <typename T>
double macro_f1_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold = kDefaultThreshold);

// Any metric by its enum (threshold 0.5).
template <typename T>
double compute_metric(Metric metric, const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);

// Streaming form: update() with each batch, result() = the metric over all rows seen so far
// (accuracy and MAE as batch-size-weighted means, RMSE over the summed squares, precision /
// recall / F1 from summed counts, AUC exactly from every stored score, macro F1 from the summed
// confusion matrix, R^2 from summed squared residuals and each output's mean and squared
// deviations merged batch by batch (Chan et al.'s pairwise update, no cancellation of sum y^2)).
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
  ConfusionMatrix confusion_;            // macro F1 only
  // R^2 only, one entry per output: squared residuals, mean of y_true, squared deviations from it
  std::vector<double> squared_residuals_, y_means_, y_squared_deviations_;
  template <typename T>
  void update_r2(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred);
};

// A batch-size-weighted running mean (epoch loss as Keras logs it).
class WeightedMean {
 public:
  void add(double value, double weight) {
    sum_ += value * weight;
    weight_ += weight;
  }
  double result() const;  // NaN before the first add
  void reset() {
    sum_ = 0.0;
    weight_ = 0.0;
  }

 private:
  double sum_ = 0.0;
  double weight_ = 0.0;
};

}  // namespace lrtune
