// Feature scaling fitted on the train rows only, as scikit-learn's StandardScaler
// (population std; a constant column keeps scale 1) and MinMaxScaler (to [0, 1]).
// Which rows are "train" is the caller's business.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"

namespace lrtune {

enum class ScalerKind { none, standard, min_max };
std::string_view scaler_kind_name(ScalerKind kind);  // "none", "standard", "minmax"
ScalerKind scaler_kind_from_name(std::string_view text);

// x_scaled = (x - offset) / scale, per column.
//   standard: offset = mean, scale = population std (1 where the column is constant);
//   minmax:   offset = min,  scale = max - min      (1 where the column is constant);
//   none:     offset = 0,    scale = 1.
class Scaler {
 public:
  Scaler() = default;
  // x_train: (rows, features); names (optional) name the features in messages. A non-finite
  // value, a statistic beyond the double range (a mean, std or range that overflows) or, with
  // kind none, a value beyond float32's range is a DataError naming the feature. Statistics are
  // computed on each column divided by a power of two near its largest magnitude, so columns
  // around 1e300 or 1e-300 get finite, exact-as-usual means and scales.
  static Scaler fit(ScalerKind kind, const MatrixD& x_train, const std::vector<std::string>& names = {});
  // The same fit from the train part's columns given one at a time (a table too big to copy into
  // one double matrix): `column(j, values)` fills `values` (rows long) with feature j's values.
  using ColumnSource = std::function<void(Index j, std::vector<double>& values)>;
  static Scaler fit_columns(ScalerKind kind, Index rows, Index features, const ColumnSource& column,
                            const std::vector<std::string>& names = {});
  // A scaler from statistics computed elsewhere (the sharded preparation combines the ranks'
  // sums): offset and scale (features,) as fit() defines them, `constant` the constant columns.
  static Scaler from_statistics(ScalerKind kind, VectorD offset, VectorD scale, std::vector<Index> constant);
  void transform_in_place(MatrixD& x) const;                  // x: (rows, features)
  double transform_value(Index feature, double value) const;  // one value, as transform_in_place scales it
  MatrixD transform(const MatrixD& x) const;
  MatrixD inverse_transform(const MatrixD& x) const;

  ScalerKind kind() const { return kind_; }
  const VectorD& offset() const { return offset_; }  // (features,)
  const VectorD& scale() const { return scale_; }    // (features,)
  // Columns found constant at fit (kept at scale 1, so only shifted), in column order.
  // Known from fit() only; from_json() leaves it empty.
  const std::vector<Index>& constant_features() const { return constant_; }

  nlohmann::json to_json() const;
  // Validates every value: kind; offset and scale of equal length, finite; scale > 0 and not
  // subnormal; kind none keeps offset 0 and scale 1. A DataError names the field (scaler.scale[2]).
  static Scaler from_json(const nlohmann::json& json);

 private:
  ScalerKind kind_ = ScalerKind::none;
  VectorD offset_;
  VectorD scale_;
  std::vector<Index> constant_;
};

}  // namespace lrtune
