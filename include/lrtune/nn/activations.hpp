// Activation functions of dense layers, forward and backward, on (batch, units) matrices.
// Keras names and defaults. The fused bias + activation pass of Dense and the fused
// loss + output activation of the losses use the same element kernels; nothing here allocates.
#pragma once

#include <string>
#include <string_view>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"

namespace lrtune {

enum class Activation { linear, relu, sigmoid, tanh, leaky_relu, elu, gelu, softmax };

// Keras' defaults for the string names:
// - "leaky_relu": negative slope 0.2 (keras.activations.leaky_relu and tf.nn.leaky_relu; the
//   LeakyReLU *layer* defaults to 0.3, but a Dense(activation="leaky_relu") uses the function);
// - "elu": alpha 1.0;
// - "gelu": the exact erf form 0.5 z (1 + erf(z / sqrt 2)) (Keras approximate=False);
// - "softmax": along the units of each row; allowed only on a model's last layer.
inline constexpr double kLeakyReluSlope = 0.2;
inline constexpr double kEluAlpha = 1.0;

// Name lookup ("relu", "sigmoid", ...); throws UsageError listing valid names.
Activation activation_from_name(std::string_view name);
std::string_view activation_name(Activation activation);
std::string activation_names();  // "linear, relu, ..." for messages and help

// A = f(Z), shapes (batch, units). A may be Z itself.
template <typename T>
void activation_forward(Activation activation, const Eigen::Ref<const MatrixT<T>>& Z, Eigen::Ref<MatrixT<T>> A);

// dZ = dA ⊙ f'(Z) (softmax: dZ = A ⊙ (dA - rowsum(dA ⊙ A))), given Z and A = f(Z).
// Overwrites dZ; dZ may be dA itself. Only gelu reads Z (the others use A), so callers that keep
// A in place of Z may pass A twice except for gelu.
template <typename T>
void activation_backward(Activation activation, const Eigen::Ref<const MatrixT<T>>& Z,
                         const Eigen::Ref<const MatrixT<T>>& A, const Eigen::Ref<const MatrixT<T>>& dA,
                         Eigen::Ref<MatrixT<T>> dZ);

}  // namespace lrtune
