// Forced (-include) into every file of the fuzz build; gcc and newer clang need none of it.
// Clang 14 uniques Eigen::Ref's dependent default argument (conditional<M::IsVectorAtCompileTime,
// ...>) without the const of M, so in a file that declares a Ref<const MatrixT<T>> first, a
// Ref<MatrixT<T>> is mangled as if const: call sites in sequential.cpp then name functions that
// the explicit instantiations in layers.cpp or initializers.cpp spell differently, and the link
// fails. Declaring the non-const forms first in every file makes every file mangle alike.
#pragma once

#include <Eigen/Core>

#include "lrtune/core/types.hpp"

namespace lrtune::clang14_mangling {
template <typename T>
void declared_first(Eigen::Ref<MatrixT<T>>, Eigen::Ref<VectorT<T>>, Eigen::Ref<RowVectorT<T>>);
}  // namespace lrtune::clang14_mangling
