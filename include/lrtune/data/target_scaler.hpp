// The regression target's scaler: y standardised with the train split's mean and population
// standard deviation (scikit-learn's StandardScaler, as TransformedTargetRegressor applies it), so
// that learning rates mean the same whatever the target's units. The model trains and predicts in
// model units; every figure a user sees is in target units. When to convert is the caller's.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"

namespace lrtune {

class TargetScaler {
 public:
  TargetScaler() = default;  // unscaled: model units are target units (classes, or scaling off)

  // Mean and population std of y_train (the mean/std of Scaler, data/scaler.hpp). Errors
  // (DataError, subject target, naming `column`): no rows, a non-finite value, all values equal
  // ("all target values are equal (x)"): a standard deviation of 0 scales nothing.
  static TargetScaler fit(const VectorD& y_train, const std::string& column = "");

  bool scaled() const { return scaled_; }
  double mean() const { return mean_; }  // 0 when unscaled
  double scale() const { return std_; }  // the standard deviation; 1 when unscaled

  VectorD to_model_units(const VectorD& y) const;   // (rows,): (y - mean) / std
  VectorD to_target_units(const VectorD& z) const;  // (rows,): z * std + mean
  // The model's outputs, (rows, 1) in float32, back in target units, in double.
  VectorD to_target_units(const Matrix& predictions) const;

  // {"mean": m, "std": s}; written only when scaled (a file without it is unscaled).
  nlohmann::json to_json() const;
  // Validates: mean finite, std finite, positive and normal. A DataError names the field
  // (target.scaler.std).
  static TargetScaler from_json(const nlohmann::json& json);

 private:
  bool scaled_ = false;
  double mean_ = 0.0;
  double std_ = 1.0;
};

}  // namespace lrtune
