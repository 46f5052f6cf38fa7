// scikit-learn's balanced class weights and their expansion to per-row sample weights.
#include "lrtune/train/class_weights.hpp"

#include <fmt/format.h>

#include "lrtune/core/error.hpp"

namespace lrtune {

std::vector<Index> class_labels(const Matrix& y) {
  std::vector<Index> labels(static_cast<std::size_t>(y.rows()));
  for (Index i = 0; i < y.rows(); ++i) {
    Index label = 0;
    if (y.cols() == 1) {
      label = y(i, 0) > 0.5f ? 1 : 0;
    } else {
      for (Index j = 1; j < y.cols(); ++j)
        if (y(i, j) > y(i, label)) label = j;
    }
    labels[static_cast<std::size_t>(i)] = label;
  }
  return labels;
}

std::vector<double> class_counts(const std::vector<Index>& labels, Index classes) {
  if (classes < 1) throw UsageError(fmt::format("class_weights_balanced: classes must be >= 1, got {}", classes));
  std::vector<double> counts(static_cast<std::size_t>(classes), 0.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes)
      throw UsageError(
          fmt::format("class_weights_balanced: label {} at row {} outside 0..{}", labels[i], i, classes - 1));
    counts[static_cast<std::size_t>(labels[i])] += 1.0;
  }
  return counts;
}

std::vector<double> class_weights_from_counts(const std::vector<double>& counts) {
  double samples = 0.0;
  for (const double count : counts) samples += count;
  if (samples == 0.0) throw UsageError("class_weights_balanced: no labels");
  // w_k = n_samples / (n_classes * count_k)
  const auto classes = static_cast<double>(counts.size());
  std::vector<double> weights(counts.size(), 0.0);
  for (std::size_t k = 0; k < counts.size(); ++k)
    if (counts[k] > 0) weights[k] = samples / (classes * counts[k]);
  return weights;
}

std::vector<double> class_weights_balanced(const std::vector<Index>& labels, Index classes) {
  if (classes >= 1 && labels.empty()) throw UsageError("class_weights_balanced: no labels");
  return class_weights_from_counts(class_counts(labels, classes));
}

Vector sample_weights_from_labels(const std::vector<Index>& labels, const std::vector<double>& class_weights) {
  Vector weights(static_cast<Index>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= class_weights.size())
      throw UsageError(fmt::format("sample_weights_from_labels: label {} at row {} has no class weight ({} given)",
                                   labels[i], i, class_weights.size()));
    weights(static_cast<Index>(i)) = static_cast<float>(class_weights[static_cast<std::size_t>(labels[i])]);
  }
  return weights;
}

}  // namespace lrtune
