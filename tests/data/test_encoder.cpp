// Binary and one-hot encodings: levels fixed at fit time, which level is 1, names,
// unseen levels (error or all-zero), missing values, JSON round trip.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/encoder.hpp"
#include "lrtune/data/error.hpp"

namespace {

using namespace lrtune;
using ::testing::HasSubstr;

TEST(Encoder, TwoLevelsBecomeOneColumn) {
  const Table t = parse_csv("type,c\nwhite,a\nred,b\nwhite,c\n");
  StepLog log;
  const auto e = CategoricalEncoder::fit(t, {"type"}, {}, &log);
  EXPECT_EQ(e.output_names(), (std::vector<std::string>{"type_white"}));
  EXPECT_EQ(e.transform(t), (MatrixD(3, 1) << 1, 0, 1).finished());
  EXPECT_THAT(log[0].text, HasSubstr("1 for \"white\""));
  EXPECT_EQ(log[0].details["type"]["positive_level"], "white");

  EncoderOptions o;
  o.positive_level["type"] = "red";
  o.binary_name["type"] = "is_red";
  const auto r = CategoricalEncoder::fit(t, {"type"}, o);
  EXPECT_EQ(r.output_names(), (std::vector<std::string>{"is_red"}));
  EXPECT_EQ(r.transform(t), (MatrixD(3, 1) << 0, 1, 0).finished());
}

TEST(Encoder, MoreLevelsOneHotSortedAndSideBySide) {
  const Table t = parse_csv("c,type\nb,white\na,red\nc,white\na,red\n");
  const auto e = CategoricalEncoder::fit(t, {"c", "type"});
  EXPECT_EQ(e.output_names(), (std::vector<std::string>{"c_a", "c_b", "c_c", "type_white"}));
  EXPECT_EQ(e.transform(t), (MatrixD(4, 4) << 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0).finished());
}

TEST(Encoder, UnseenLevels) {
  const Table train = parse_csv("c\na\nb\nc\n", {}, "train.csv");
  const Table other = parse_csv("c\nb\nd\n", {}, "new.csv");
  EncoderOptions error;
  error.unknown = UnknownLevel::error;
  const auto strict = CategoricalEncoder::fit(train, {"c"}, error);
  try {
    (void)strict.transform(other);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("new.csv: file data row 1, column \"c\": level \"d\" was not seen at fit time; "
                                    "expected one of \"a\", \"b\", \"c\" (--unknown-levels ignore would encode it "
                                    "as all zeros)"));
  }
  // The default is scikit-learn's handle_unknown="ignore": all zeros.
  const auto lenient = CategoricalEncoder::fit(train, {"c"});
  EXPECT_EQ(lenient.unknown(), UnknownLevel::all_zero);
  EXPECT_EQ(lenient.transform(other), (MatrixD(2, 3) << 0, 1, 0, 0, 0, 0).finished());
}

// All zeros, counted per column: rows, the first three distinct levels, then "...". A
// two-level column's unseen level is its 0 level (the one that is not positive).
TEST(Encoder, UnseenLevelsAreCountedPerColumnForTheWarning) {
  const Table train = parse_csv("c,type\na,red\nb,white\nc,red\n", {}, "train.csv");
  const Table other = parse_csv("c,type\nd,rose\na,white\ne,red\nd,rose\nf,red\ng,red\n", {}, "new.csv");
  const auto e = CategoricalEncoder::fit(train, {"c", "type"});
  std::vector<UnseenLevels> unseen;
  const MatrixD x = e.transform(other, &unseen);
  EXPECT_EQ(x, (MatrixD(6, 4) << 0, 0, 0, 0,  //
                1, 0, 0, 1,                   //
                0, 0, 0, 0,                   //
                0, 0, 0, 0,                   //
                0, 0, 0, 0,                   //
                0, 0, 0, 0)
                   .finished());
  ASSERT_EQ(unseen.size(), 2u);
  EXPECT_EQ(unseen[0].column, "c");
  EXPECT_EQ(unseen[0].rows, 5);
  EXPECT_EQ(unseen[0].levels, (std::vector<std::string>{"d", "e", "f"}));
  EXPECT_TRUE(unseen[0].more_levels);
  EXPECT_EQ(unseen[1].column, "type");
  EXPECT_EQ(unseen[1].rows, 2);
  EXPECT_EQ(unseen[1].levels, (std::vector<std::string>{"rose"}));
  EXPECT_FALSE(unseen[1].more_levels);
  EXPECT_EQ(describe_unseen_levels(unseen),
            "column \"c\" in 5 rows (\"d\", \"e\", \"f\", ...); column \"type\" in 2 rows (\"rose\")");

  // Two parts (validation and test) merged into one line.
  std::vector<UnseenLevels> more = {{"type", 1, {"rose", "blush"}, false}, {"z", 1, {"q"}, false}};
  merge_unseen_levels(unseen, more);
  EXPECT_EQ(describe_unseen_levels(unseen),
            "column \"c\" in 5 rows (\"d\", \"e\", \"f\", ...); column \"type\" in "
            "3 rows (\"rose\", \"blush\"); column \"z\" in 1 row (\"q\")");
  // A level with a line break stays on one line.
  EXPECT_EQ(describe_unseen_levels({{"c", 1, {"a\nb"}, false}}), "column \"c\" in 1 row (\"a\\nb\")");
}

TEST(Encoder, AnUnseenLevelErrorListsAtMostTenLevels) {
  std::string text = "c\n";
  for (int i = 0; i < 12; ++i) text += fmt::format("l{:02}\n", i);
  EncoderOptions error;
  error.unknown = UnknownLevel::error;
  const auto e = CategoricalEncoder::fit(parse_csv(text), {"c"}, error);
  try {
    (void)e.transform(parse_csv("c\nl00\nnew\n", {}, "new.csv"));
    FAIL();
  } catch (const DataError& err) {
    EXPECT_THAT(err.what(), HasSubstr("level \"new\" was not seen at fit time; expected one of \"l00\", \"l01\""));
    EXPECT_THAT(err.what(), HasSubstr("\"l09\", ... (12 levels)"));
  }
}

TEST(Encoder, Errors) {
  const Table t = parse_csv("c,n,m\na,1,x\nb,2,\nc,3,y\n", {}, "t.csv");
  EXPECT_THAT(
      [&] {
        try {
          (void)CategoricalEncoder::fit(t, {"n"});
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("column \"n\" is numeric"));
  EXPECT_THAT(
      [&] {
        try {
          (void)CategoricalEncoder::fit(t, {"m"});
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("column \"m\" has 1 missing values; drop or impute them before encoding"));
  EncoderOptions bad_level;
  bad_level.positive_level["c"] = "a";
  EXPECT_THAT(
      [&] {
        try {
          (void)CategoricalEncoder::fit(t, {"c"}, bad_level);
        } catch (const DataError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("apply to two-level columns only"));
  EncoderOptions unknown_column;
  unknown_column.binary_name["zz"] = "x";
  EXPECT_THROW((void)CategoricalEncoder::fit(t, {"c"}, unknown_column), DataError);
  const Table two = parse_csv("c\na\nb\n");
  EncoderOptions absent;
  absent.positive_level["c"] = "q";
  EXPECT_THROW((void)CategoricalEncoder::fit(two, {"c"}, absent), DataError);
}

TEST(Encoder, JsonRoundTrip) {
  const Table t = parse_csv("c,type\nb,white\na,red\nc,white\n");
  EncoderOptions o;
  o.unknown = UnknownLevel::all_zero;
  o.binary_name["type"] = "is_white_wine";
  const auto e = CategoricalEncoder::fit(t, {"c", "type"}, o);
  const auto back = CategoricalEncoder::from_json(nlohmann::json::parse(e.to_json().dump()));
  EXPECT_EQ(back.to_json(), e.to_json());
  EXPECT_EQ(back.transform(t), e.transform(t));
  EXPECT_EQ(back.unknown(), UnknownLevel::all_zero);
  // A file without the field (lrtune always writes it) keeps the old, strict rule.
  auto j = e.to_json();
  j.erase("unknown");
  EXPECT_EQ(CategoricalEncoder::from_json(j).unknown(), UnknownLevel::error);
}

// The JSON form comes from model files other people hand over: an encoding whose outputs do not
// match its levels wrote past the matrix in transform() (issue 11, item 1). Each rule is a
// DataError naming the field, before any use.
TEST(Encoder, FromJsonRefusesInconsistentEncodings) {
  const auto error = [](const nlohmann::json& column) -> std::string {
    try {
      (void)CategoricalEncoder::from_json({{"unknown", "error"}, {"columns", nlohmann::json::array({column})}});
    } catch (const DataError& e) {
      return e.what();
    }
    return "no error";
  };
  const nlohmann::json one_hot = {{"column", "kind"},
                                  {"levels", {"blue", "green", "red"}},
                                  {"binary", false},
                                  {"outputs", {"kind_blue", "kind_green", "kind_red"}}};
  EXPECT_EQ(error(one_hot), "no error");
  auto edited = [&](const std::string& key, nlohmann::json value) {
    nlohmann::json j = one_hot;
    j[key] = std::move(value);
    return j;
  };
  EXPECT_EQ(error(edited("outputs", nlohmann::json::array({"kind_blue"}))),
            "encoder.columns[0] has 3 levels and 1 output; expected 3 outputs (one-hot: one per level)");
  EXPECT_EQ(error(edited("binary", true)),
            "encoder.columns[0] is binary with 3 levels; expected a binary encoding to have exactly 2");
  EXPECT_EQ(error(edited("levels", {"red", "blue", "green"})),
            "encoder.columns[0].levels[1] is \"blue\" after \"red\"; expected the levels sorted and distinct");
  EXPECT_EQ(error(edited("levels", {"blue", "blue", "red"})),
            "encoder.columns[0].levels[1] is \"blue\" after \"blue\"; expected the levels sorted and distinct");
  EXPECT_EQ(error(edited("levels", nlohmann::json::array())),
            "encoder.columns[0].levels is empty; expected at least one level");
  EXPECT_EQ(error(edited("levels", {"blue", 3, "red"})), "encoder.columns[0].levels[1] is 3; expected a string");
  EXPECT_EQ(error(edited("column", "")), "encoder.columns[0].column is \"\"; expected a non-empty name without NUL");
  EXPECT_EQ(error(edited("binary", "no")), "encoder.columns[0].binary is \"no\"; expected true or false");
  nlohmann::json binary = {{"column", "flag"},
                           {"levels", {"no", "yes"}},
                           {"binary", true},
                           {"outputs", nlohmann::json::array({"flag_yes"})},
                           {"positive_level", "yes"}};
  EXPECT_EQ(error(binary), "no error");
  binary["positive_level"] = "maybe";
  EXPECT_EQ(error(binary), "encoder.columns[0].positive_level \"maybe\" is not among its levels");
  binary.erase("positive_level");
  EXPECT_EQ(error(binary), "encoder.columns[0] lacks \"positive_level\"");
  EXPECT_THAT(error(edited("outputs", {"kind_blue", "kind_green"})), HasSubstr("has 3 levels and 2 outputs"));
  try {
    (void)CategoricalEncoder::from_json({{"unknown", "error"}, {"columns", {one_hot, one_hot}}});
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "encoder.columns[1].column \"kind\" is encoded twice; expected each column once");
  }
  EXPECT_THROW((void)CategoricalEncoder::from_json({{"unknown", "ignore"}, {"columns", nlohmann::json::array()}}),
               DataError);
}

// A million levels and three outputs: refused at once, without a matrix of a million columns.
TEST(Encoder, FromJsonRefusesAMillionLevelsForThreeOutputs) {
  nlohmann::json levels = nlohmann::json::array();
  for (int i = 0; i < 1'000'000; ++i) levels.push_back(fmt::format("l{:07}", i));
  const nlohmann::json column = {{"column", "kind"},
                                 {"levels", std::move(levels)},
                                 {"binary", false},
                                 {"outputs", {"kind_blue", "kind_green", "kind_red"}}};
  try {
    (void)CategoricalEncoder::from_json({{"unknown", "error"}, {"columns", nlohmann::json::array({column})}});
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(),
                 "encoder.columns[0] has 1000000 levels and 3 outputs; expected 1000000 outputs (one-hot: "
                 "one per level)");
  }
}

}  // namespace
