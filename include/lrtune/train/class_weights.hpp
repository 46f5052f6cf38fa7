// Class weights for imbalanced classification (`--class-weight balanced`): scikit-learn's
// "balanced" formula and the per-row sample weights that fit's FitOptions::sample_weights takes.
// Which classes exist and whether one is missing from a split is data's and the caller's to say.
#pragma once

#include <vector>

#include "lrtune/core/types.hpp"

namespace lrtune {

// Each row's class: one output -> 1 when y > 0.5, else 0; several outputs (one-hot) -> the row's
// argmax (the first maximum on ties). y is (samples, outputs).
std::vector<Index> class_labels(const Matrix& y);

// scikit-learn's compute_class_weight("balanced"): n_samples / (classes * count_k) for each class
// k in 0..classes-1, (classes,). A class with no rows gets 0 (no row carries it; scikit-learn
// refuses such a class, lrtune's callers warn about it). Throws UsageError for classes < 1, no
// labels, or a label outside 0..classes-1.
std::vector<double> class_weights_balanced(const std::vector<Index>& labels, Index classes);

// The two halves of class_weights_balanced, for labels spread over ranks (counts summed over them):
// each class's rows, (classes,), with the same checks; and n / (classes * count_k) from those counts.
std::vector<double> class_counts(const std::vector<Index>& labels, Index classes);
std::vector<double> class_weights_from_counts(const std::vector<double>& counts);

// One weight per row: class_weights[labels[i]], (samples,). Throws UsageError for a label with no weight.
Vector sample_weights_from_labels(const std::vector<Index>& labels, const std::vector<double>& class_weights);

}  // namespace lrtune
