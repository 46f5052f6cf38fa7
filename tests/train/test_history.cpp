// History: one row per epoch, columns by name in first-seen order, NaN where an epoch lacks a
// value, the stop reason's spelling and the JSON form (non-finite values as null).
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "lrtune/train/history.hpp"

namespace {

using lrtune::History;
using lrtune::Logs;

Logs logs(std::initializer_list<std::pair<const char*, double>> values) {
  Logs out;
  for (const auto& [name, value] : values) out.set(name, value);
  return out;
}

History two_epochs() {
  History h;
  h.append(0, logs({{"loss", 0.5}, {"lr", 0.001}}));
  h.append(1, logs({{"loss", 0.25}, {"val_loss", 0.375}, {"lr", 0.001}}));
  return h;
}

TEST(History, ColumnsByNameInFirstSeenOrder) {
  const History h = two_epochs();
  EXPECT_EQ(h.size(), 2u);
  EXPECT_FALSE(h.empty());
  EXPECT_EQ(h.epochs(), (std::vector<int>{0, 1}));
  EXPECT_EQ(h.names(), (std::vector<std::string>{"loss", "lr", "val_loss"}));
  EXPECT_EQ(h.values("loss"), (std::vector<double>{0.5, 0.25}));
  const auto val = h.values("val_loss");
  ASSERT_EQ(val.size(), 2u);
  EXPECT_TRUE(std::isnan(val[0]));
  EXPECT_EQ(val[1], 0.375);
  EXPECT_TRUE(h.contains("val_loss"));
  EXPECT_FALSE(h.contains("accuracy"));
  try {
    (void)h.values("accuracy");
    FAIL() << "values() of a missing name must throw";
  } catch (const lrtune::UsageError& error) {
    EXPECT_EQ(std::string(error.what()), "history has no 'accuracy' (present: loss, lr, val_loss)");
  }
  EXPECT_TRUE(History{}.empty());
}

TEST(History, SpellsEveryStopReason) {
  EXPECT_EQ(lrtune::stop_reason_name(lrtune::StopReason::completed), "completed");
  EXPECT_EQ(lrtune::stop_reason_name(lrtune::StopReason::early_stopping), "early_stopping");
  EXPECT_EQ(lrtune::stop_reason_name(lrtune::StopReason::non_finite_loss), "non_finite_loss");
  EXPECT_EQ(lrtune::stop_reason_name(lrtune::StopReason::cancelled), "cancelled");
}

TEST(History, JsonRecordsHoldOneObjectPerEpochAndNothingElse) {
  History h = two_epochs();
  h.append(2,
           logs({{"loss", std::numeric_limits<double>::quiet_NaN()}, {"lr", std::numeric_limits<double>::infinity()}}));
  h.stop_reason = lrtune::StopReason::non_finite_loss;
  h.stop_message = "epoch 3: nan";
  const nlohmann::json expected = nlohmann::json::parse(R"([
    {"epoch": 0, "loss": 0.5, "lr": 0.001, "val_loss": null},
    {"epoch": 1, "loss": 0.25, "lr": 0.001, "val_loss": 0.375},
    {"epoch": 2, "loss": null, "lr": null, "val_loss": null}
  ])");
  EXPECT_EQ(h.records_json(), expected) << h.records_json().dump(2);
}

TEST(History, SummaryHoldsTheRunValues) {
  History h = two_epochs();
  h.stop_reason = lrtune::StopReason::early_stopping;
  h.stop_message = "val_loss did not improve for 10 epochs";
  h.best_epoch = 1;
  h.train_seconds = 1.5;
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "epochs_run": 2,
    "stop_reason": "early_stopping",
    "stop_message": "val_loss did not improve for 10 epochs",
    "best_epoch": 1,
    "train_seconds": 1.5
  })");
  EXPECT_EQ(h.summary_json(), expected) << h.summary_json().dump(2);
}

}  // namespace
