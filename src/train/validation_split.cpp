// One validation split for every caller, so that fit, the finder and the tuner hold out the same
// rows for the same seed.
#include "lrtune/train/validation_split.hpp"

#include <vector>

#include "lrtune/core/split.hpp"

namespace lrtune {
namespace {

Matrix gather_rows(const Matrix& source, const std::vector<Index>& rows) {
  Matrix out(static_cast<Index>(rows.size()), source.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Index>(i)) = source.row(rows[i]);
  return out;
}

}  // namespace

ValidationSplit split_for_validation(const Matrix& X, const Matrix& y, double fraction, std::uint64_t seed,
                                     const Vector* sample_weights) {
  const SplitIndices split = train_test_split_indices(X.rows(), fraction, static_cast<std::uint32_t>(seed));
  ValidationSplit out{gather_rows(X, split.train), gather_rows(y, split.train), gather_rows(X, split.test),
                      gather_rows(y, split.test), Vector()};
  if (sample_weights != nullptr) {
    out.w_train.resize(static_cast<Index>(split.train.size()));
    for (std::size_t i = 0; i < split.train.size(); ++i)
      out.w_train(static_cast<Index>(i)) = (*sample_weights)(split.train[i]);
  }
  return out;
}

}  // namespace lrtune
