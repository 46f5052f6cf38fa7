// Losses as Keras computes them (per-batch mean), seen from the logits: the last Dense layer's
// pre-activation (batch, outputs) plus the output activation. Each returns the loss value and
// dL/dlogits, using fused stable forms for BCE + sigmoid and CCE + softmax. Where sample weights
// come from (class weights, the batch order) is train's business.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/nn/activations.hpp"

namespace lrtune {

// binary_crossentropy: mean over all elements of max(z,0) - z y + log1p(exp(-|z|)), from the logits
//   z; output activation sigmoid (TF-Keras recovers the logits) or linear (from_logits=True).
// categorical_crossentropy: mean over rows of -sum_j y_j log_softmax(z)_j; output softmax
//   (fused) or linear (from_logits=True).
// mean_squared_error / mean_absolute_error: mean over all elements of (a - y)^2 / |a - y| with
//   a = f(z), f any activation (the gradient chains through f; sign(0) = 0 as in TF).
// huber: mean over all elements of 0.5 r^2 where |r| <= delta, else delta (|r| - 0.5 delta), with
//   r = z - y and delta = kHuberDelta (Keras' Huber, torch.nn.HuberLoss); linear output only.
enum class Loss { binary_crossentropy, categorical_crossentropy, mean_squared_error, mean_absolute_error, huber };

// Huber's delta, fixed at the default of Keras and PyTorch rather than an option threaded through
// every caller of a Loss: regression targets are standardised (data's target scaler), so 1.0 is
// one standard deviation of the target whatever its units.
inline constexpr double kHuberDelta = 1.0;

// "binary_crossentropy" | "bce", "categorical_crossentropy" | "cce", "mean_squared_error" | "mse",
// "mean_absolute_error" | "mae", "huber" | "huber_loss"; throws UsageError listing valid names.
Loss loss_from_name(std::string_view name);
std::string_view loss_name(Loss loss);  // Keras' long name
std::string loss_names();

// Throws UsageError when `loss` cannot follow `output_activation` (e.g. BCE after relu, huber after sigmoid).
void check_loss_output(Loss loss, Activation output_activation);

// Mean loss of the batch; logits and y_true (batch, outputs).
template <typename T>
double loss_value(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                  const Eigen::Ref<const MatrixT<T>>& y_true);

// The loss of each row on its own, (batch,): loss_value of that row. Their mean is the batch's
// loss_value; the Tuner pairs them between two rates to measure the noise of a difference.
template <typename T>
std::vector<double> row_losses(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                               const Eigen::Ref<const MatrixT<T>>& y_true);

// Mean loss of the batch, and dlogits = dL/dlogits (batch, outputs), already divided by the batch
// (and, for elementwise losses, by the outputs), so backward needs no further scaling.
// Overwrites dlogits; it must have the shape of logits and must not alias logits or y_true.
template <typename T>
double loss_and_gradient(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                         const Eigen::Ref<const MatrixT<T>>& y_true, Eigen::Ref<MatrixT<T>> dlogits);

// Sample-weighted forms (Keras' sample_weight with reduction SUM_OVER_BATCH_SIZE): each row's loss
// times its weight, summed, divided by the batch size (not by the sum of the weights); dlogits is
// the unweighted gradient with row i scaled by w_i. sample_weights is (batch,). With every weight 1
// both equal the unweighted forms bit for bit. The unweighted overloads above stay the hot path:
// these compute the loss terms twice, which costs little beside a step's GEMMs.
template <typename T>
double loss_value(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                  const Eigen::Ref<const MatrixT<T>>& y_true, const Eigen::Ref<const VectorT<T>>& sample_weights);
template <typename T>
double loss_and_gradient(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                         const Eigen::Ref<const MatrixT<T>>& y_true, const Eigen::Ref<const VectorT<T>>& sample_weights,
                         Eigen::Ref<MatrixT<T>> dlogits);

}  // namespace lrtune
