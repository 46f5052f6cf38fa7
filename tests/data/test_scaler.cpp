// Scalers on hand-computed values: population std, constant columns left unscaled,
// min-max, none, inverse, JSON round trip, train-only statistics.
#include <cmath>

#include <gtest/gtest.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/scaler.hpp"

namespace {

using namespace lrtune;

TEST(StandardScaler, PopulationStdAndConstantColumns) {
  const MatrixD x = (MatrixD(4, 3) << 1, 5, 0, 2, 5, 10, 3, 5, 20, 4, 5, 30).finished();  // (rows, features)
  const Scaler s = Scaler::fit(ScalerKind::kStandard, x);
  EXPECT_DOUBLE_EQ(s.offset()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(1.25));  // ddof = 0
  EXPECT_DOUBLE_EQ(s.offset()[1], 5.0);
  EXPECT_DOUBLE_EQ(s.scale()[1], 1.0);  // constant: left unscaled, only centred
  const MatrixD y = s.transform(x);
  EXPECT_DOUBLE_EQ(y(0, 0), -1.5 / std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(y(2, 1), 0.0);
  double sum = 0.0, squares = 0.0;  // plain loops: Eigen's vectorised sum trips a GCC 12 warning
  for (Index i = 0; i < 4; ++i) {
    sum += y(i, 2);
    squares += y(i, 2) * y(i, 2);
  }
  EXPECT_NEAR(sum / 4.0, 0.0, 1e-15);
  EXPECT_NEAR(squares / 4.0, 1.0, 1e-14);
  const MatrixD back = s.inverse_transform(y);
  for (Index i = 0; i < 4; ++i) {
    for (Index j = 0; j < 3; ++j) EXPECT_NEAR(back(i, j), x(i, j), 1e-13);
  }
}

TEST(StandardScaler, NearlyConstantColumnCountsAsConstant) {
  // 0.1 three times has a variance of rounding error only, as scikit-learn's _is_constant_feature judges.
  const MatrixD x = (MatrixD(3, 1) << 0.1, 0.1, 0.1).finished();
  EXPECT_EQ(Scaler::fit(ScalerKind::kStandard, x).scale()[0], 1.0);
}

TEST(MinMaxScaler, ToTheUnitInterval) {
  const MatrixD x = (MatrixD(3, 2) << 1, 7, 3, 7, 2, 7).finished();
  const Scaler s = Scaler::fit(ScalerKind::kMinMax, x);
  const MatrixD y = s.transform(x);
  EXPECT_EQ(y, (MatrixD(3, 2) << 0, 0, 1, 0, 0.5, 0).finished());
  // Statistics come from the fit rows only: other rows may leave [0, 1].
  EXPECT_DOUBLE_EQ(s.transform((MatrixD(1, 2) << 5, 8).finished())(0, 0), 2.0);
}

TEST(Scaler, NoneJsonAndErrors) {
  const MatrixD x = (MatrixD(2, 2) << 1, 2, 3, 4).finished();
  EXPECT_EQ(Scaler::fit(ScalerKind::kNone, x).transform(x), x);
  const Scaler s = Scaler::fit(ScalerKind::kStandard, x);
  const Scaler back = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(back.offset(), s.offset());
  EXPECT_EQ(back.scale(), s.scale());
  EXPECT_EQ(back.kind(), ScalerKind::kStandard);
  MatrixD wrong(1, 3);
  EXPECT_THROW(s.transform_in_place(wrong), DataError);
  EXPECT_THROW(parse_scaler_kind("robust"), DataError);
  EXPECT_EQ(parse_scaler_kind("minmax"), ScalerKind::kMinMax);
}

}  // namespace
