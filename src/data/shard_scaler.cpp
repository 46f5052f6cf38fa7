// fit_scaler_over_ranks: three small gathers of per-feature numbers (range and magnitude, then the
// first pass's sums, then the second pass's), each a few doubles per feature and rank.
#include "shard_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "lrtune/data/error.hpp"
#include "scaler_checks.hpp"
#include "shard_agreement.hpp"

namespace lrtune::detail {

namespace {

// Neumaier's compensated sum: the error of a rank's partial sum does not grow with its row count,
// so the combined sum stays within a few ulps of one process's pairwise sum.
class CompensatedSum {
 public:
  void add(double v) {
    const double t = sum_ + v;
    compensation_ += std::abs(sum_) >= std::abs(v) ? (sum_ - t) + v : (v - t) + sum_;
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

// Scaler::fit's value check on this rank's rows, column by column.
void check_values(ScalerKind kind, const MatrixD& x, const std::vector<std::string>& names) {
  for (Index j = 0; j < x.cols(); ++j) detail::check_feature_values(kind, x, j, names);
}

// Per-feature values of every rank, read back in rank order: ranks x features.
std::vector<std::vector<double>> gather_doubles(const Communicator& c, const std::function<std::vector<double>()>& f) {
  const std::vector<Bytes> all = gather_agreed(c, [&] {
    ByteWriter w;
    const std::vector<double> mine = f();
    w.put_span(std::span<const double>(mine));
    return w.take();
  });
  std::vector<std::vector<double>> out;
  for (const Bytes& bytes : all) {
    ByteReader r(bytes);
    out.push_back(r.get_vector<double>());
  }
  return out;
}

}  // namespace

CombinedScaler fit_scaler_over_ranks(ScalerKind kind, const MatrixD& x, Index rows_total,
                                     const std::vector<std::string>& names, const Communicator& communicator) {
  const Index d = x.cols();
  const auto features = static_cast<std::size_t>(d);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // 1. Checks, minima, maxima and largest magnitudes: 3 values a feature.
  const auto ranges = gather_doubles(communicator, [&] {
    if (kind != ScalerKind::none && rows_total == 0) throw DataError("scaler: cannot fit on zero train rows");
    check_values(kind, x, names);
    std::vector<double> v;
    for (Index j = 0; j < d; ++j) {
      const bool empty = x.rows() == 0;
      v.push_back(empty ? kInf : x.col(j).minCoeff());
      v.push_back(empty ? -kInf : x.col(j).maxCoeff());
      v.push_back(empty ? 0.0 : x.col(j).cwiseAbs().maxCoeff());
    }
    return v;
  });
  CombinedScaler out;
  out.min = VectorD::Constant(d, kInf);
  out.max = VectorD::Constant(d, -kInf);
  std::vector<int> exponent(features, 0);
  for (std::size_t j = 0; j < features; ++j) {
    double largest = 0.0;
    for (const auto& rank : ranges) {
      out.min[static_cast<Index>(j)] = std::min(out.min[static_cast<Index>(j)], rank[3 * j]);
      out.max[static_cast<Index>(j)] = std::max(out.max[static_cast<Index>(j)], rank[3 * j + 1]);
      largest = std::max(largest, rank[3 * j + 2]);
    }
    exponent[j] = largest > 0.0 ? std::ilogb(largest) : 0;
  }
  VectorD offset = VectorD::Zero(d);
  VectorD scale = VectorD::Ones(d);
  std::vector<Index> constant;
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  if (kind == ScalerKind::min_max) {
    for (Index j = 0; j < d; ++j) {
      const double range = out.max[j] - out.min[j];
      offset[j] = out.min[j];
      scale[j] = range < 10.0 * kEps ? 1.0 : range;  // _handle_zeros_in_scale
      if (range < 10.0 * kEps) constant.push_back(j);
    }
  } else if (kind == ScalerKind::standard) {
    const auto n = static_cast<double>(rows_total);
    // 2. sum(x / 2^e) per rank, added in rank order: the mean.
    const auto sums = gather_doubles(communicator, [&] {
      std::vector<double> v(features);
      for (std::size_t j = 0; j < features; ++j) {
        CompensatedSum s;
        for (Index i = 0; i < x.rows(); ++i) s.add(std::ldexp(x(i, static_cast<Index>(j)), -exponent[j]));
        v[j] = s.value();
      }
      return v;
    });
    std::vector<double> mean(features, 0.0);
    for (std::size_t j = 0; j < features; ++j) {
      double total = 0.0;
      for (const auto& rank : sums) total += rank[j];
      mean[j] = total / n;
    }
    // 3. sum(t) and sum(t^2) with t = x / 2^e - mean: the corrected variance.
    const auto second = gather_doubles(communicator, [&] {
      std::vector<double> v(2 * features);
      for (std::size_t j = 0; j < features; ++j) {
        CompensatedSum t, t2;
        for (Index i = 0; i < x.rows(); ++i) {
          const double shifted = std::ldexp(x(i, static_cast<Index>(j)), -exponent[j]) - mean[j];
          t.add(shifted);
          t2.add(shifted * shifted);
        }
        v[2 * j] = t.value();
        v[2 * j + 1] = t2.value();
      }
      return v;
    });
    for (std::size_t j = 0; j < features; ++j) {
      double correction = 0.0, squares = 0.0;
      for (const auto& rank : second) {
        correction += rank[2 * j];
        squares += rank[2 * j + 1];
      }
      const double var = (squares - correction * correction / n) / n;
      const double bound = n * kEps * var + (n * mean[j] * kEps) * (n * mean[j] * kEps);  // _is_constant_feature
      const auto jj = static_cast<Index>(j);
      offset[jj] = std::ldexp(mean[j], exponent[j]);
      scale[jj] = var <= bound ? 1.0 : std::ldexp(std::sqrt(var), exponent[j]);
      if (var <= bound) constant.push_back(jj);
    }
  }
  for (Index j = 0; j < d; ++j) {
    if (!std::isfinite(offset[j]) || !std::isfinite(scale[j])) {
      throw DataError(fmt::format(
          "scaler ({}): feature {}: its {} is not a finite double (values from {} to {}); "
          "expected values whose spread fits in a double",
          scaler_kind_name(kind), detail::feature_label(names, j),
          kind == ScalerKind::standard ? "mean or standard deviation" : "range (max - min)", out.min[j], out.max[j]));
    }
  }
  out.scaler = Scaler::from_statistics(kind, std::move(offset), std::move(scale), std::move(constant));
  return out;
}

}  // namespace lrtune::detail
