// StandardScaler and MinMaxScaler statistics with scikit-learn's constant-column rules.
#include "lrtune/data/scaler.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <vector>

#include "lrtune/data/error.hpp"

namespace lrtune {

namespace {

// numpy's pairwise summation (pairwise_sum_DOUBLE), which np.sum uses along a contiguous
// axis: scikit-learn sums the columns of a Fortran-ordered array this way, so the same
// order of additions gives its means and variances to the last bit.
double pairwise_sum(const double* a, std::size_t n) {
  constexpr std::size_t kBlock = 128;
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

}  // namespace

std::string_view to_string(ScalerKind kind) {
  switch (kind) {
    case ScalerKind::kNone: return "none";
    case ScalerKind::kStandard: return "standard";
    case ScalerKind::kMinMax: return "minmax";
  }
  return "?";
}

ScalerKind parse_scaler_kind(std::string_view text) {
  for (auto k : {ScalerKind::kNone, ScalerKind::kStandard, ScalerKind::kMinMax}) {
    if (text == to_string(k)) return k;
  }
  throw DataError(fmt::format("scaler \"{}\": expected none, standard or minmax", text));
}

Scaler Scaler::fit(ScalerKind kind, const MatrixD& x_train) {
  const Index n = x_train.rows();
  const Index d = x_train.cols();
  if (kind != ScalerKind::kNone && n == 0) throw DataError("scaler: cannot fit on zero train rows");
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  Scaler s;
  s.kind_ = kind;
  s.offset_ = VectorD::Zero(d);
  s.scale_ = VectorD::Ones(d);
  std::vector<double> column(static_cast<std::size_t>(n));
  std::vector<double> squares(static_cast<std::size_t>(n));
  const auto count = static_cast<std::size_t>(n);
  for (Index j = 0; j < d; ++j) {
    if (kind == ScalerKind::kStandard) {
      // The corrected two-pass algorithm of scikit-learn's _incremental_mean_and_var:
      // mean = sum(x) / n; t = x - mean; var = (sum(t^2) - sum(t)^2 / n) / n.
      for (Index i = 0; i < n; ++i) column[static_cast<std::size_t>(i)] = x_train(i, j);
      const double mean = pairwise_sum(column.data(), count) / static_cast<double>(n);
      for (std::size_t i = 0; i < count; ++i) {
        column[i] -= mean;
        squares[i] = column[i] * column[i];
      }
      const double correction = pairwise_sum(column.data(), count);
      const double var =
          (pairwise_sum(squares.data(), count) - correction * correction / static_cast<double>(n)) / static_cast<double>(n);
      // scikit-learn's _is_constant_feature: var within its rounding error of zero.
      const double rows = static_cast<double>(n);
      const double bound = rows * kEps * var + (rows * mean * kEps) * (rows * mean * kEps);
      s.offset_[j] = mean;
      s.scale_[j] = var <= bound ? 1.0 : std::sqrt(var);
      if (var <= bound) s.constant_.push_back(j);
    } else if (kind == ScalerKind::kMinMax) {
      double lo = x_train(0, j), hi = x_train(0, j);
      for (Index i = 1; i < n; ++i) {
        lo = std::min(lo, x_train(i, j));
        hi = std::max(hi, x_train(i, j));
      }
      const double range = hi - lo;
      s.offset_[j] = lo;
      s.scale_[j] = range < 10.0 * kEps ? 1.0 : range;  // _handle_zeros_in_scale
      if (range < 10.0 * kEps) s.constant_.push_back(j);
    }
  }
  return s;
}

void Scaler::transform_in_place(MatrixD& x) const {
  if (kind_ == ScalerKind::kNone) return;
  if (x.cols() != offset_.size()) {
    throw DataError(fmt::format("scaler: fitted on {} features, given {}", offset_.size(), x.cols()));
  }
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index j = 0; j < x.cols(); ++j) x(i, j) = (x(i, j) - offset_[j]) / scale_[j];
  }
}

MatrixD Scaler::transform(const MatrixD& x) const {
  MatrixD out = x;
  transform_in_place(out);
  return out;
}

MatrixD Scaler::inverse_transform(const MatrixD& x) const {
  MatrixD out = x;
  if (kind_ == ScalerKind::kNone) return out;
  for (Index i = 0; i < out.rows(); ++i) {
    for (Index j = 0; j < out.cols(); ++j) out(i, j) = out(i, j) * scale_[j] + offset_[j];
  }
  return out;
}

nlohmann::json Scaler::to_json() const {
  return {{"kind", to_string(kind_)},
          {"offset", std::vector<double>(offset_.data(), offset_.data() + offset_.size())},
          {"scale", std::vector<double>(scale_.data(), scale_.data() + scale_.size())}};
}

Scaler Scaler::from_json(const nlohmann::json& json) {
  Scaler s;
  s.kind_ = parse_scaler_kind(json.at("kind").get<std::string>());
  const auto offset = json.at("offset").get<std::vector<double>>();
  const auto scale = json.at("scale").get<std::vector<double>>();
  if (offset.size() != scale.size()) throw DataError("scaler JSON: offset and scale differ in length");
  s.offset_ = Eigen::Map<const VectorD>(offset.data(), static_cast<Index>(offset.size()));
  s.scale_ = Eigen::Map<const VectorD>(scale.data(), static_cast<Index>(scale.size()));
  return s;
}

}  // namespace lrtune
