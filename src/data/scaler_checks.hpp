// The scaler's checks of a feature's values and its name in messages, shared by Scaler::fit
// (scaler.cpp) and the fit over ranks (shard_scaler.cpp), so both fail with the same words.
// Private to src/data.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "lrtune/core/types.hpp"
#include "lrtune/data/scaler.hpp"

namespace lrtune::detail {

// "\"name\"", or "j (0-based)" past the names given.
std::string feature_label(const std::vector<std::string>& names, Index j);

// A non-finite value in column j of the train part, or with kind none one beyond float32's range
// (which the network computes in): a DataError naming the feature and the value.
void check_feature_values(ScalerKind kind, std::span<const double> values, Index j,
                          const std::vector<std::string>& names);
void check_feature_values(ScalerKind kind, const MatrixD& x_train, Index j, const std::vector<std::string>& names);

}  // namespace lrtune::detail
