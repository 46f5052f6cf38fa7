// Scalers on hand-computed values: population std, constant columns left unscaled,
// min-max, none, inverse, JSON round trip, train-only statistics.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/scaler.hpp"

namespace {

using namespace lrtune;

TEST(StandardScaler, PopulationStdAndConstantColumns) {
  const MatrixD x = (MatrixD(4, 3) << 1, 5, 0, 2, 5, 10, 3, 5, 20, 4, 5, 30).finished();  // (rows, features)
  const Scaler s = Scaler::fit(ScalerKind::standard, x);
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
  EXPECT_EQ(Scaler::fit(ScalerKind::standard, x).scale()[0], 1.0);
}

TEST(MinMaxScaler, ToTheUnitInterval) {
  const MatrixD x = (MatrixD(3, 2) << 1, 7, 3, 7, 2, 7).finished();
  const Scaler s = Scaler::fit(ScalerKind::min_max, x);
  const MatrixD y = s.transform(x);
  EXPECT_EQ(y, (MatrixD(3, 2) << 0, 0, 1, 0, 0.5, 0).finished());
  // Statistics come from the fit rows only: other rows may leave [0, 1].
  EXPECT_DOUBLE_EQ(s.transform((MatrixD(1, 2) << 5, 8).finished())(0, 0), 2.0);
}

TEST(Scaler, NoneJsonAndErrors) {
  const MatrixD x = (MatrixD(2, 2) << 1, 2, 3, 4).finished();
  EXPECT_EQ(Scaler::fit(ScalerKind::none, x).transform(x), x);
  const Scaler s = Scaler::fit(ScalerKind::standard, x);
  const Scaler back = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(back.offset(), s.offset());
  EXPECT_EQ(back.scale(), s.scale());
  EXPECT_EQ(back.kind(), ScalerKind::standard);
  MatrixD wrong(1, 3);
  EXPECT_THROW(s.transform_in_place(wrong), DataError);
  EXPECT_THROW(scaler_kind_from_name("robust"), DataError);
  EXPECT_EQ(scaler_kind_from_name("minmax"), ScalerKind::min_max);
}

// Columns around 1e300 (and 1e-300): sums of squares overflowed (underflowed), so the column
// counted as constant or its scale was NaN, written to the model file as null (issue 11, item 10).
// Expected values by hand: {1, 2, 3, 4} * 10^k has mean 2.5 * 10^k and population std
// sqrt(1.25) * 10^k.
TEST(StandardScaler, ColumnsAround1e300And1eMinus300) {
  for (const double unit : {1e300, 1e-300, 1e150, 1.0}) {
    const MatrixD x = (MatrixD(4, 1) << 1 * unit, 2 * unit, 3 * unit, 4 * unit).finished();
    const Scaler s = Scaler::fit(ScalerKind::standard, x);
    EXPECT_DOUBLE_EQ(s.offset()[0], 2.5 * unit) << unit;
    EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(1.25) * unit) << unit;
    EXPECT_TRUE(s.constant_features().empty()) << unit;
    const MatrixD y = s.transform(x);
    EXPECT_NEAR(y(0, 0), -1.5 / std::sqrt(1.25), 1e-14) << unit;
    EXPECT_NEAR(y(3, 0), 1.5 / std::sqrt(1.25), 1e-14) << unit;
  }
}

// 200 values (1 + i / 100) * 1e306, i = 0..199: the plain sum, 4e308, overflows. Mean
// 1e306 * (1 + 199 / 200) = 1.995e306; std 1e304 * std(0..199) = 1e304 * sqrt((200^2 - 1) / 12).
TEST(StandardScaler, SumBeyondTheLargestDouble) {
  MatrixD x(200, 1);
  for (Index i = 0; i < 200; ++i) x(i, 0) = (1.0 + static_cast<double>(i) / 100.0) * 1e306;
  const Scaler s = Scaler::fit(ScalerKind::standard, x);
  EXPECT_NEAR(s.offset()[0] / 1.995e306, 1.0, 1e-13);
  EXPECT_NEAR(s.scale()[0] / (1e304 * std::sqrt((200.0 * 200.0 - 1.0) / 12.0)), 1.0, 1e-13);
}

// Values near the largest double of both signs: x - mean overflows for the negative one; the
// scaled values are still finite, centred and of unit variance.
TEST(StandardScaler, ValuesNearTheLargestDoubleScaleToFiniteValues) {
  const double big = 1.7e308;
  const MatrixD x = (MatrixD(3, 1) << big, big, -big).finished();
  const Scaler s = Scaler::fit(ScalerKind::standard, x);
  EXPECT_NEAR(s.offset()[0] / (big / 3.0), 1.0, 1e-15);
  EXPECT_NEAR(s.scale()[0] / (big / 3.0 * std::sqrt(8.0)), 1.0, 1e-15);  // deviations 2/3, 2/3, -4/3 of big
  const MatrixD y = s.transform(x);
  ASSERT_TRUE(y.allFinite());
  EXPECT_NEAR(y(0, 0), 1.0 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(y(2, 0), -std::sqrt(2.0), 1e-15);
}

// A range beyond the largest double has no finite scale: a DataError naming the feature.
TEST(MinMaxScaler, RangeBeyondTheLargestDoubleIsAnError) {
  const MatrixD x = (MatrixD(2, 1) << -1.7e308, 1.7e308).finished();
  try {
    (void)Scaler::fit(ScalerKind::min_max, x, {"huge"});
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("scaler (minmax): feature \"huge\": its range (max - min) is not a "
                                         "finite double"),
              std::string::npos)
        << e.what();
  }
  const MatrixD fine = (MatrixD(2, 1) << 1e300, 3e300).finished();
  EXPECT_DOUBLE_EQ(Scaler::fit(ScalerKind::min_max, fine).scale()[0], 2e300);
}

// Unscaled, 1e300 becomes inf in float32 (training's precision): an error naming the feature.
TEST(Scaler, NoneRefusesValuesBeyondFloat) {
  const MatrixD x = (MatrixD(2, 2) << 1, 1e300, 2, 2).finished();
  try {
    (void)Scaler::fit(ScalerKind::none, x, {"a", "b"});
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("scaler: feature \"b\" holds 1e+300 in the train part; expected "
                                         "finite numbers within float32's range"),
              std::string::npos)
        << e.what();
  }
  const MatrixD nan = (MatrixD(1, 1) << std::numeric_limits<double>::quiet_NaN()).finished();
  EXPECT_THROW((void)Scaler::fit(ScalerKind::standard, nan), DataError);
}

// The train part's columns given one at a time (prepare()'s path for big tables): each column
// asked for once, in order, and the statistics of the columns given.
TEST(Scaler, FitColumnsReadsEachColumnOnceInOrder) {
  const std::vector<std::vector<double>> columns = {{1, 2, 3, 4}, {5, 5, 5, 5}, {-2, 0, 2, 4}};
  std::vector<Index> asked;
  const auto source = [&](Index j, std::vector<double>& values) {
    asked.push_back(j);
    ASSERT_EQ(values.size(), 4U);
    values = columns[static_cast<std::size_t>(j)];
  };
  const Scaler standard = Scaler::fit_columns(ScalerKind::standard, 4, 3, source);
  EXPECT_EQ(asked, (std::vector<Index>{0, 1, 2}));
  EXPECT_EQ(standard.offset()[0], 2.5);
  EXPECT_DOUBLE_EQ(standard.scale()[0], std::sqrt(1.25));
  EXPECT_EQ(standard.offset()[1], 5.0);
  EXPECT_EQ(standard.scale()[1], 1.0);  // constant
  EXPECT_EQ(standard.constant_features(), (std::vector<Index>{1}));
  EXPECT_DOUBLE_EQ(standard.scale()[2], std::sqrt(5.0));
  const Scaler minmax = Scaler::fit_columns(ScalerKind::min_max, 4, 3, source);
  EXPECT_EQ(minmax.offset()[2], -2.0);
  EXPECT_EQ(minmax.scale()[2], 6.0);
  EXPECT_THROW((void)Scaler::fit_columns(ScalerKind::standard, 0, 1, source), DataError);
}

// One value scaled as transform_in_place scales it: (x - offset) / scale, and the finite result
// where x - offset overflows.
TEST(Scaler, TransformValueIsTransformInPlacesArithmetic) {
  const MatrixD x = (MatrixD(3, 2) << 1.7e308, 1, 1.7e308, 2, -1.7e308, 7).finished();
  const Scaler s = Scaler::fit(ScalerKind::standard, x);
  const MatrixD y = s.transform(x);
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 2; ++j) {
      EXPECT_EQ(s.transform_value(j, x(i, j)), y(i, j));
      if (j == 1) EXPECT_EQ(s.transform_value(j, x(i, j)), (x(i, j) - s.offset()[j]) / s.scale()[j]);
    }
  }
  EXPECT_TRUE(std::isfinite(s.transform_value(0, -1.7e308)));
  EXPECT_EQ(Scaler::fit(ScalerKind::none, (MatrixD(1, 1) << 3.5).finished()).transform_value(0, 3.5), 3.5);
}

// Every value of the JSON form is checked: a tampered model file must not divide by 0, flip a
// feature's sign or give NaN (issue 11, item 1).
TEST(Scaler, FromJsonRefusesBadValues) {
  const auto error = [](const nlohmann::json& j) -> std::string {
    try {
      (void)Scaler::from_json(j);
    } catch (const DataError& e) {
      return e.what();
    }
    return "no error";
  };
  const auto scaler = [](nlohmann::json offset, nlohmann::json scale, const char* kind = "standard") {
    return nlohmann::json{{"kind", kind}, {"offset", std::move(offset)}, {"scale", std::move(scale)}};
  };
  EXPECT_EQ(error(scaler({0, 1}, {1, 0})),
            "scaler.scale[1] is 0; expected a number > 0 and not subnormal (at least 2.2250738585072014e-308)");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({-2}))),
            "scaler.scale[0] is -2; expected a number > 0 and not subnormal (at least 2.2250738585072014e-308)");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({1e-310}))),
            "scaler.scale[0] is 1e-310; expected a number > 0 and not subnormal (at least 2.2250738585072014e-308)");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({nullptr}))),
            "scaler.scale[0] is null; expected a finite number");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({std::numeric_limits<double>::infinity()}))),
            "scaler.scale[0] is null; expected a finite number");  // inf dumps as null
  EXPECT_EQ(
      error(scaler(nlohmann::json::array({-std::numeric_limits<double>::infinity()}), nlohmann::json::array({1}))),
      "scaler.offset[0] is null; expected a finite number");
  EXPECT_EQ(error(scaler({0, 0}, nlohmann::json::array({1}))),
            "scaler.offset has 2 values but scaler.scale 1; expected one of each per feature");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({2}), "none")),
            "scaler.offset[0] and scaler.scale[0] are 0 and 2; expected 0 and 1 (kind none)");
  EXPECT_EQ(error(scaler("x", nlohmann::json::array({1}))), "scaler.offset is \"x\"; expected an array");
  EXPECT_EQ(error({{"kind", "standard"}, {"offset", nlohmann::json::array({0})}}), "scaler lacks \"scale\"");
  EXPECT_EQ(error(scaler(nlohmann::json::array({0}), nlohmann::json::array({1}), "robust")),
            "scaler \"robust\": expected none, standard or minmax");
  const Scaler fine = Scaler::from_json(scaler({-1e300, 0.5}, {1e300, std::numeric_limits<double>::min()}));
  EXPECT_EQ(fine.scale()[1], std::numeric_limits<double>::min());
}

}  // namespace
