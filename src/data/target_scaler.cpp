// TargetScaler: fitting on the train split's y (through Scaler's one mean/std), the two unit
// conversions, and its JSON form inside the fitted preprocessing's "target".
#include "lrtune/data/target_scaler.hpp"

#include <cmath>

#include <fmt/format.h>

#include "json_fields.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/scaler.hpp"

namespace lrtune {

TargetScaler TargetScaler::fit(const VectorD& y_train, const std::string& column) {
  const std::string name = column.empty() ? "the target" : fmt::format("target \"{}\"", column);
  const Index n = y_train.size();
  if (n == 0) throw DataError(fmt::format("{}: no train rows to scale it with", name), DataErrorSubject::target);
  MatrixD y(n, 1);  // (rows, 1): the target as Scaler's one feature
  y.col(0) = y_train;
  Scaler stats;
  try {
    stats = Scaler::fit(ScalerKind::standard, y, {column});
  } catch (const DataError& e) {  // a non-finite value, or a spread beyond the double range
    throw DataError(fmt::format("{} cannot be standardised: {}", name, e.what()), DataErrorSubject::target);
  }
  if (!stats.constant_features().empty()) {
    const double lo = y_train.minCoeff();
    throw DataError(lo == y_train.maxCoeff()
                        ? fmt::format("{}: all target values are equal ({}) in the {} train rows; a regression "
                                      "target needs at least 2 distinct values",
                                      name, lo, n)
                        : fmt::format("{}: the target values of the {} train rows differ only by rounding error "
                                      "(around {}); a regression target needs values that vary",
                                      name, n, lo),
                    DataErrorSubject::target);
  }
  TargetScaler s;
  s.scaled_ = true;
  s.mean_ = stats.offset()[0];
  s.std_ = stats.scale()[0];
  return s;
}

VectorD TargetScaler::to_model_units(const VectorD& y) const {
  if (!scaled_) return y;
  return ((y.array() - mean_) / std_).matrix();
}

VectorD TargetScaler::to_target_units(const VectorD& z) const {
  if (!scaled_) return z;
  return (z.array() * std_ + mean_).matrix();
}

VectorD TargetScaler::to_target_units(const Matrix& predictions) const {
  if (predictions.cols() != 1) {
    throw UsageError(
        fmt::format("TargetScaler::to_target_units: predictions have {} columns; expected 1 "
                    "(one regression output)",
                    predictions.cols()));
  }
  return to_target_units(VectorD(predictions.col(0).cast<double>()));
}

nlohmann::json TargetScaler::to_json() const { return {{"mean", mean_}, {"std", std_}}; }

TargetScaler TargetScaler::from_json(const nlohmann::json& json) {
  using namespace detail;
  const std::string path = "target.scaler";
  TargetScaler s;
  s.scaled_ = true;
  s.mean_ = json_finite_number(json_member(json, "mean", path), path + ".mean");
  s.std_ = json_finite_number(json_member(json, "std", path), path + ".std");
  if (!std::isnormal(s.std_) || s.std_ < 0) bad_json_field(path + ".std", json.at("std"), "a positive normal number");
  return s;
}

}  // namespace lrtune
