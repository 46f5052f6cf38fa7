// Matrix and vector types shared by every part of lrtune.
// One layout everywhere: a batch or a data set is (samples, features), row-major,
// as in numpy and Keras, so one sample is one contiguous row.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace lrtune {

using Index = Eigen::Index;

template <typename T>
using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using VectorT = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <typename T>
using RowVectorT = Eigen::Matrix<T, 1, Eigen::Dynamic>;

// Training runs in float32, as Keras does; gradient checks use the double forms.
using Matrix = MatrixT<float>;
using Vector = VectorT<float>;
using RowVector = RowVectorT<float>;
using MatrixD = MatrixT<double>;
using VectorD = VectorT<double>;

}  // namespace lrtune
