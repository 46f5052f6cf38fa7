// prepare_shards on N = 1..4 thread ranks against prepare() on the whole table: the fitted
// preprocessing, steps, summary and warnings (scaler statistics within 1e-12 relative, the rest
// exact), each rank's train rows against the whole x_train at train_positions, the positions a
// permutation, and the whole validation and test parts on every rank.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/core/error.hpp"
#include "lrtune/core/row_shards.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/prepare_shards.hpp"
#include "support/data_dir.hpp"
#include "support/thread_ranks.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

// The stated tolerance of the combined statistics (prepare_shards.hpp, shard_scaler.hpp).
constexpr double kStatisticsTolerance = 1e-12;

// A rank's outcome: its result, or the error it threw (kind and message).
struct Outcome {
  std::optional<ShardPreparedData> data;
  std::optional<ErrorKind> error_kind;
  std::string error;
};

// The table's rows in N contiguous blocks, rank 0 the first (as the sharded reader gives them).
std::vector<Table> cut(const Table& table, int ranks) {
  std::vector<Table> shards;
  for (int r = 0; r < ranks; ++r) {
    const RowRange range = row_shard(static_cast<std::size_t>(table.rows()), r, ranks);
    std::vector<Index> rows(range.end - range.begin);
    std::iota(rows.begin(), rows.end(), static_cast<Index>(range.begin));
    shards.push_back(table.take(rows));
  }
  return shards;
}

std::vector<Outcome> run_ranks(const Table& table, const PrepareOptions& o, int ranks) {
  const std::vector<Table> shards = cut(table, ranks);
  return lrtune::testing::on_thread_ranks<Outcome>(ranks, [&](const Communicator& c) {
    Outcome out;
    try {
      out.data = prepare_shards(shards[static_cast<std::size_t>(c.rank())], o, c);
    } catch (const Error& e) {
      out.error_kind = e.kind();
      out.error = e.what();
    }
    return out;
  });
}

bool close(double a, double b) { return std::abs(a - b) <= kStatisticsTolerance * std::max(1.0, std::abs(b)); }

// Replaces the numbers at `path` (an array or a number) in `got` by `want`'s after checking them
// within the tolerance, so that the rest can be compared exactly.
void settle_numbers(nlohmann::json& got, const nlohmann::json& want, const nlohmann::json::json_pointer& path) {
  if (!want.contains(path)) {
    EXPECT_FALSE(got.contains(path)) << path.to_string();
    return;
  }
  ASSERT_TRUE(got.contains(path)) << path.to_string();
  const nlohmann::json& w = want.at(path);
  nlohmann::json& g = got.at(path);
  if (w.is_array()) {
    ASSERT_EQ(g.size(), w.size()) << path.to_string();
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i].is_number()) {
        EXPECT_TRUE(close(g[i].get<double>(), w[i].get<double>())) << path.to_string() << i;
      }
    }
  } else if (w.is_number()) {
    EXPECT_TRUE(close(g.get<double>(), w.get<double>())) << path.to_string() << " " << g << " vs " << w;
  }
  g = w;
}

using Pointer = nlohmann::json::json_pointer;

void expect_same_preprocessing(const FittedPreprocessing& got, const FittedPreprocessing& want) {
  nlohmann::json g = got.to_json();
  const nlohmann::json w = want.to_json();
  settle_numbers(g, w, Pointer("/scaler/offset"));
  settle_numbers(g, w, Pointer("/scaler/scale"));
  settle_numbers(g, w, Pointer("/target/scaler/mean"));
  settle_numbers(g, w, Pointer("/target/scaler/std"));
  if (want.imputer) {
    for (std::size_t k = 0; k < want.imputer->values().size(); ++k) {
      if (want.imputer->values()[k].strategy == ImputeStrategy::mean)
        settle_numbers(g, w, Pointer(fmt::format("/imputer/{}/value", k)));
    }
  }
  EXPECT_EQ(g, w);
  EXPECT_EQ(got.scaler.constant_features(), want.scaler.constant_features());
}

void expect_same_steps(const StepLog& got, const StepLog& want) {
  nlohmann::json g = to_json(got);
  const nlohmann::json w = to_json(want);
  ASSERT_EQ(g.size(), w.size()) << g.dump(1) << "\n" << w.dump(1);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string prefix = fmt::format("/{}/details/", i);
    if (w[i].value("step", "") == "scale") {
      settle_numbers(g, w, Pointer(prefix + "offset"));
      settle_numbers(g, w, Pointer(prefix + "scale"));
    } else if (w[i].value("step", "") == "impute_fit") {
      for (const auto& [column, fill] : w[i]["details"].items()) {
        if (fill["strategy"] == "mean") settle_numbers(g, w, Pointer(prefix + column + "/value"));
      }
    } else if (w[i].value("step", "") == "scale_target") {
      settle_numbers(g, w, Pointer(prefix + "mean"));
      settle_numbers(g, w, Pointer(prefix + "std"));
    }
  }
  EXPECT_EQ(g, w);
}

void expect_same_summary(const DataSummary& got, const DataSummary& want) {
  nlohmann::json g = got.to_json();
  const nlohmann::json w = want.to_json();
  for (std::size_t j = 0; j < want.columns.size(); ++j) {
    if (want.columns[j].type == ColumnType::numeric) {
      EXPECT_TRUE(std::isnan(want.columns[j].mean) ? std::isnan(got.columns[j].mean)
                                                   : close(got.columns[j].mean, want.columns[j].mean))
          << want.columns[j].name;
    }
  }
  // The JSON form's means compared above; the rest exactly.
  for (auto& c : g["column_summaries"]) c.erase("mean");
  nlohmann::json w2 = w;
  for (auto& c : w2["column_summaries"]) c.erase("mean");
  EXPECT_EQ(g, w2);
}

// A float32 value of a row scaled with statistics a few ulps from one process's: equal, or one
// float rounding step away.
bool close_float(float a, float b) {
  return a == b || std::abs(a - b) <= 2.0F * std::numeric_limits<float>::epsilon() * std::max(1.0F, std::abs(b));
}

void expect_rows(const Matrix& got, const Matrix& want, const std::vector<Index>& rows, bool exact,
                 const std::string& what) {
  ASSERT_EQ(got.rows(), static_cast<Index>(rows.size())) << what;
  ASSERT_EQ(got.cols(), want.cols()) << what;
  for (Index i = 0; i < got.rows(); ++i) {
    for (Index j = 0; j < got.cols(); ++j) {
      const float w = want(rows[static_cast<std::size_t>(i)], j);
      if (exact) {
        ASSERT_EQ(got(i, j), w) << what << " row " << i << " col " << j;
      } else {
        ASSERT_TRUE(close_float(got(i, j), w))
            << what << " row " << i << " col " << j << ": " << got(i, j) << " vs " << w;
      }
    }
  }
}

std::vector<Index> all_positions(Index n) {
  std::vector<Index> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), Index{0});
  return p;
}

bool mean_imputed(const FittedPreprocessing& p) {
  if (!p.imputer) return false;
  const auto& v = p.imputer->values();
  return std::any_of(v.begin(), v.end(), [](const ImputeValue& f) { return f.strategy == ImputeStrategy::mean; });
}

// The whole check: every rank against prepare() on the whole table.
void expect_as_one_process(const Table& table, const PrepareOptions& o, int ranks) {
  SCOPED_TRACE(fmt::format("{} ranks", ranks));
  const PreparedData one = prepare(table, o);
  const std::vector<Outcome> outcomes = run_ranks(table, o, ranks);
  const bool scaler_exact = o.scaler != ScalerKind::standard || ranks == 0;
  std::vector<Index> positions;
  for (const Outcome& out : outcomes) {
    ASSERT_TRUE(out.data.has_value()) << out.error;
    const ShardPreparedData& d = *out.data;
    // The ranks hold the same fitted preprocessing, bit for bit.
    EXPECT_EQ(d.prepared.preprocessing.to_json(), outcomes[0].data->prepared.preprocessing.to_json());
    expect_same_preprocessing(d.prepared.preprocessing, one.preprocessing);
    expect_same_steps(d.prepared.steps, one.steps);
    expect_same_summary(d.prepared.summary, one.summary);
    EXPECT_EQ(d.prepared.warnings, one.warnings);
    EXPECT_EQ(d.prepared.feature_names, one.feature_names);
    EXPECT_EQ(d.train_total, one.x_train.rows());
    EXPECT_TRUE(std::is_sorted(d.train_positions.begin(), d.train_positions.end()));
    const bool exact = (scaler_exact && !mean_imputed(one.preprocessing)) ||
                       d.prepared.preprocessing.scaler.to_json() == one.preprocessing.scaler.to_json();
    expect_rows(d.prepared.x_train, one.x_train, d.train_positions, exact, "x_train");
    ASSERT_EQ(d.prepared.y_train.size(), static_cast<Index>(d.train_positions.size()));
    for (std::size_t i = 0; i < d.train_positions.size(); ++i) {
      EXPECT_EQ(d.prepared.y_train[static_cast<Index>(i)], one.y_train[d.train_positions[i]]);
      EXPECT_EQ(d.prepared.train_rows[i], one.train_rows[static_cast<std::size_t>(d.train_positions[i])]);
    }
    positions.insert(positions.end(), d.train_positions.begin(), d.train_positions.end());
    expect_rows(d.prepared.x_test, one.x_test, all_positions(one.x_test.rows()), exact, "x_test");
    expect_rows(d.prepared.x_validation, one.x_validation, all_positions(one.x_validation.rows()), exact,
                "x_validation");
    EXPECT_EQ(d.prepared.y_test, one.y_test);
    EXPECT_EQ(d.prepared.test_rows, one.test_rows);
    EXPECT_EQ(d.prepared.y_validation, one.y_validation);
    EXPECT_EQ(d.prepared.validation_rows, one.validation_rows);
    // Every rank holds the same test part, bit for bit.
    EXPECT_EQ(d.prepared.x_test, outcomes[0].data->prepared.x_test);
  }
  std::sort(positions.begin(), positions.end());
  EXPECT_EQ(positions, all_positions(one.x_train.rows()));
}

const Table& wine() {
  static const Table table = read_csv(lrtune::testing::data_file("winequalityN.csv"));
  return table;
}

PrepareOptions wine_options() {
  PrepareOptions o;
  o.target = "quality";
  o.target_rule = TargetRule::parse(">=6");
  return o;
}

class PrepareShardsRanks : public ::testing::TestWithParam<int> {};

TEST_P(PrepareShardsRanks, WineBinaryAsOneProcess) { expect_as_one_process(wine(), wine_options(), GetParam()); }

TEST_P(PrepareShardsRanks, WineMulticlassStratifiedWithValidation) {
  PrepareOptions o = wine_options();
  o.target_rule = TargetRule::multiclass();
  o.stratify = true;
  o.validation_size = 0.1;
  o.validation_seed = 7;
  expect_as_one_process(wine(), o, GetParam());
}

TEST_P(PrepareShardsRanks, WineRegressionScaledTarget) {
  PrepareOptions o = wine_options();
  o.target = "alcohol";
  o.target_rule = TargetRule::regression();
  expect_as_one_process(wine(), o, GetParam());
}

TEST_P(PrepareShardsRanks, WineClassTargetMinMaxScaler) {
  // "type" by class: white rows come first in the file, red last, so the ranks' class sets differ.
  PrepareOptions o = wine_options();
  o.target = "type";
  o.target_rule = TargetRule::parse("red");
  o.scaler = ScalerKind::min_max;
  expect_as_one_process(wine(), o, GetParam());
}

TEST_P(PrepareShardsRanks, WineImputedMeanAndMostFrequent) {
  PrepareOptions o = wine_options();
  o.missing = MissingPolicy::impute;
  o.validation_size = 0.15;
  expect_as_one_process(wine(), o, GetParam());
}

TEST_P(PrepareShardsRanks, WineImputedPerColumnExactly) {
  PrepareOptions o = wine_options();
  o.scaler = ScalerKind::none;
  o.impute.per_column["pH"] = ImputeStrategy::median;
  o.impute.per_column["sulphates"] = ImputeStrategy::most_frequent;
  o.impute.per_column["chlorides"] = ImputeStrategy::constant;
  o.impute.fill_number = -1.0;
  o.missing_drop_columns = {"fixed acidity"};
  expect_as_one_process(wine(), o, GetParam());
}

TEST_P(PrepareShardsRanks, NoScalerIsExact) {
  PrepareOptions o = wine_options();
  o.scaler = ScalerKind::none;
  expect_as_one_process(wine(), o, GetParam());
}

// A level only in the last shard, a class only in one shard, an identifier-like column, a row with a
// missing value in each shard.
const Table& small_table() {
  static const Table table = [] {
    std::string text = "id,colour,size,label,note\n";
    for (int i = 0; i < 30; ++i) {
      const char* colour = i < 27 ? (i % 2 == 0 ? "red" : "blue") : "green";  // green: the last rows only
      const std::string size = i % 7 == 3 ? "" : fmt::format("{}", (i * 37) % 11 + 0.5);
      const int label = i == 5 ? 2 : i % 3 == 0 ? 1 : 0;                     // class 2 in one row
      const std::string note = i % 5 == 2 ? "" : fmt::format("n{}", i % 4);  // missing in a few rows
      text += fmt::format("id{:02},{},{},{},{}\n", i, colour, size, label, note);
    }
    return parse_csv(text, {}, "small.csv");
  }();
  return table;
}

TEST_P(PrepareShardsRanks, SmallTableLevelsAndClassesInOneShard) {
  PrepareOptions o;
  o.target = "label";
  o.target_rule = TargetRule::multiclass();
  o.test_size = 0.3;
  expect_as_one_process(small_table(), o, GetParam());
}

TEST_P(PrepareShardsRanks, SmallTableImputedCategorical) {
  PrepareOptions o;
  o.target = "label";
  o.target_rule = TargetRule::multiclass();
  o.test_size = 0.3;
  o.missing = MissingPolicy::impute;
  o.impute.numeric = ImputeStrategy::median;
  expect_as_one_process(small_table(), o, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Ranks, PrepareShardsRanks, ::testing::Values(1, 2, 3, 4));

TEST(PrepareShards, SingleProcessCommunicatorIsPrepare) {
  const PreparedData one = prepare(wine(), wine_options());
  const ShardPreparedData d = prepare_shards(wine(), wine_options(), single_process());
  expect_same_preprocessing(d.prepared.preprocessing, one.preprocessing);
  EXPECT_EQ(d.train_positions, all_positions(one.x_train.rows()));
  EXPECT_EQ(d.prepared.train_rows, one.train_rows);
  EXPECT_EQ(d.prepared.y_train, one.y_train);
  EXPECT_EQ(d.prepared.warnings, one.warnings);
}

TEST(PrepareShards, MedianOfAnEvenCountGathered) {
  // 30 distinct train values: the median is the mean of two different middle values.
  std::string text = "x,c,y\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("{},{},{}\n", (i * 17) % 40 * 1.25, i % 3 ? "a" : "b", i % 2);
  const Table table = parse_csv(text, {}, "even.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  o.test_size = 0.25;
  o.impute.per_column["x"] = ImputeStrategy::median;
  o.scaler = ScalerKind::none;
  for (int ranks = 1; ranks <= 4; ++ranks) expect_as_one_process(table, o, ranks);
}

TEST(PrepareShards, MoreRanksThanRows) {
  const Table table = parse_csv("x,c,y\n1,a,0\n2,b,1\n3,a,0\n4,b,1\n5,a,1\n", {}, "tiny.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  o.test_size = 0.4;
  expect_as_one_process(table, o, 7);
}

TEST(PrepareShards, AllMissingShard) {
  // Rows 6..11 miss "x": with 2 ranks, rank 1 keeps none of its rows.
  std::string text = "x,c,y\n";
  for (int i = 0; i < 12; ++i) text += i < 6 ? fmt::format("{},{},{}\n", i * 1.5, i % 2 ? "u" : "v", i % 2) : ",u,1\n";
  const Table table = parse_csv(text, {}, "half.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  o.test_size = 0.34;
  expect_as_one_process(table, o, 2);
  expect_as_one_process(table, o, 3);
}

TEST(PrepareShards, IdentifierVerdictCountsAllRanks) {
  // 40 distinct ids: 20 or fewer in each shard of 2, so only the combined count finds it identifier-like.
  std::string text = "id,x,y\n";
  for (int i = 0; i < 40; ++i) text += fmt::format("k{},{},{}\n", i, i % 5, i % 2);
  const Table table = parse_csv(text, {}, "ids.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  const PreparedData one = prepare(table, o);
  ASSERT_EQ(one.warnings.size(), 1U);
  EXPECT_THAT(one.warnings[0], HasSubstr("identifier-like"));
  expect_as_one_process(table, o, 2);
}

// Every rank throws the same error, none waits (a hang would time the test out).
void expect_error_on_every_rank(const Table& table, const PrepareOptions& o, int ranks, ErrorKind kind,
                                const std::string& part) {
  for (const Outcome& out : run_ranks(table, o, ranks)) {
    ASSERT_FALSE(out.data.has_value());
    ASSERT_TRUE(out.error_kind.has_value());
    EXPECT_EQ(*out.error_kind, kind);
    EXPECT_THAT(out.error, HasSubstr(part));
  }
}

TEST(PrepareShards, ImputeErrorsOnEveryRank) {
  PrepareOptions o = wine_options();
  o.impute.per_column["type"] = ImputeStrategy::mean;  // a categorical column
  expect_error_on_every_rank(wine(), o, 3, ErrorKind::data, "is categorical; impute strategy mean");
  PrepareOptions unknown = wine_options();
  unknown.impute.per_column["no such column"] = ImputeStrategy::median;
  expect_error_on_every_rank(wine(), unknown, 2, ErrorKind::data, "no such column");
}

TEST(PrepareShards, DataErrorOfOneShardEndsEveryRank) {
  // An infinite feature value in the last shard only: one process's error, on every rank.
  std::string text = "x,y\n";
  for (int i = 0; i < 20; ++i) text += fmt::format("{},{}\n", i == 18 ? "inf" : fmt::format("{}", i), i % 2);
  const Table table = parse_csv(text, {}, "inf.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  o.test_size = 0.5;
  expect_error_on_every_rank(table, o, 2, ErrorKind::data, "infinite");
}

TEST(PrepareShards, SingleClassErrorCountsAllRanks) {
  const Table table = parse_csv("x,y\n1,1\n2,1\n3,1\n4,1\n", {}, "one.csv");
  PrepareOptions o;
  o.target = "y";
  o.target_rule = TargetRule::parse(">=1");
  std::string want;
  try {
    (void)prepare(table, o);
  } catch (const DataError& e) {
    want = e.what();
  }
  ASSERT_THAT(want, HasSubstr("4 of 4 rows positive"));
  expect_error_on_every_rank(table, o, 3, ErrorKind::data, want);
}

}  // namespace
