// Private element kernels of the activations, written once for any Eigen block (a whole matrix
// or one row), so Dense can fuse bias + activation per row and backward can fuse the derivative.
// Contract: Z may alias A for every activation except gelu (its derivative needs the real Z).
#pragma once

#include <cmath>

#include <Eigen/Core>

#include "lrtune/nn/activations.hpp"

namespace lrtune::detail {

template <typename T>
inline T gelu_value(T z) {
  return T(0.5) * z * (T(1) + std::erf(z * T(0.70710678118654752440)));
}
template <typename T>
inline T gelu_derivative(T z) {
  // d/dz [z Phi(z)] = Phi(z) + z phi(z)
  const T cdf = T(0.5) * (T(1) + std::erf(z * T(0.70710678118654752440)));
  const T pdf = T(0.39894228040143267794) * std::exp(T(-0.5) * z * z);
  return cdf + z * pdf;
}

// A = f(Z) for a block of rows (softmax: along each row). A may be Z.
template <typename T, typename ZExpr, typename AExpr>
inline void activate(Activation activation, const ZExpr& Z, AExpr&& A) {
  switch (activation) {
    case Activation::linear:
      if (static_cast<const void*>(A.data()) != static_cast<const void*>(Z.data())) A = Z;
      return;
    case Activation::relu: A.array() = Z.array().max(T(0)); return;
    case Activation::sigmoid: A.array() = Z.array().logistic(); return;
    case Activation::tanh: A.array() = Z.array().tanh(); return;
    case Activation::leaky_relu:
      A.array() = (Z.array() > T(0)).select(Z.array(), T(kLeakyReluSlope) * Z.array());
      return;
    case Activation::elu:
      A.array() = (Z.array() > T(0)).select(Z.array(), T(kEluAlpha) * (Z.array().exp() - T(1)));
      return;
    case Activation::gelu: A = Z.unaryExpr([](T z) { return gelu_value(z); }); return;
    case Activation::softmax:
      for (Index i = 0; i < Z.rows(); ++i) {
        const T max = Z.row(i).maxCoeff();
        A.row(i).array() = (Z.row(i).array() - max).exp();
        A.row(i) /= A.row(i).sum();
      }
      return;
  }
}

// dZ = dA ⊙ f'(Z), computed from A where possible. dZ may be dA; Z may be A except for gelu.
template <typename T, typename ZExpr, typename AExpr, typename DAExpr, typename DZExpr>
inline void activate_backward(Activation activation, const ZExpr& Z, const AExpr& A, const DAExpr& dA, DZExpr&& dZ) {
  switch (activation) {
    case Activation::linear:
      // dZ = dA
      if constexpr (requires { dA.data(); }) {
        if (static_cast<const void*>(dZ.data()) == static_cast<const void*>(dA.data())) return;
      }
      dZ = dA;
      return;
    case Activation::relu:
      // dZ = dA ⊙ [A > 0]
      dZ.array() = (A.array() > T(0)).select(dA.array(), T(0));
      return;
    case Activation::sigmoid:
      // dZ = dA ⊙ A ⊙ (1 - A)
      dZ.array() = dA.array() * A.array() * (T(1) - A.array());
      return;
    case Activation::tanh:
      // dZ = dA ⊙ (1 - A^2)
      dZ.array() = dA.array() * (T(1) - A.array().square());
      return;
    case Activation::leaky_relu:
      // dZ = dA ⊙ (A > 0 ? 1 : slope)
      dZ.array() = (A.array() > T(0)).select(dA.array(), T(kLeakyReluSlope) * dA.array());
      return;
    case Activation::elu:
      // dZ = dA ⊙ (A > 0 ? 1 : alpha e^z = A + alpha)
      dZ.array() = (A.array() > T(0)).select(dA.array(), dA.array() * (A.array() + T(kEluAlpha)));
      return;
    case Activation::gelu:
      // dZ = dA ⊙ (Phi(Z) + Z phi(Z))
      dZ.array() = dA.array() * Z.array().unaryExpr([](T z) { return gelu_derivative(z); });
      return;
    case Activation::softmax:
      // dZ = A ⊙ (dA - rowsum(dA ⊙ A))
      for (Index i = 0; i < A.rows(); ++i) {
        const T dot = dA.row(i).dot(A.row(i));
        dZ.row(i).array() = A.row(i).array() * (dA.row(i).array() - dot);
      }
      return;
  }
}

}  // namespace lrtune::detail
