// Logs: named values in the order first set, a second set replacing the value in place, lookups
// that say what is missing and what is there.
#include <gtest/gtest.h>

#include "lrtune/train/logs.hpp"

namespace {

TEST(Logs, KeepsTheOrderFirstSetAndReplacesInPlace) {
  lrtune::Logs logs;
  EXPECT_TRUE(logs.empty());
  logs.set("loss", 0.5);
  logs.set("accuracy", 0.75);
  logs.set("loss", 0.25);
  using Entry = lrtune::Logs::Entry;
  EXPECT_EQ(logs.entries(), (std::vector<Entry>{{"loss", 0.25}, {"accuracy", 0.75}}));
  EXPECT_FALSE(logs.empty());
  std::vector<std::string> names;
  for (const auto& [name, value] : logs) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"loss", "accuracy"}));
}

TEST(Logs, FindsAndSaysWhatIsMissing) {
  lrtune::Logs logs;
  logs.set("loss", 0.5);
  logs.set("lr", 0.001);
  EXPECT_EQ(logs.find("lr"), 0.001);
  EXPECT_EQ(logs.find("val_loss"), std::nullopt);
  EXPECT_TRUE(logs.contains("loss"));
  EXPECT_FALSE(logs.contains("los"));
  EXPECT_EQ(logs.at("loss"), 0.5);
  try {
    (void)logs.at("val_loss");
    FAIL() << "at() of a missing name must throw";
  } catch (const lrtune::UsageError& error) {
    EXPECT_EQ(std::string(error.what()), "no log named 'val_loss' (present: loss, lr)");
  }
}

}  // namespace
