// Schedules against PyTorch's own schedulers (tools/gen_schedule_golden.py: OneCycleLR,
// CyclicLR, LinearLR + CosineAnnealingLR) and hand-computed values for the others.
#include <cmath>
#include <fstream>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/schedules.hpp"
#include "support/data_dir.hpp"

namespace {

using namespace lrtune;

const nlohmann::json& golden() {
  static const nlohmann::json json = [] {
    std::ifstream in(lrtune::testing::resource_file("optim/schedule_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

// Builds our schedule from the PyTorch scheduler's arguments in a golden case.
Schedule from_case(const nlohmann::json& c) {
  const auto& p = c["params"];
  const std::string kind = c["kind"];
  if (kind == "one_cycle") {
    OneCycleSchedule s{.max_rate = p["max_lr"], .total_steps = p["total_steps"]};
    s.pct_start = p.value("pct_start", 0.3);
    s.anneal = p.value("anneal_strategy", "cos") == "cos" ? Anneal::cosine : Anneal::linear;
    s.base_momentum = p.value("base_momentum", 0.85);
    s.max_momentum = p.value("max_momentum", 0.95);
    s.div_factor = p.value("div_factor", 25.0);
    s.final_div_factor = p.value("final_div_factor", 1e4);
    s.three_phase = p.value("three_phase", false);
    return s;
  }
  if (kind == "cyclic") {
    const std::string mode = p.value("mode", "triangular");
    return CyclicSchedule{.base_rate = p["base_lr"],
                          .max_rate = p["max_lr"],
                          .step_size_up = p["step_size_up"],
                          .step_size_down = p.value("step_size_down", 0),
                          .mode = mode == "triangular"    ? CyclicMode::triangular
                                  : mode == "triangular2" ? CyclicMode::triangular2
                                                          : CyclicMode::exp_range,
                          .gamma = p.value("gamma", 1.0),
                          .base_momentum = p.value("base_momentum", 0.8),
                          .max_momentum = p.value("max_momentum", 0.9)};
  }
  return WarmupCosineSchedule{.peak = p["peak"],
                              .warmup_steps = p["warmup_steps"],
                              .total_steps = p["total_steps"],
                              .warmup_start = p["warmup_start"],
                              .final_rate = p["final_rate"]};
}

TEST(ScheduleGolden, MatchesPyTorchSchedulersEveryStep) {
  int one_cycle = 0, cyclic = 0, warmup = 0;
  for (const auto& c : golden()["cases"]) {
    SCOPED_TRACE(c["kind"].dump() + " " + c["params"].dump());
    const Schedule schedule = from_case(c);
    const auto lrs = c["learning_rates"].get<std::vector<double>>();
    for (std::size_t s = 0; s < lrs.size(); ++s) {
      ASSERT_NEAR(schedule.learning_rate(static_cast<std::int64_t>(s)), lrs[s], 1e-12 + 1e-9 * lrs[s]) << "step " << s;
      if (c.contains("momenta")) {
        const auto m = schedule.momentum(static_cast<std::int64_t>(s));
        ASSERT_TRUE(m.has_value());
        ASSERT_NEAR(*m, c["momenta"][s].get<double>(), 1e-12) << "step " << s;
      } else {
        ASSERT_FALSE(schedule.momentum(static_cast<std::int64_t>(s)).has_value());
      }
    }
    one_cycle += c["kind"] == "one_cycle";
    cyclic += c["kind"] == "cyclic";
    warmup += c["kind"] == "warmup_cosine";
  }
  EXPECT_GE(one_cycle, 2);
  EXPECT_GE(cyclic, 3);
  EXPECT_GE(warmup, 1);
}

TEST(OneCycle, DefaultsAreThoseOfPyTorch) {
  const OneCycleSchedule s{.max_rate = 0.1, .total_steps = 100};
  EXPECT_DOUBLE_EQ(s.learning_rate(0), 0.1 / 25);
  EXPECT_DOUBLE_EQ(*s.momentum(0), 0.95);
  EXPECT_DOUBLE_EQ(s.learning_rate(29), 0.1);  // the peak at pct_start n - 1
  EXPECT_DOUBLE_EQ(*s.momentum(29), 0.85);
  EXPECT_DOUBLE_EQ(s.learning_rate(99), 0.1 / 25 / 1e4);
  EXPECT_DOUBLE_EQ(*s.momentum(99), 0.95);
  EXPECT_DOUBLE_EQ(s.learning_rate(5000), s.learning_rate(99));  // held after the end
  const OneCycleSchedule off{.max_rate = 0.1, .total_steps = 100, .cycle_momentum = false};
  EXPECT_FALSE(off.momentum(10).has_value());
}

TEST(Schedules, HandComputedValues) {
  const Schedule constant = ConstantSchedule{0.007};
  EXPECT_EQ(constant.learning_rate(0), 0.007);
  EXPECT_EQ(constant.learning_rate(123456), 0.007);
  EXPECT_FALSE(constant.momentum(3).has_value());

  // geomspace(1e-4, 1, 5) = 1e-4, 1e-3, 1e-2, 1e-1, 1
  const Schedule exponential = ExponentialSchedule{1e-4, 1.0, 5};
  for (int s = 0; s < 5; ++s) {
    const double expected = std::pow(10.0, s - 4);
    EXPECT_NEAR(exponential.learning_rate(s), expected, 1e-13 * expected);
  }
  EXPECT_NEAR(exponential.learning_rate(9), 1.0, 1e-14);

  // linspace(0.1, 0.5, 5) = 0.1, 0.2, 0.3, 0.4, 0.5
  const Schedule linear = LinearSchedule{0.1, 0.5, 5};
  EXPECT_NEAR(linear.learning_rate(2), 0.3, 1e-15);
  EXPECT_NEAR(linear.learning_rate(4), 0.5, 1e-15);
  EXPECT_NEAR(linear.learning_rate(40), 0.5, 1e-15);
  const Schedule down = LinearSchedule{1.0, 0.0, 3};
  EXPECT_NEAR(down.learning_rate(1), 0.5, 1e-15);

  // StepLR(step_size 10, gamma 0.5): 1 for 0..9, 0.5 for 10..19, 0.25 from 20
  const Schedule step = StepDecaySchedule{1.0, 0.5, 10};
  EXPECT_EQ(step.learning_rate(9), 1.0);
  EXPECT_EQ(step.learning_rate(10), 0.5);
  EXPECT_EQ(step.learning_rate(25), 0.25);

  // warm-up 0 -> 1 over 4 steps, then cosine to 0 at step 8: 0, .25, .5, .75, 1, .854, .5, .146, 0
  const Schedule warm = WarmupCosineSchedule{.peak = 1.0, .warmup_steps = 4, .total_steps = 8};
  EXPECT_DOUBLE_EQ(warm.learning_rate(1), 0.25);
  EXPECT_DOUBLE_EQ(warm.learning_rate(4), 1.0);
  EXPECT_NEAR(warm.learning_rate(5), (1 + std::cos(M_PI / 4)) / 2, 1e-15);
  EXPECT_NEAR(warm.learning_rate(6), 0.5, 1e-15);
  EXPECT_NEAR(warm.learning_rate(8), 0.0, 1e-15);
  EXPECT_EQ(warm.learning_rate(100), 0.0);
}

TEST(Schedules, RecipeRangeTestRateIsStartTimesTenToTheEpochOverThirty) {
  const auto scheduler = range_test_scheduler();
  EXPECT_EQ(scheduler(0, 0.5), 1e-3);                         // the current rate is ignored
  EXPECT_EQ(scheduler(30, 0.0), 1e-3 * std::pow(10.0, 1.0));  // the recipe's own arithmetic
  EXPECT_EQ(scheduler(99, 0.0), 1.9952623149688788);          // Python: 1e-3 * 10 ** (99 / 30), bit for bit
  EXPECT_EQ(scheduler(60, 0.0), 0.1);
  const Schedule decade = DecadeSchedule{};
  EXPECT_EQ(decade.learning_rate(45), scheduler(45, 0.0));
  EXPECT_EQ(per_epoch(Schedule(StepDecaySchedule{1.0, 0.1, 2}))(3, 7.0), 0.1);
}

TEST(Schedules, ValidationNamesTheParameter) {
  auto throws_with = [](auto make, const char* text) {
    EXPECT_THAT(make, ::testing::ThrowsMessage<lrtune::UsageError>(::testing::HasSubstr(text)));
  };
  throws_with([] { Schedule(ExponentialSchedule{0.0, 1.0, 10}); }, "start");
  throws_with([] { Schedule(ExponentialSchedule{1e-7, 1.0, 0}); }, "steps = 0");
  throws_with([] { Schedule(DecadeSchedule{1e-3, 0.0}); }, "steps_per_decade");
  throws_with([] { Schedule(StepDecaySchedule{1.0, 0.5, 0}); }, "step_size");
  throws_with([] { Schedule(WarmupCosineSchedule{.peak = 1.0, .warmup_steps = 10, .total_steps = 5}); }, "total_steps");
  throws_with([] { Schedule(CyclicSchedule{.step_size_up = 0}); }, "step_size_up");
  throws_with([] { Schedule(OneCycleSchedule{.max_rate = 0.1, .total_steps = 100, .pct_start = 1.2}); }, "pct_start");
  throws_with([] { Schedule(OneCycleSchedule{.max_rate = 0.1, .total_steps = 3, .pct_start = 0.3}); }, "pct_start");
  throws_with(
      [] { Schedule(OneCycleSchedule{.max_rate = 0.1, .total_steps = 100, .pct_start = 0.6, .three_phase = true}); },
      "pct_start");
  throws_with([] { Schedule(OneCycleSchedule{.max_rate = -1.0}); }, "max_rate");
  throws_with([] { Schedule(ConstantSchedule{0.1}).learning_rate(-1); }, "step = -1");
}

TEST(Schedules, AreCopyableValuesWithAConfig) {
  Schedule a = OneCycleSchedule{.max_rate = 0.01, .total_steps = 50};
  Schedule b = a;
  a = ConstantSchedule{0.5};
  EXPECT_EQ(a.learning_rate(10), 0.5);
  EXPECT_EQ(b.name(), "one_cycle");
  EXPECT_EQ(b.config()["div_factor"], 25.0);
  EXPECT_EQ(Schedule(CyclicSchedule{}).config()["mode"], "triangular");
}

TEST(Schedules, DriveAnOptimizerFromOutside) {
  // 1cycle sets Adam's learning rate and beta_1 before each step; the optimizer keeps no schedule.
  const Schedule schedule = OneCycleSchedule{.max_rate = 0.01, .total_steps = 10};
  Adam adam;
  std::vector<float> w(4, 1.0f), g(4, 0.5f);
  for (std::int64_t s = 0; s < 10; ++s) {
    adam.set_learning_rate(schedule.learning_rate(s));
    if (auto m = schedule.momentum(s)) adam.set_momentum(*m);
    adam.step(w, g);
    EXPECT_EQ(adam.learning_rate(), schedule.learning_rate(s));
    EXPECT_EQ(adam.momentum(), *schedule.momentum(s));
  }
  EXPECT_EQ(adam.iterations(), 10);
}

}  // namespace
