// Metrics over y_true and predictions (after the output activation), and their streaming forms.
// Pure functions; they never see logits, losses or models.
#include "lrtune/nn/metrics.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/name_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace lrtune {
namespace {

constexpr NameTable<Metric, 10> kMetrics{{
    {"binary_accuracy", Metric::binary_accuracy},
    {"categorical_accuracy", Metric::categorical_accuracy},
    {"precision", Metric::precision},
    {"recall", Metric::recall},
    {"f1", Metric::f1},
    {"auc", Metric::auc},
    {"mae", Metric::mae},
    {"rmse", Metric::rmse},
    {"r2", Metric::r2},
    {"macro_f1", Metric::macro_f1},
}};

template <typename T>
void check_same_shape(const MatrixRef<T>& a, const MatrixRef<T>& b, const char* what) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw UsageError(std::string(what) + ": y_true is (" + std::to_string(a.rows()) + ", " + std::to_string(a.cols()) +
                     ") but y_pred is (" + std::to_string(b.rows()) + ", " + std::to_string(b.cols()) +
                     "); they must match");
  if (a.size() == 0) throw UsageError(std::string(what) + ": no samples");
}

struct BinaryCounts {
  double tp = 0, fp = 0, fn = 0, tn = 0;
};

template <typename T>
BinaryCounts binary_counts(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  BinaryCounts counts;
  for (Index i = 0; i < y_true.rows(); ++i)
    for (Index j = 0; j < y_true.cols(); ++j) {
      const bool actual = y_true(i, j) > T(0.5);
      const bool predicted = static_cast<double>(y_pred(i, j)) > threshold;
      if (actual && predicted)
        counts.tp += 1;
      else if (!actual && predicted)
        counts.fp += 1;
      else if (actual)
        counts.fn += 1;
      else
        counts.tn += 1;
    }
  return counts;
}

double ratio_or_zero(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

double f1_from(double tp, double fp, double fn) { return ratio_or_zero(2 * tp, 2 * tp + fp + fn); }

template <typename Row>
Index argmax(const Row& row) {
  Index best = 0;
  for (Index j = 1; j < row.size(); ++j)
    if (row(j) > row(best)) best = j;
  return best;
}

// Mann-Whitney AUC with average ranks for ties.
double auc_from(const std::vector<double>& labels, const std::vector<double>& scores) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double positive_rank_sum = 0.0, positives = 0.0;
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start;
    while (end < n && scores[order[end]] == scores[order[start]]) ++end;
    const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;  // 1-based
    for (std::size_t i = start; i < end; ++i)
      if (labels[order[i]] > 0.5) {
        positive_rank_sum += average_rank;
        positives += 1;
      }
    start = end;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0)
    throw UsageError("roc_auc: needs both classes in y_true, got " + std::to_string(int(positives)) +
                     " positives and " + std::to_string(int(negatives)) + " negatives");
  // U = R+ - P (P + 1) / 2, AUC = U / (P N)
  return (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

// 1 - SS_res / SS_tot of one output, with scikit-learn's force_finite answers for SS_tot = 0.
double r2_from(double squared_residuals, double squared_deviations) {
  if (squared_deviations == 0.0) return squared_residuals == 0.0 ? 1.0 : 0.0;
  return 1.0 - squared_residuals / squared_deviations;
}

// Per-class F1 = 2 tp / (2 tp + fp + fn) from a confusion matrix (rows true, columns predicted).
double class_f1(const ConfusionMatrix& matrix, Index k) {
  const double tp = static_cast<double>(matrix(k, k));
  const double fn = static_cast<double>(matrix.row(k).sum()) - tp;
  const double fp = static_cast<double>(matrix.col(k).sum()) - tp;
  return f1_from(tp, fp, fn);
}

}  // namespace

std::string metric_names() {
  std::string names = "accuracy";
  for (const auto& [name, value] : kMetrics) names += ", " + std::string(name);
  return names;
}

Metric metric_from_name(std::string_view name, Index outputs) {
  if (name == "accuracy" || name == "acc") return outputs == 1 ? Metric::binary_accuracy : Metric::categorical_accuracy;
  for (const auto& [known, value] : kMetrics)
    if (known == name) return value;
  throw UsageError("unknown metric '" + std::string(name) + "'; valid: " + metric_names());
}

std::string_view metric_name(Metric metric) { return name_of_value(kMetrics, metric, "Metric"); }

template <typename T>
double binary_accuracy(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  check_same_shape<T>(y_true, y_pred, "binary_accuracy");
  const BinaryCounts c = binary_counts<T>(y_true, y_pred, threshold);
  return (c.tp + c.tn) / static_cast<double>(y_true.size());
}

template <typename T>
double categorical_accuracy(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  check_same_shape<T>(y_true, y_pred, "categorical_accuracy");
  double correct = 0;
  for (Index i = 0; i < y_true.rows(); ++i) correct += argmax(y_true.row(i)) == argmax(y_pred.row(i)) ? 1 : 0;
  return correct / static_cast<double>(y_true.rows());
}

template <typename T>
double precision(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  check_same_shape<T>(y_true, y_pred, "precision");
  const BinaryCounts c = binary_counts<T>(y_true, y_pred, threshold);
  return ratio_or_zero(c.tp, c.tp + c.fp);
}

template <typename T>
double recall(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  check_same_shape<T>(y_true, y_pred, "recall");
  const BinaryCounts c = binary_counts<T>(y_true, y_pred, threshold);
  return ratio_or_zero(c.tp, c.tp + c.fn);
}

template <typename T>
double f1_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  check_same_shape<T>(y_true, y_pred, "f1_score");
  const BinaryCounts c = binary_counts<T>(y_true, y_pred, threshold);
  return f1_from(c.tp, c.fp, c.fn);
}

template <typename T>
double roc_auc(const MatrixRef<T>& y_true, const MatrixRef<T>& y_score) {
  check_same_shape<T>(y_true, y_score, "roc_auc");
  std::vector<double> labels, scores;
  for (Index i = 0; i < y_true.rows(); ++i)
    for (Index j = 0; j < y_true.cols(); ++j) {
      labels.push_back(static_cast<double>(y_true(i, j)));
      scores.push_back(static_cast<double>(y_score(i, j)));
    }
  return auc_from(labels, scores);
}

template <typename T>
double mean_absolute_error(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  check_same_shape<T>(y_true, y_pred, "mean_absolute_error");
  return (y_true - y_pred).template cast<double>().cwiseAbs().sum() / static_cast<double>(y_true.size());
}

template <typename T>
double root_mean_squared_error(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  check_same_shape<T>(y_true, y_pred, "root_mean_squared_error");
  return std::sqrt((y_true - y_pred).template cast<double>().squaredNorm() / static_cast<double>(y_true.size()));
}

template <typename T>
double r2_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  check_same_shape<T>(y_true, y_pred, "r2_score");
  if (y_true.rows() < 2) return std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  for (Index j = 0; j < y_true.cols(); ++j) {
    const auto y = y_true.col(j).template cast<double>();
    const double mean = y.mean();
    // SS_res = sum (y - p)^2, SS_tot = sum (y - mean)^2
    const double ss_res = (y - y_pred.col(j).template cast<double>()).squaredNorm();
    const double ss_tot = (y.array() - mean).square().sum();
    total += r2_from(ss_res, ss_tot);
  }
  return total / static_cast<double>(y_true.cols());
}

ClassScores per_class_scores(const ConfusionMatrix& matrix) {
  ClassScores scores;
  for (Index k = 0; k < matrix.rows(); ++k) {
    const double tp = static_cast<double>(matrix(k, k));
    const double actual = static_cast<double>(matrix.row(k).sum());
    const double predicted = static_cast<double>(matrix.col(k).sum());
    scores.precision.push_back(ratio_or_zero(tp, predicted));
    scores.recall.push_back(ratio_or_zero(tp, actual));
    scores.f1.push_back(class_f1(matrix, k));
    scores.support.push_back(matrix.row(k).sum());
  }
  return scores;
}

double macro_f1(const ConfusionMatrix& matrix) {
  double sum = 0.0, present = 0.0;
  for (Index k = 0; k < matrix.rows(); ++k) {
    if (matrix.row(k).sum() == 0 && matrix.col(k).sum() == 0) continue;  // in neither y_true nor y_pred
    sum += class_f1(matrix, k);
    present += 1.0;
  }
  return ratio_or_zero(sum, present);
}

template <typename T>
double macro_f1_score(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  return macro_f1(confusion_matrix<T>(y_true, y_pred, threshold));
}

ConfusionMatrix confusion_matrix(const std::vector<Index>& y_true, const std::vector<Index>& y_pred, Index classes) {
  if (y_true.size() != y_pred.size())
    throw UsageError("confusion_matrix: " + std::to_string(y_true.size()) + " true labels but " +
                     std::to_string(y_pred.size()) + " predictions");
  if (classes < 1) throw UsageError("confusion_matrix: classes must be >= 1");
  ConfusionMatrix matrix = ConfusionMatrix::Zero(classes, classes);
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] < 0 || y_true[i] >= classes || y_pred[i] < 0 || y_pred[i] >= classes)
      throw UsageError("confusion_matrix: label " + std::to_string(y_true[i]) + " / " + std::to_string(y_pred[i]) +
                       " at sample " + std::to_string(i) + " outside 0.." + std::to_string(classes - 1));
    matrix(y_true[i], y_pred[i]) += 1;
  }
  return matrix;
}

template <typename T>
ConfusionMatrix confusion_matrix(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred, double threshold) {
  check_same_shape<T>(y_true, y_pred, "confusion_matrix");
  std::vector<Index> actual, predicted;
  if (y_true.cols() == 1) {
    for (Index i = 0; i < y_true.rows(); ++i) {
      actual.push_back(y_true(i, 0) > T(0.5) ? 1 : 0);
      predicted.push_back(static_cast<double>(y_pred(i, 0)) > threshold ? 1 : 0);
    }
    return confusion_matrix(actual, predicted, 2);
  }
  for (Index i = 0; i < y_true.rows(); ++i) {
    actual.push_back(argmax(y_true.row(i)));
    predicted.push_back(argmax(y_pred.row(i)));
  }
  return confusion_matrix(actual, predicted, y_true.cols());
}

template <typename T>
double compute_metric(Metric metric, const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  switch (metric) {
    case Metric::binary_accuracy: return binary_accuracy<T>(y_true, y_pred);
    case Metric::categorical_accuracy: return categorical_accuracy<T>(y_true, y_pred);
    case Metric::precision: return precision<T>(y_true, y_pred);
    case Metric::recall: return recall<T>(y_true, y_pred);
    case Metric::f1: return f1_score<T>(y_true, y_pred);
    case Metric::auc: return roc_auc<T>(y_true, y_pred);
    case Metric::mae: return mean_absolute_error<T>(y_true, y_pred);
    case Metric::rmse: return root_mean_squared_error<T>(y_true, y_pred);
    case Metric::r2: return r2_score<T>(y_true, y_pred);
    case Metric::macro_f1: return macro_f1_score<T>(y_true, y_pred);
  }
  throw UsageError("compute_metric: invalid Metric value");
}

MetricAccumulator::MetricAccumulator(Metric metric, double threshold) : metric_(metric), threshold_(threshold) {}

template <typename T>
void MetricAccumulator::update(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  check_same_shape<T>(y_true, y_pred, "MetricAccumulator::update");
  const double elements = static_cast<double>(y_true.size());
  switch (metric_) {
    case Metric::binary_accuracy:
      sum_ += binary_accuracy<T>(y_true, y_pred, threshold_) * elements;
      count_ += elements;
      return;
    case Metric::categorical_accuracy:
      sum_ += categorical_accuracy<T>(y_true, y_pred) * static_cast<double>(y_true.rows());
      count_ += static_cast<double>(y_true.rows());
      return;
    case Metric::precision:
    case Metric::recall:
    case Metric::f1: {
      const BinaryCounts c = binary_counts<T>(y_true, y_pred, threshold_);
      true_positives_ += c.tp;
      false_positives_ += c.fp;
      false_negatives_ += c.fn;
      count_ += elements;
      return;
    }
    case Metric::auc:
      for (Index i = 0; i < y_true.rows(); ++i)
        for (Index j = 0; j < y_true.cols(); ++j) {
          labels_.push_back(static_cast<double>(y_true(i, j)));
          scores_.push_back(static_cast<double>(y_pred(i, j)));
        }
      count_ += elements;
      return;
    case Metric::mae:
      sum_ += (y_true - y_pred).template cast<double>().cwiseAbs().sum();
      count_ += elements;
      return;
    case Metric::rmse:
      sum_ += (y_true - y_pred).template cast<double>().squaredNorm();
      count_ += elements;
      return;
    case Metric::r2: update_r2<T>(y_true, y_pred); return;
    case Metric::macro_f1: {
      const ConfusionMatrix batch = confusion_matrix<T>(y_true, y_pred, threshold_);
      if (confusion_.size() == 0) confusion_ = ConfusionMatrix::Zero(batch.rows(), batch.cols());
      if (confusion_.rows() != batch.rows())
        throw UsageError("MetricAccumulator::update: macro_f1 saw " + std::to_string(confusion_.rows()) +
                         " classes, then a batch with " + std::to_string(batch.rows()));
      confusion_ += batch;
      count_ += static_cast<double>(y_true.rows());
      return;
    }
  }
}

template <typename T>
void MetricAccumulator::update_r2(const MatrixRef<T>& y_true, const MatrixRef<T>& y_pred) {
  const auto outputs = static_cast<std::size_t>(y_true.cols());
  if (squared_residuals_.empty()) {
    squared_residuals_.assign(outputs, 0.0);
    y_means_.assign(outputs, 0.0);
    y_squared_deviations_.assign(outputs, 0.0);
  }
  if (squared_residuals_.size() != outputs)
    throw UsageError("MetricAccumulator::update: r2 saw " + std::to_string(squared_residuals_.size()) +
                     " outputs, then a batch with " + std::to_string(outputs));
  const double seen = count_, batch = static_cast<double>(y_true.rows()), total = seen + batch;
  for (std::size_t j = 0; j < outputs; ++j) {
    const auto y = y_true.col(static_cast<Index>(j)).template cast<double>();
    const double batch_mean = y.mean();
    const double batch_deviations = (y.array() - batch_mean).square().sum();
    squared_residuals_[j] += (y - y_pred.col(static_cast<Index>(j)).template cast<double>()).squaredNorm();
    // Chan et al.: M2 = M2_a + M2_b + delta^2 n_a n_b / n, mean = mean_a + delta n_b / n
    const double delta = batch_mean - y_means_[j];
    y_squared_deviations_[j] += batch_deviations + delta * delta * seen * batch / total;
    y_means_[j] += delta * batch / total;
  }
  count_ = total;
}

double MetricAccumulator::result() const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  switch (metric_) {
    case Metric::binary_accuracy:
    case Metric::categorical_accuracy:
    case Metric::mae: return sum_ / count_;
    case Metric::rmse: return std::sqrt(sum_ / count_);
    case Metric::precision: return ratio_or_zero(true_positives_, true_positives_ + false_positives_);
    case Metric::recall: return ratio_or_zero(true_positives_, true_positives_ + false_negatives_);
    case Metric::f1: return f1_from(true_positives_, false_positives_, false_negatives_);
    case Metric::auc: return auc_from(labels_, scores_);
    case Metric::macro_f1: return macro_f1(confusion_);
    case Metric::r2: {
      if (count_ < 2) return std::numeric_limits<double>::quiet_NaN();  // as r2_score
      double total = 0.0;
      for (std::size_t j = 0; j < squared_residuals_.size(); ++j)
        total += r2_from(squared_residuals_[j], y_squared_deviations_[j]);
      return total / static_cast<double>(squared_residuals_.size());
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void MetricAccumulator::reset() {
  sum_ = count_ = true_positives_ = false_positives_ = false_negatives_ = 0.0;
  labels_.clear();
  scores_.clear();
  confusion_.resize(0, 0);
  squared_residuals_.clear();
  y_means_.clear();
  y_squared_deviations_.clear();
}

double WeightedMean::result() const { return weight_ > 0 ? sum_ / weight_ : std::numeric_limits<double>::quiet_NaN(); }

#define LRTUNE_INSTANTIATE_METRICS(T)                                                             \
  template double binary_accuracy<T>(const MatrixRef<T>&, const MatrixRef<T>&, double);           \
  template double categorical_accuracy<T>(const MatrixRef<T>&, const MatrixRef<T>&);              \
  template double precision<T>(const MatrixRef<T>&, const MatrixRef<T>&, double);                 \
  template double recall<T>(const MatrixRef<T>&, const MatrixRef<T>&, double);                    \
  template double f1_score<T>(const MatrixRef<T>&, const MatrixRef<T>&, double);                  \
  template double roc_auc<T>(const MatrixRef<T>&, const MatrixRef<T>&);                           \
  template double mean_absolute_error<T>(const MatrixRef<T>&, const MatrixRef<T>&);               \
  template double root_mean_squared_error<T>(const MatrixRef<T>&, const MatrixRef<T>&);           \
  template double r2_score<T>(const MatrixRef<T>&, const MatrixRef<T>&);                          \
  template double macro_f1_score<T>(const MatrixRef<T>&, const MatrixRef<T>&, double);            \
  template ConfusionMatrix confusion_matrix<T>(const MatrixRef<T>&, const MatrixRef<T>&, double); \
  template double compute_metric<T>(Metric, const MatrixRef<T>&, const MatrixRef<T>&);            \
  template void MetricAccumulator::update<T>(const MatrixRef<T>&, const MatrixRef<T>&);
LRTUNE_INSTANTIATE_METRICS(float)
LRTUNE_INSTANTIATE_METRICS(double)
#undef LRTUNE_INSTANTIATE_METRICS

}  // namespace lrtune
