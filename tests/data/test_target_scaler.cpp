// The regression target's scaler: StandardScaler's statistics, the two unit conversions, its JSON
// form, and prepare() fitting it on the train split only and storing it in the fitted preprocessing.
#include <cmath>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/data/target_scaler.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TargetScaler, StatisticsAreStandardScalersPopulationOnes) {
  // numpy: np.mean([1, 2, 3, 4, 10]) = 4.0, np.std([1, 2, 3, 4, 10]) = 3.1622776601683795
  const TargetScaler s = TargetScaler::fit((VectorD(5) << 1, 2, 3, 4, 10).finished(), "y");
  EXPECT_TRUE(s.scaled());
  EXPECT_DOUBLE_EQ(s.mean(), 4.0);
  EXPECT_DOUBLE_EQ(s.scale(), 3.1622776601683795);
}

TEST(TargetScaler, ConversionsRoundTrip) {
  const VectorD y = (VectorD(4) << 150.0, 25.0, 346.0, 151.5).finished();
  const TargetScaler s = TargetScaler::fit(y);
  const VectorD z = s.to_model_units(y);
  EXPECT_NEAR(z.mean(), 0.0, 1e-15);
  EXPECT_NEAR(std::sqrt(z.squaredNorm() / 4.0), 1.0, 1e-15);
  EXPECT_NEAR((s.to_target_units(z) - y).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  // The model's float32 outputs (rows, 1) come back in target units, in double.
  const Matrix predictions = z.cast<float>();
  const VectorD back = s.to_target_units(predictions);
  ASSERT_EQ(back.size(), 4);
  EXPECT_NEAR((back - y).cwiseAbs().maxCoeff(), 0.0, 1e-4);
  EXPECT_THAT(error_of([&] { (void)s.to_target_units(Matrix(4, 2)); }), HasSubstr("predictions have 2 columns"));
}

TEST(TargetScaler, UnscaledIsTheIdentity) {
  const TargetScaler s;
  EXPECT_FALSE(s.scaled());
  const VectorD y = (VectorD(2) << 3.5, -1).finished();
  EXPECT_EQ(s.to_model_units(y), y);
  EXPECT_EQ(s.to_target_units(y), y);
}

TEST(TargetScaler, FitErrors) {
  EXPECT_EQ(error_of([] { (void)TargetScaler::fit((VectorD(3) << 5, 5, 5).finished(), "y"); }),
            "target \"y\": all target values are equal (5) in the 3 train rows; a regression target needs at least 2 "
            "distinct values");
  EXPECT_THAT(error_of([] { (void)TargetScaler::fit((VectorD(3) << 1, INFINITY, 2).finished(), "y"); }),
              HasSubstr("target \"y\" cannot be standardised: scaler: feature \"y\" holds inf"));
  EXPECT_THAT(error_of([] { (void)TargetScaler::fit(VectorD(0), "y"); }), HasSubstr("no train rows"));
  try {
    (void)TargetScaler::fit((VectorD(2) << 1, 1).finished());
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.subject(), DataErrorSubject::target);
  }
}

TEST(TargetScaler, JsonRoundTripAndItsChecks) {
  const TargetScaler s = TargetScaler::fit((VectorD(3) << 0.1, 0.7, 1e3).finished());
  const TargetScaler back = TargetScaler::from_json(nlohmann::json::parse(s.to_json().dump()));
  EXPECT_EQ(back.mean(), s.mean());  // bit for bit: the JSON writer prints doubles round-trip exact
  EXPECT_EQ(back.scale(), s.scale());
  EXPECT_TRUE(back.scaled());
  for (const auto& [json, message] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"mean", 1.0}, {"std", 0.0}}, "target.scaler.std is 0.0; expected a positive normal number"},
           {{{"mean", 1.0}, {"std", -2.0}}, "target.scaler.std is -2.0; expected a positive normal number"},
           {{{"mean", 1.0}, {"std", 1e-310}}, "expected a positive normal number"},
           {{{"mean", "x"}, {"std", 1.0}}, "target.scaler.mean is \"x\"; expected a finite number"},
           {{{"mean", 1.0}}, "target.scaler lacks \"std\""},
           {nlohmann::json::array(), "target.scaler is []; expected a JSON object"}}) {
    EXPECT_THAT(error_of([&] { (void)TargetScaler::from_json(json); }), HasSubstr(message)) << json.dump();
  }
}

// 10 rows: y = 10 * x + 100 + noise-free offsets, so every split keeps distinct values.
const Table& regression_table() {
  static const Table t = [] {
    std::string csv = "x,price\n";
    for (int i = 0; i < 10; ++i) csv += fmt::format("{},{}\n", i, 10 * i + 100 + (i % 3));
    return parse_csv(csv, {}, "r.csv");
  }();
  return t;
}

PrepareOptions regression_options() {
  PrepareOptions o;
  o.target = "price";
  o.target_rule = TargetRule::regression();
  o.test_size = 0.3;
  return o;
}

TEST(PrepareRegression, TargetScalerFittedOnTheTrainSplitAndKeptInTheJson) {
  const PreparedData d = prepare(regression_table(), regression_options());
  const TargetScaler& s = d.preprocessing.target_scaler;
  ASSERT_TRUE(s.scaled());
  // Train rows only, population std; y itself stays in the target's units.
  const double mean = d.y_train.mean();
  const double std = std::sqrt((d.y_train.array() - mean).square().mean());
  EXPECT_NEAR(s.mean(), mean, 1e-12);
  EXPECT_NEAR(s.scale(), std, 1e-12);
  EXPECT_GE(d.y_train.minCoeff(), 100.0);
  bool logged = false;
  for (const auto& step : d.steps) logged |= step.step == "scale_target" && step.details.at("scaled").get<bool>();
  EXPECT_TRUE(logged);

  const nlohmann::json j = d.preprocessing.to_json();
  EXPECT_EQ(j.at("target").at("scaler").at("mean").get<double>(), s.mean());
  const FittedPreprocessing back = FittedPreprocessing::from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.target_scaler.mean(), s.mean());
  EXPECT_EQ(back.target_scaler.scale(), s.scale());
  EXPECT_EQ(back.to_json(), j);

  // A file written before the scaler existed (no target.scaler) loads as unscaled.
  nlohmann::json old = j;
  old["target"].erase("scaler");
  EXPECT_FALSE(FittedPreprocessing::from_json(old).target_scaler.scaled());
  // A scaler on a classification target is refused.
  nlohmann::json binary = old;
  binary["target"]["rule"] = {{"kind", "binary"}, {"op", ">="}, {"threshold", 120}};
  binary["target"]["classes"] = {"not (price >= 120)", "price >= 120"};
  EXPECT_NO_THROW((void)FittedPreprocessing::from_json(binary));
  binary["target"]["scaler"] = j["target"]["scaler"];
  EXPECT_THAT(error_of([&] { (void)FittedPreprocessing::from_json(binary); }),
              HasSubstr("preprocessing JSON: target.scaler is present for a binary target; expected it for a "
                        "regression target only"));
}

TEST(PrepareRegression, ScalingCanBeTurnedOff) {
  PrepareOptions o = regression_options();
  o.scale_target = false;
  const PreparedData d = prepare(regression_table(), o);
  EXPECT_FALSE(d.preprocessing.target_scaler.scaled());
  EXPECT_FALSE(d.preprocessing.to_json().at("target").contains("scaler"));
}

TEST(PrepareRegression, ATrainSplitOfEqualValuesIsAnError) {
  // y differs only in row 0; a test size that puts it in the test split leaves train constant.
  std::string csv = "x,price\n0,1\n";
  for (int i = 1; i < 10; ++i) csv += fmt::format("{},7\n", i);
  const Table t = parse_csv(csv, {}, "c.csv");
  PrepareOptions o = regression_options();
  o.scale_target = false;  // the check runs whether or not the target is scaled
  for (std::uint32_t seed = 0; seed < 50; ++seed) {
    o.split_seed = seed;
    try {
      const PreparedData d = prepare(t, o);
      EXPECT_EQ(d.y_train.minCoeff() == d.y_train.maxCoeff(), false) << "seed " << seed;
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("target \"price\": all target values are equal (7) in the 7 train rows"));
      return;
    }
  }
  FAIL() << "no seed put row 0 in the test split";
}

TEST(PrepareBinary, NoTargetScaler) {
  PrepareOptions o = regression_options();
  o.target_rule = TargetRule::parse(">=140");
  const PreparedData d = prepare(regression_table(), o);
  EXPECT_FALSE(d.preprocessing.target_scaler.scaled());
  EXPECT_FALSE(d.preprocessing.to_json().at("target").contains("scaler"));
  for (const auto& step : d.steps) EXPECT_NE(step.step, "scale_target");
}

}  // namespace
