// Result files: exact CSV text of histories, curves and repeats on small inputs, numbers that read
// back to the same doubles, NaN as "nan", and JSON files that parse back to the values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "io_test_util.hpp"
#include "lrtune/io/json_file.hpp"
#include "lrtune/io/result_files.hpp"

namespace lrtune {
namespace {

using test::IoTempFolder;
using test::read_all;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

History small_history() {
  History h;
  Logs a;
  a.set("loss", 0.5216);
  a.set("accuracy", 0.7362);
  h.append(0, a);
  Logs b;
  b.set("loss", 0.1 + 0.2);  // 0.30000000000000004: needs 17 digits
  b.set("accuracy", 0.75);
  b.set("val_loss", 0.6);
  h.append(1, b);
  return h;
}

TEST(CsvNumber, ShortestExactForm) {
  EXPECT_EQ(format_csv_number(0.1), "0.1");
  EXPECT_EQ(format_csv_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_csv_number(1e-5), "1e-05");
  EXPECT_EQ(format_csv_number(kNaN), "nan");
  EXPECT_EQ(format_csv_number(-kNaN), "nan");
  EXPECT_EQ(format_csv_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_csv_number(-std::numeric_limits<double>::infinity()), "-inf");
  std::mt19937_64 rng(1);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    EXPECT_EQ(std::strtod(format_csv_number(v).c_str(), nullptr), v) << format_csv_number(v);
  }
}

TEST(CsvField, QuotesWhenNeeded) {
  EXPECT_EQ(csv_field("loss"), "loss");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(HistoryCsv, ExactText) {
  EXPECT_EQ(history_to_csv(small_history()),
            "epoch,loss,accuracy,val_loss\n"
            "0,0.5216,0.7362,nan\n"
            "1,0.30000000000000004,0.75,0.6\n");
  EXPECT_EQ(history_to_csv(History{}), "epoch\n");
}

TEST(HistoryFiles, WriteCsvAndJson) {
  IoTempFolder dir("history_files");
  const History h = small_history();
  write_history_csv(dir.path / "h.csv", h);
  EXPECT_EQ(read_all(dir.path / "h.csv"), history_to_csv(h));
  write_history_json(dir.path / "h.json", h);
  EXPECT_EQ(read_json(dir.path / "h.json"), h.records_json());
  write_history_summary_json(dir.path / "h_summary.json", h);
  EXPECT_EQ(read_json(dir.path / "h_summary.json"), h.summary_json());
}

RangeTestCurve small_curve() {
  RangeTestCurve c;
  c.mode = CurveMode::per_epoch;
  c.learning_rates = {0.001, 0.0021544346900318843, 0.0046415888336127815};
  c.losses = {0.52, 0.5, kNaN};
  c.smoothed_losses = {0.52, 0.51, kNaN};
  c.validation_losses = {0.6, kNaN, 0.7};
  c.metrics["accuracy"] = {0.73, 0.75, 0.5};
  c.metrics["auc"] = {0.8, 0.81, 0.6};
  c.step_seconds = {0.1, 0.1, 0.1};
  c.stop_reason = RangeTestStop::non_finite_loss;
  c.stop_index = 2;
  return c;
}

TEST(CurveCsv, ExactText) {
  EXPECT_EQ(curve_to_csv(small_curve()),
            "index,lr,loss,smoothed_loss,val_loss,accuracy,auc\n"
            "0,0.001,0.52,0.52,0.6,0.73,0.8\n"
            "1,0.0021544346900318843,0.5,0.51,nan,0.75,0.81\n"
            "2,0.0046415888336127815,nan,nan,0.7,0.5,0.6\n");
  RangeTestCurve no_extras;
  no_extras.learning_rates = {0.1};
  no_extras.losses = {1.0};
  no_extras.smoothed_losses = {1.0};
  EXPECT_EQ(curve_to_csv(no_extras), "index,lr,loss,smoothed_loss\n0,0.1,1,1\n");
}

TEST(CurveCsv, RejectsColumnsOfOtherLengths) {
  RangeTestCurve c = small_curve();
  c.metrics["accuracy"].pop_back();
  EXPECT_THROW(curve_to_csv(c), lrtune::UsageError);
}

TEST(CurveFiles, JsonReadsBackToTheSameCurve) {
  IoTempFolder dir("curve_files");
  const RangeTestCurve c = small_curve();
  write_curve_json(dir.path / "c.json", c);
  EXPECT_EQ(read_json(dir.path / "c.json").get<RangeTestCurve>(), c);
  write_curve_csv(dir.path / "c.csv", c);
  EXPECT_EQ(read_all(dir.path / "c.csv"), curve_to_csv(c));
}

TEST(RepeatFiles, SpreadsMeanCurveAndJson) {
  RepeatedRangeTest r;
  r.seeds = {0, 1};
  r.runs = {small_curve(), small_curve()};
  RuleSpread s;
  s.name = "valley";
  s.found = 2;
  s.runs = 2;
  s.median = 0.007;
  s.min = s.q1 = 0.005;
  s.max = s.q3 = 0.01;
  s.iqr_decades = 0.3;
  s.geometric_std = 1.5;
  s.values = {0.005, 0.01};
  RuleSpread none;
  none.name = "slide";
  none.runs = 2;
  none.median = none.min = none.max = none.q1 = none.q3 = none.iqr_decades = none.geometric_std = kNaN;
  r.spreads = {s, none};
  r.default_rule = "valley";
  r.mean_curve = {{0.001, 0.002}, {0.5, 0.4}, {0.0, 0.01}, {2, 1}};
  EXPECT_EQ(rule_spreads_to_csv(r),
            "rule,found,runs,median,q1,q3,min,max,iqr_decades,geometric_std,default\n"
            "valley,2,2,0.007,0.005,0.01,0.005,0.01,0.3,1.5,1\n"
            "slide,0,2,nan,nan,nan,nan,nan,nan,nan,0\n");
  EXPECT_EQ(mean_curve_to_csv(r.mean_curve), "index,lr,mean,std,count\n0,0.001,0.5,0,2\n1,0.002,0.4,0.01,1\n");
  IoTempFolder dir("repeat_files");
  write_repeated_range_test_json(dir.path / "r.json", r);
  const auto back = read_json(dir.path / "r.json").get<RepeatedRangeTest>();
  EXPECT_EQ(back.spreads, r.spreads);
  EXPECT_EQ(back.runs, r.runs);
  EXPECT_EQ(back.default_rule, "valley");
}

}  // namespace
}  // namespace lrtune
