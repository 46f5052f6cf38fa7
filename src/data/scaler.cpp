// StandardScaler and MinMaxScaler statistics with scikit-learn's constant-column rules.
#include "lrtune/data/scaler.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "json_fields.hpp"
#include "lrtune/core/name_table.hpp"
#include "lrtune/data/error.hpp"
#include "scaler_checks.hpp"

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

// The exponent e of a column's largest magnitude (2^e <= max |x| < 2^(e+1)); 0 for a zero column.
// The statistics are computed on x / 2^e, whose magnitudes are below 2, so sums and squares of
// 1e300-sized values do not overflow nor those of 1e-300-sized values underflow. Scaling by a power
// of two is exact, so on ordinary columns every result is bit-identical to the unscaled algorithm.
int magnitude_exponent(std::span<const double> values) {
  double largest = 0.0;
  for (const double v : values) largest = std::max(largest, std::abs(v));
  return largest > 0.0 ? std::ilogb(largest) : 0;
}

// The float32 range the network computes in (to_float): an unscaled value beyond it becomes inf.
constexpr double kFloatMax = std::numeric_limits<float>::max();

}  // namespace

namespace detail {

std::string feature_label(const std::vector<std::string>& names, Index j) {
  return j < static_cast<Index>(names.size()) ? fmt::format("\"{}\"", names[static_cast<std::size_t>(j)])
                                              : fmt::format("{} (0-based)", j);
}

void check_feature_values(ScalerKind kind, std::span<const double> values, Index j,
                          const std::vector<std::string>& names) {
  for (const double v : values) {
    if (!std::isfinite(v) || (kind == ScalerKind::none && std::abs(v) > kFloatMax)) {
      throw DataError(fmt::format("scaler: feature {} holds {} in the train part; expected finite numbers{}",
                                  feature_label(names, j), v,
                                  std::isfinite(v) ? fmt::format(" within float32's range (+-{:.7g}) that training "
                                                                 "uses, or a scaler (standard or minmax)",
                                                                 kFloatMax)
                                                   : ""));
    }
  }
}

void check_feature_values(ScalerKind kind, const MatrixD& x_train, Index j, const std::vector<std::string>& names) {
  std::vector<double> values(static_cast<std::size_t>(x_train.rows()));
  for (Index i = 0; i < x_train.rows(); ++i) values[static_cast<std::size_t>(i)] = x_train(i, j);
  check_feature_values(kind, values, j, names);
}

}  // namespace detail

namespace {
constexpr NameTable<ScalerKind, 3> kScalerKinds{
    {{"none", ScalerKind::none}, {"standard", ScalerKind::standard}, {"minmax", ScalerKind::min_max}}};
}  // namespace

std::string_view scaler_kind_name(ScalerKind kind) { return name_of_value(kScalerKinds, kind, "scaler"); }

ScalerKind scaler_kind_from_name(std::string_view text) {
  if (const auto k = find_value(kScalerKinds, text)) return *k;
  throw DataError(fmt::format("scaler \"{}\": expected none, standard or minmax", text));
}

Scaler Scaler::fit(ScalerKind kind, const MatrixD& x_train, const std::vector<std::string>& names) {
  return fit_columns(
      kind, x_train.rows(), x_train.cols(),
      [&x_train](Index j, std::vector<double>& values) {
        for (Index i = 0; i < x_train.rows(); ++i) values[static_cast<std::size_t>(i)] = x_train(i, j);
      },
      names);
}

Scaler Scaler::fit_columns(ScalerKind kind, Index rows, Index features, const ColumnSource& column,
                           const std::vector<std::string>& names) {
  const Index n = rows;
  if (kind != ScalerKind::none && n == 0) throw DataError("scaler: cannot fit on zero train rows");
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  Scaler s;
  s.kind_ = kind;
  s.offset_ = VectorD::Zero(features);
  s.scale_ = VectorD::Ones(features);
  const auto count = static_cast<std::size_t>(n);
  std::vector<double> values(count);
  std::vector<double> scaled(count);
  std::vector<double> squares(count);
  for (Index j = 0; j < features; ++j) {
    column(j, values);
    detail::check_feature_values(kind, values, j, names);
    if (kind == ScalerKind::standard) {
      // The corrected two-pass algorithm of scikit-learn's _incremental_mean_and_var:
      // mean = sum(x) / n; t = x - mean; var = (sum(t^2) - sum(t)^2 / n) / n; on x / 2^e.
      const int e = magnitude_exponent(values);
      for (std::size_t i = 0; i < count; ++i) scaled[i] = std::ldexp(values[i], -e);
      const double mean = pairwise_sum(scaled.data(), count) / static_cast<double>(n);
      for (std::size_t i = 0; i < count; ++i) {
        scaled[i] -= mean;
        squares[i] = scaled[i] * scaled[i];
      }
      const double correction = pairwise_sum(scaled.data(), count);
      const double var = (pairwise_sum(squares.data(), count) - correction * correction / static_cast<double>(n)) /
                         static_cast<double>(n);
      // scikit-learn's _is_constant_feature: var within its rounding error of zero (both sides
      // scaled by 4^e, so the comparison is that of the unscaled values).
      const double n_rows = static_cast<double>(n);
      const double bound = n_rows * kEps * var + (n_rows * mean * kEps) * (n_rows * mean * kEps);
      s.offset_[j] = std::ldexp(mean, e);
      s.scale_[j] = var <= bound ? 1.0 : std::ldexp(std::sqrt(var), e);
      if (var <= bound) s.constant_.push_back(j);
    } else if (kind == ScalerKind::min_max) {
      double lo = values[0], hi = values[0];
      for (std::size_t i = 1; i < count; ++i) {
        lo = std::min(lo, values[i]);
        hi = std::max(hi, values[i]);
      }
      const double range = hi - lo;  // inf when the values span more than the largest double
      s.offset_[j] = lo;
      s.scale_[j] = range < 10.0 * kEps ? 1.0 : range;  // _handle_zeros_in_scale
      if (range < 10.0 * kEps) s.constant_.push_back(j);
    }
    if (!std::isfinite(s.offset_[j]) || !std::isfinite(s.scale_[j])) {
      const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      throw DataError(
          fmt::format("scaler ({}): feature {}: its {} is not a finite double (values from {} to {}); "
                      "expected values whose spread fits in a double",
                      scaler_kind_name(kind), detail::feature_label(names, j),
                      kind == ScalerKind::standard ? "mean or standard deviation" : "range (max - min)", *lo, *hi));
    }
  }
  return s;
}

Scaler Scaler::from_statistics(ScalerKind kind, VectorD offset, VectorD scale, std::vector<Index> constant) {
  Scaler s;
  s.kind_ = kind;
  s.offset_ = std::move(offset);
  s.scale_ = std::move(scale);
  s.constant_ = std::move(constant);
  return s;
}

void Scaler::transform_in_place(MatrixD& x) const {
  if (kind_ == ScalerKind::none) return;
  if (x.cols() != offset_.size()) {
    throw DataError(fmt::format("scaler: fitted on {} features, given {}", offset_.size(), x.cols()));
  }
  for (Index i = 0; i < x.rows(); ++i)
    for (Index j = 0; j < x.cols(); ++j) x(i, j) = transform_value(j, x(i, j));
}

double Scaler::transform_value(Index j, double value) const {
  if (kind_ == ScalerKind::none) return value;
  const double shifted = value - offset_[j];
  // x - offset overflows only for values near the largest double of opposite signs; the other
  // order of operations then gives the finite result.
  return std::isfinite(shifted) ? shifted / scale_[j] : value / scale_[j] - offset_[j] / scale_[j];
}

MatrixD Scaler::transform(const MatrixD& x) const {
  MatrixD out = x;
  transform_in_place(out);
  return out;
}

MatrixD Scaler::inverse_transform(const MatrixD& x) const {
  MatrixD out = x;
  if (kind_ == ScalerKind::none) return out;
  for (Index i = 0; i < out.rows(); ++i) {
    for (Index j = 0; j < out.cols(); ++j) out(i, j) = out(i, j) * scale_[j] + offset_[j];
  }
  return out;
}

nlohmann::json Scaler::to_json() const {
  return {{"kind", scaler_kind_name(kind_)},
          {"offset", std::vector<double>(offset_.data(), offset_.data() + offset_.size())},
          {"scale", std::vector<double>(scale_.data(), scale_.data() + scale_.size())}};
}

Scaler Scaler::from_json(const nlohmann::json& json) {
  using namespace detail;
  Scaler s;
  s.kind_ = scaler_kind_from_name(json_text(json_member(json, "kind", "scaler"), "scaler.kind"));
  const auto offset = json_finite_numbers(json_member(json, "offset", "scaler"), "scaler.offset");
  const auto scale = json_finite_numbers(json_member(json, "scale", "scaler"), "scaler.scale");
  if (offset.size() != scale.size()) {
    throw DataError(fmt::format("scaler.offset has {} values but scaler.scale {}; expected one of each per feature",
                                offset.size(), scale.size()));
  }
  for (std::size_t j = 0; j < scale.size(); ++j) {
    if (s.kind_ == ScalerKind::none && (offset[j] != 0.0 || scale[j] != 1.0)) {
      throw DataError(fmt::format("scaler.offset[{}] and scaler.scale[{}] are {} and {}; expected 0 and 1 (kind none)",
                                  j, j, offset[j], scale[j]));
    }
    // Dividing by 0, a negative or a subnormal scale gives NaN, mirrored or infinite features.
    if (!(scale[j] >= std::numeric_limits<double>::min())) {
      throw DataError(fmt::format("scaler.scale[{}] is {}; expected a number > 0 and not subnormal (at least {})", j,
                                  scale[j], std::numeric_limits<double>::min()));
    }
  }
  s.offset_ = Eigen::Map<const VectorD>(offset.data(), static_cast<Index>(offset.size()));
  s.scale_ = Eigen::Map<const VectorD>(scale.data(), static_cast<Index>(scale.size()));
  return s;
}

}  // namespace lrtune
