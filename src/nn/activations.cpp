// Activation name lookup and the matrix forms of the activation kernels (activation_kernels.hpp).
// Dense and the losses call the kernels directly; these entry points serve tests and users.
#include "lrtune/nn/activations.hpp"
#include "lrtune/core/name_table.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "activation_kernels.hpp"
#include "lrtune/core/error.hpp"

namespace lrtune {
namespace {

constexpr NameTable<Activation, 8> kActivations{{
    {"linear", Activation::linear},
    {"relu", Activation::relu},
    {"sigmoid", Activation::sigmoid},
    {"tanh", Activation::tanh},
    {"leaky_relu", Activation::leaky_relu},
    {"elu", Activation::elu},
    {"gelu", Activation::gelu},
    {"softmax", Activation::softmax},
}};

}  // namespace

std::string activation_names() { return joined_names(kActivations); }

Activation activation_from_name(std::string_view name) { return value_from_name(kActivations, name, "activation"); }

std::string_view activation_name(Activation activation) {
  return name_of_value(kActivations, activation, "Activation");
}

template <typename T>
void activation_forward(Activation activation, const Eigen::Ref<const MatrixT<T>>& Z, Eigen::Ref<MatrixT<T>> A) {
  if (Z.rows() != A.rows() || Z.cols() != A.cols())
    throw UsageError("activation_forward: Z and A must have the same shape");
  detail::activate<T>(activation, Z, A);
}

template <typename T>
void activation_backward(Activation activation, const Eigen::Ref<const MatrixT<T>>& Z,
                         const Eigen::Ref<const MatrixT<T>>& A, const Eigen::Ref<const MatrixT<T>>& dA,
                         Eigen::Ref<MatrixT<T>> dZ) {
  if (Z.rows() != dZ.rows() || Z.cols() != dZ.cols() || A.rows() != dZ.rows() || A.cols() != dZ.cols() ||
      dA.rows() != dZ.rows() || dA.cols() != dZ.cols())
    throw UsageError("activation_backward: Z, A, dA and dZ must have the same shape");
  detail::activate_backward<T>(activation, Z, A, dA, dZ);
}

template void activation_forward<float>(Activation, const Eigen::Ref<const MatrixT<float>>&,
                                        Eigen::Ref<MatrixT<float>>);
template void activation_forward<double>(Activation, const Eigen::Ref<const MatrixT<double>>&,
                                         Eigen::Ref<MatrixT<double>>);
template void activation_backward<float>(Activation, const Eigen::Ref<const MatrixT<float>>&,
                                         const Eigen::Ref<const MatrixT<float>>&,
                                         const Eigen::Ref<const MatrixT<float>>&, Eigen::Ref<MatrixT<float>>);
template void activation_backward<double>(Activation, const Eigen::Ref<const MatrixT<double>>&,
                                          const Eigen::Ref<const MatrixT<double>>&,
                                          const Eigen::Ref<const MatrixT<double>>&, Eigen::Ref<MatrixT<double>>);

}  // namespace lrtune
