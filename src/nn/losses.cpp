// Keras losses from the logits: fused stable BCE + sigmoid and CCE + softmax, MSE / MAE chained
// through any output activation, Huber on a linear output. Each returns the batch mean and dL/dlogits.
#include "lrtune/nn/losses.hpp"
#include "lrtune/core/name_table.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "activation_kernels.hpp"
#include "lrtune/core/error.hpp"

namespace lrtune {
namespace {

constexpr NameTable<Loss, 10> kLosses{{
    {"binary_crossentropy", Loss::binary_crossentropy},
    {"categorical_crossentropy", Loss::categorical_crossentropy},
    {"mean_squared_error", Loss::mean_squared_error},
    {"mean_absolute_error", Loss::mean_absolute_error},
    {"huber", Loss::huber},
    {"bce", Loss::binary_crossentropy},
    {"cce", Loss::categorical_crossentropy},
    {"mse", Loss::mean_squared_error},
    {"mae", Loss::mean_absolute_error},
    {"huber_loss", Loss::huber},
}};

template <typename T>
void check_shapes(const Eigen::Ref<const MatrixT<T>>& logits, const Eigen::Ref<const MatrixT<T>>& y_true) {
  if (logits.rows() != y_true.rows() || logits.cols() != y_true.cols())
    throw UsageError("loss: y_true is (" + std::to_string(y_true.rows()) + ", " + std::to_string(y_true.cols()) +
                     ") but the logits are (" + std::to_string(logits.rows()) + ", " + std::to_string(logits.cols()) +
                     "); they must have the same shape");
  if (logits.rows() == 0) throw UsageError("loss: the batch is empty");
}

// Row-wise log-sum-exp of the logits, stable: m + log(sum exp(z - m)).
template <typename Row>
auto log_sum_exp(const Row& z) {
  const auto m = z.maxCoeff();
  return m + std::log((z.array() - m).exp().sum());
}

// Huber's elementwise term of r = z - y: 0.5 r^2 inside [-delta, delta], linear outside.
template <typename T>
struct HuberTerm {
  T operator()(T r) const {
    const T delta = static_cast<T>(kHuberDelta);
    const T a = std::abs(r);
    return a <= delta ? T(0.5) * r * r : delta * (a - T(0.5) * delta);
  }
};

}  // namespace

std::string loss_names() { return joined_names(kLosses); }

Loss loss_from_name(std::string_view name) { return value_from_name(kLosses, name, "loss"); }

std::string_view loss_name(Loss loss) { return name_of_value(kLosses, loss, "Loss"); }

void check_loss_output(Loss loss, Activation output_activation) {
  if (loss == Loss::binary_crossentropy && output_activation != Activation::sigmoid &&
      output_activation != Activation::linear)
    throw UsageError("binary_crossentropy needs a sigmoid (or linear = logits) output layer, not " +
                     std::string(activation_name(output_activation)));
  if (loss == Loss::categorical_crossentropy && output_activation != Activation::softmax &&
      output_activation != Activation::linear)
    throw UsageError("categorical_crossentropy needs a softmax (or linear = logits) output layer, not " +
                     std::string(activation_name(output_activation)));
  if (loss == Loss::huber && output_activation != Activation::linear)
    throw UsageError("huber needs a linear output layer (a regression on the standardised target), not " +
                     std::string(activation_name(output_activation)));
}

template <typename T>
double loss_value(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                  const Eigen::Ref<const MatrixT<T>>& y_true) {
  check_loss_output(loss, output_activation);
  check_shapes<T>(logits, y_true);
  const double elements = static_cast<double>(logits.size());
  switch (loss) {
    case Loss::binary_crossentropy: {
      // max(z, 0) - z y + log1p(exp(-|z|))
      const auto z = logits.array();
      return static_cast<double>(
                 (z.max(T(0)) - z * y_true.array() + (-z.abs()).exp().log1p()).template cast<double>().sum()) /
             elements;
    }
    case Loss::categorical_crossentropy: {
      double total = 0.0;
      for (Index i = 0; i < logits.rows(); ++i) {
        // -sum_j y_j (z_j - lse(z))
        const T lse = log_sum_exp(logits.row(i));
        total += static_cast<double>((y_true.row(i).array() * (lse - logits.row(i).array())).sum());
      }
      return total / static_cast<double>(logits.rows());
    }
    case Loss::mean_squared_error:
    case Loss::mean_absolute_error: {
      MatrixT<T> A(logits.rows(), logits.cols());  // (batch, outputs)
      detail::activate<T>(output_activation, logits, A);
      const auto diff = (A - y_true).array().template cast<double>();
      return (loss == Loss::mean_squared_error ? diff.square().sum() : diff.abs().sum()) / elements;
    }
    case Loss::huber:
      return (logits - y_true).array().unaryExpr(HuberTerm<T>()).template cast<double>().sum() / elements;
  }
  throw UsageError("loss_value: invalid Loss value");
}

template <typename T>
double loss_and_gradient(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                         const Eigen::Ref<const MatrixT<T>>& y_true, Eigen::Ref<MatrixT<T>> dlogits) {
  check_loss_output(loss, output_activation);
  check_shapes<T>(logits, y_true);
  if (dlogits.rows() != logits.rows() || dlogits.cols() != logits.cols())
    throw UsageError("loss_and_gradient: dlogits must have the shape of the logits");
  const double elements = static_cast<double>(logits.size());
  const T inv_elements = static_cast<T>(1.0 / elements);
  switch (loss) {
    case Loss::binary_crossentropy: {
      const auto z = logits.array();
      const double value =
          static_cast<double>(
              (z.max(T(0)) - z * y_true.array() + (-z.abs()).exp().log1p()).template cast<double>().sum()) /
          elements;
      // dL/dz = (sigmoid(z) - y) / N
      dlogits.array() = (z.logistic() - y_true.array()) * inv_elements;
      return value;
    }
    case Loss::categorical_crossentropy: {
      double total = 0.0;
      const T inv_rows = static_cast<T>(1.0 / static_cast<double>(logits.rows()));
      for (Index i = 0; i < logits.rows(); ++i) {
        const T lse = log_sum_exp(logits.row(i));
        const T y_sum = y_true.row(i).sum();
        total += static_cast<double>((y_true.row(i).array() * (lse - logits.row(i).array())).sum());
        // dL/dz = (softmax(z) sum_j y_j - y) / n
        dlogits.row(i).array() = ((logits.row(i).array() - lse).exp() * y_sum - y_true.row(i).array()) * inv_rows;
      }
      return total / static_cast<double>(logits.rows());
    }
    case Loss::mean_squared_error:
    case Loss::mean_absolute_error: {
      // A = f(Z), kept in dlogits until the gradient overwrites it element by element
      detail::activate<T>(output_activation, logits, dlogits);
      const auto A = dlogits;
      const double value = loss == Loss::mean_squared_error
                               ? (A - y_true).array().template cast<double>().square().sum() / elements
                               : (A - y_true).array().template cast<double>().abs().sum() / elements;
      if (output_activation == Activation::linear) {
        // dL/dz = dL/da = 2 (a - y) / N  or  sign(a - y) / N
        if (loss == Loss::mean_squared_error)
          dlogits.array() = (A.array() - y_true.array()) * (T(2) * inv_elements);
        else
          dlogits.array() = (A.array() - y_true.array()).sign() * inv_elements;
        return value;
      }
      // dL/dz = dL/da ⊙ f'(z), reading each a before its element is overwritten
      if (loss == Loss::mean_squared_error)
        detail::activate_backward<T>(output_activation, logits, A, (A - y_true) * (T(2) * inv_elements), dlogits);
      else
        detail::activate_backward<T>(output_activation, logits, A, (A - y_true).array().sign().matrix() * inv_elements,
                                     dlogits);
      return value;
    }
    case Loss::huber: {
      const auto r = (logits - y_true).array();
      const double value = r.unaryExpr(HuberTerm<T>()).template cast<double>().sum() / elements;
      // dL/dz = clip(z - y, -delta, delta) / N
      const T delta = static_cast<T>(kHuberDelta);
      dlogits.array() = r.max(-delta).min(delta) * inv_elements;
      return value;
    }
  }
  throw UsageError("loss_and_gradient: invalid Loss value");
}

namespace {

template <typename T>
void check_weights(const Eigen::Ref<const MatrixT<T>>& logits, const Eigen::Ref<const VectorT<T>>& sample_weights) {
  if (sample_weights.size() != logits.rows())
    throw UsageError("loss: " + std::to_string(sample_weights.size()) + " sample weights for a batch of " +
                     std::to_string(logits.rows()) + " rows; give one weight per row");
}

}  // namespace

template <typename T>
double loss_value(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                  const Eigen::Ref<const MatrixT<T>>& y_true, const Eigen::Ref<const VectorT<T>>& sample_weights) {
  check_loss_output(loss, output_activation);
  check_shapes<T>(logits, y_true);
  check_weights<T>(logits, sample_weights);
  const double elements = static_cast<double>(logits.size());
  // Each element's term times its row's weight, summed as the unweighted forms sum (the same
  // expression shapes, so weights of 1 give the same bits): sum_ij w_i l_ij / N.
  const MatrixD weights = sample_weights.template cast<double>().replicate(1, logits.cols());  // (batch, outputs)
  const auto weighted_mean = [&](const auto& terms) { return (terms * weights.array()).sum() / elements; };
  switch (loss) {
    case Loss::binary_crossentropy: {
      const auto z = logits.array();
      return weighted_mean((z.max(T(0)) - z * y_true.array() + (-z.abs()).exp().log1p()).template cast<double>());
    }
    case Loss::categorical_crossentropy: {
      double total = 0.0;
      for (Index i = 0; i < logits.rows(); ++i) {
        const T lse = log_sum_exp(logits.row(i));
        total += static_cast<double>(sample_weights(i)) *
                 static_cast<double>((y_true.row(i).array() * (lse - logits.row(i).array())).sum());
      }
      return total / static_cast<double>(logits.rows());
    }
    case Loss::mean_squared_error:
    case Loss::mean_absolute_error: {
      MatrixT<T> A(logits.rows(), logits.cols());  // (batch, outputs)
      detail::activate<T>(output_activation, logits, A);
      const auto diff = (A - y_true).array().template cast<double>();
      return loss == Loss::mean_squared_error ? weighted_mean(diff.square()) : weighted_mean(diff.abs());
    }
    case Loss::huber: return weighted_mean((logits - y_true).array().unaryExpr(HuberTerm<T>()).template cast<double>());
  }
  throw UsageError("loss_value: invalid Loss value");
}

template <typename T>
double loss_and_gradient(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                         const Eigen::Ref<const MatrixT<T>>& y_true, const Eigen::Ref<const VectorT<T>>& sample_weights,
                         Eigen::Ref<MatrixT<T>> dlogits) {
  check_weights<T>(logits, sample_weights);
  loss_and_gradient<T>(loss, output_activation, logits, y_true, dlogits);
  // d(sum_i w_i l_i / n)/dz_i = w_i dl_i/dz_i / n: the unweighted gradient, row i scaled by w_i
  dlogits.array().colwise() *= sample_weights.array();
  return loss_value<T>(loss, output_activation, logits, y_true, sample_weights);
}

template <typename T>
std::vector<double> row_losses(Loss loss, Activation output_activation, const Eigen::Ref<const MatrixT<T>>& logits,
                               const Eigen::Ref<const MatrixT<T>>& y_true) {
  std::vector<double> out(static_cast<std::size_t>(logits.rows()));
  for (Index i = 0; i < logits.rows(); ++i)
    out[static_cast<std::size_t>(i)] = loss_value<T>(loss, output_activation, logits.row(i), y_true.row(i));
  return out;
}

template double loss_value<float>(Loss, Activation, const Eigen::Ref<const MatrixT<float>>&,
                                  const Eigen::Ref<const MatrixT<float>>&);
template double loss_value<double>(Loss, Activation, const Eigen::Ref<const MatrixT<double>>&,
                                   const Eigen::Ref<const MatrixT<double>>&);
template double loss_and_gradient<float>(Loss, Activation, const Eigen::Ref<const MatrixT<float>>&,
                                         const Eigen::Ref<const MatrixT<float>>&, Eigen::Ref<MatrixT<float>>);
template double loss_and_gradient<double>(Loss, Activation, const Eigen::Ref<const MatrixT<double>>&,
                                          const Eigen::Ref<const MatrixT<double>>&, Eigen::Ref<MatrixT<double>>);
template double loss_value<float>(Loss, Activation, const Eigen::Ref<const MatrixT<float>>&,
                                  const Eigen::Ref<const MatrixT<float>>&, const Eigen::Ref<const VectorT<float>>&);
template double loss_value<double>(Loss, Activation, const Eigen::Ref<const MatrixT<double>>&,
                                   const Eigen::Ref<const MatrixT<double>>&, const Eigen::Ref<const VectorT<double>>&);
template double loss_and_gradient<float>(Loss, Activation, const Eigen::Ref<const MatrixT<float>>&,
                                         const Eigen::Ref<const MatrixT<float>>&,
                                         const Eigen::Ref<const VectorT<float>>&, Eigen::Ref<MatrixT<float>>);
template double loss_and_gradient<double>(Loss, Activation, const Eigen::Ref<const MatrixT<double>>&,
                                          const Eigen::Ref<const MatrixT<double>>&,
                                          const Eigen::Ref<const VectorT<double>>&, Eigen::Ref<MatrixT<double>>);

template std::vector<double> row_losses<float>(Loss, Activation, const Eigen::Ref<const MatrixT<float>>&,
                                               const Eigen::Ref<const MatrixT<float>>&);
template std::vector<double> row_losses<double>(Loss, Activation, const Eigen::Ref<const MatrixT<double>>&,
                                                const Eigen::Ref<const MatrixT<double>>&);

}  // namespace lrtune
