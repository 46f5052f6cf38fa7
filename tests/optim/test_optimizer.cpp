// Optimizers against golden values (tools/gen_optim_golden.py: numpy from the Keras
// formulas, torch.optim itself for the PyTorch forms), plus state, clone, counter and
// option checks. Every optimizer runs on the flat buffer of a two-layer model.
#include <bit>
#include <cmath>
#include <fstream>
#include <set>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/optim/adagrad.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/factory.hpp"
#include "lrtune/optim/rmsprop.hpp"
#include "lrtune/optim/sgd.hpp"
#include "support/data_dir.hpp"

namespace {

using lrtune::UpdateForm;
using ::testing::HasSubstr;

const nlohmann::json& golden() {
  static const nlohmann::json json = [] {
    std::ifstream in(lrtune::testing::resource_file("optim/optimizer_golden.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

std::string describe(const nlohmann::json& c) {
  return c["optimizer"].get<std::string>() + "/" + c["form"].get<std::string>() + "/" +
         c["schedule"].get<std::string>() + " " + c["options"].dump() + (c.contains("momenta") ? " cycled" : "");
}

TEST(OptimizerGolden, CoversEveryOptimizerInBothFormsWithChangingAndConstantRates) {
  std::set<std::string> seen;
  for (const auto& c : golden()["cases"]) {
    seen.insert(c["optimizer"].get<std::string>() + "/" + c["form"].get<std::string>() + "/" +
                c["schedule"].get<std::string>());
  }
  for (const auto& name : lrtune::optimizer_names()) {
    for (const char* form : {"keras", "pytorch"}) {
      for (const char* schedule : {"varying", "constant"}) {
        EXPECT_TRUE(seen.contains(name + "/" + form + "/" + schedule)) << name << "/" << form << "/" << schedule;
      }
    }
  }
  // Two layers: W1 (3,4), b1 (4), W2 (4,2), b2 (2).
  EXPECT_EQ(golden()["shapes"].size(), 4u);
}

TEST(OptimizerGolden, MatchesReferenceEveryStep) {
  const auto initial = golden()["initial"].get<std::vector<float>>();
  const auto grads = golden()["grads"].get<std::vector<std::vector<float>>>();
  ASSERT_EQ(initial.size(), 26u);
  int checked = 0;
  for (const auto& c : golden()["cases"]) {
    SCOPED_TRACE(describe(c));
    const UpdateForm form = lrtune::update_form_from_name(c["form"].get<std::string>());
    auto optimizer = lrtune::make_optimizer(c["optimizer"].get<std::string>(), form, c["options"]);
    std::vector<float> w = initial;
    const auto lrs = c["learning_rates"].get<std::vector<double>>();
    const auto expected = c["params"].get<std::vector<std::vector<double>>>();
    for (std::size_t t = 0; t < lrs.size(); ++t) {
      optimizer->set_learning_rate(lrs[t]);
      if (c.contains("momenta")) optimizer->set_momentum(c["momenta"][t].get<double>());
      optimizer->step(w, grads[t]);
      ASSERT_EQ(optimizer->iterations(), static_cast<std::int64_t>(t + 1));
      for (std::size_t i = 0; i < w.size(); ++i) {
        // float32 against float64 (Keras) or torch's float32 (PyTorch): rounding only.
        const double ref = expected[t][i];
        ASSERT_NEAR(w[i], ref, 5e-7 + 5e-6 * std::abs(ref)) << "step " << t + 1 << " element " << i;
      }
    }
    ++checked;
  }
  EXPECT_GE(checked, 40);
}

// The forms must really differ where the libraries do (else one reference could pass both).
TEST(OptimizerGolden, FormsDifferWhereTheLibrariesDo) {
  const auto& cases = golden()["cases"];
  auto final_params = [&](const std::string& name, const std::string& form, const nlohmann::json& options,
                          const std::string& schedule) {
    for (const auto& c : cases) {
      if (c["optimizer"] == name && c["form"] == form && c["schedule"] == schedule && !c.contains("momenta") &&
          c["options"]["learning_rate"] == options["learning_rate"] &&
          c["options"].value("momentum", 0.0) == options.value("momentum", 0.0) &&
          c["options"].value("epsilon", 0.0) == options.value("epsilon", c["options"].value("epsilon", 0.0)) &&
          !c["options"].value("nesterov", false) && c["options"].value("dampening", 0.0) == 0.0) {
        return c["params"].back().get<std::vector<double>>();
      }
    }
    ADD_FAILURE() << "no case " << name << "/" << form;
    return std::vector<double>{};
  };
  auto max_diff = [](const std::vector<double>& a, const std::vector<double>& b) {
    double d = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d;
  };
  const nlohmann::json sgd = {{"learning_rate", 0.05}, {"momentum", 0.9}};
  EXPECT_GT(max_diff(final_params("sgd", "keras", sgd, "varying"), final_params("sgd", "pytorch", sgd, "varying")),
            1e-3);
  EXPECT_LT(max_diff(final_params("sgd", "keras", sgd, "constant"), final_params("sgd", "pytorch", sgd, "constant")),
            1e-5);
  const nlohmann::json adam = {{"learning_rate", 0.01}, {"epsilon", 0.1}};
  EXPECT_GT(
      max_diff(final_params("adam", "keras", adam, "constant"), final_params("adam", "pytorch", adam, "constant")),
      1e-3);
}

// A model's flat buffer and a few steps of synthetic gradients, for the behaviour tests.
struct SyntheticRun {
  std::vector<float> w = std::vector<float>(26);
  std::vector<std::vector<float>> grads;
  SyntheticRun() {
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
    for (int t = 0; t < 6; ++t) {
      std::vector<float> g(w.size());
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = std::sin(0.7f * static_cast<float>(i) + 1.3f * t) * (t + 1);
      grads.push_back(g);
    }
  }
};

std::vector<std::unique_ptr<lrtune::Optimizer>> every_optimizer() {
  std::vector<std::unique_ptr<lrtune::Optimizer>> all;
  for (auto form : {UpdateForm::keras, UpdateForm::pytorch}) {
    all.push_back(lrtune::make_optimizer("sgd", form, {{"momentum", 0.9}, {"nesterov", true}}));
    all.push_back(lrtune::make_optimizer("adam", form, {{"amsgrad", true}}));
    all.push_back(lrtune::make_optimizer("adamw", form));
    all.push_back(lrtune::make_optimizer("rmsprop", form, {{"momentum", 0.5}, {"centered", true}}));
    all.push_back(lrtune::make_optimizer("adagrad", form));
  }
  return all;
}

std::vector<std::uint32_t> bits(const std::vector<float>& v) {
  std::vector<std::uint32_t> out;
  for (float x : v) out.push_back(std::bit_cast<std::uint32_t>(x));
  return out;
}

TEST(OptimizerState, RestoreContinuesBitIdentically) {
  for (auto& optimizer : every_optimizer()) {
    SCOPED_TRACE(optimizer->config().dump());
    SyntheticRun run;
    for (int t = 0; t < 3; ++t) optimizer->step(run.w, run.grads[t]);
    const auto snapshot = optimizer->state();
    const auto w_at_snapshot = run.w;
    EXPECT_EQ(snapshot.iterations, 3);
    EXPECT_EQ(snapshot.optimizer, optimizer->name());
    for (int t = 3; t < 6; ++t) {
      optimizer->set_learning_rate(0.002 * t);
      optimizer->step(run.w, run.grads[t]);
    }
    // A fresh optimizer of the same config, restored, replays the same three steps.
    auto fresh = lrtune::make_optimizer_from_config(optimizer->config());
    fresh->load_state(snapshot);
    EXPECT_EQ(fresh->state(), snapshot);
    auto w = w_at_snapshot;
    for (int t = 3; t < 6; ++t) {
      fresh->set_learning_rate(0.002 * t);
      fresh->step(w, run.grads[t]);
    }
    EXPECT_EQ(bits(w), bits(run.w));
    EXPECT_EQ(fresh->state(), optimizer->state());
  }
}

TEST(OptimizerState, CloneIsIndependent) {
  for (auto& optimizer : every_optimizer()) {
    SCOPED_TRACE(optimizer->config().dump());
    SyntheticRun run;
    optimizer->step(run.w, run.grads[0]);
    auto copy = optimizer->clone();
    const auto before = copy->state();
    optimizer->set_learning_rate(0.123);
    auto w = run.w;
    optimizer->step(w, run.grads[1]);
    EXPECT_EQ(copy->state(), before);  // the original's step left the clone alone
    EXPECT_EQ(copy->iterations(), 1);
    EXPECT_EQ(copy->name(), optimizer->name());
    auto w2 = run.w;
    copy->step(w2, run.grads[1]);
    EXPECT_EQ(optimizer->iterations(), 2);
    EXPECT_EQ(copy->iterations(), 2);
  }
}

TEST(OptimizerState, RestoreRejectsAnotherKindOrShape) {
  lrtune::Adam adam;
  lrtune::Sgd sgd;
  EXPECT_THROW(adam.load_state(sgd.state()), lrtune::UsageError);
  lrtune::Adam amsgrad(lrtune::AdamOptions{.amsgrad = true});
  EXPECT_THROW(adam.load_state(amsgrad.state()), lrtune::UsageError);
  auto bad = adam.state();
  bad.slots = {std::vector<float>(3), std::vector<float>(4)};
  EXPECT_THROW(adam.load_state(bad), lrtune::UsageError);
}

TEST(OptimizerStep, CounterAdvancesOncePerStepWhateverTheBufferHolds) {
  // Adam's bias correction must see t = 1, 2, ... once per step, not once per tensor: a
  // buffer of four tensors updated in one step equals four one-tensor optimizers.
  SyntheticRun run;
  lrtune::Adam whole(lrtune::AdamOptions{.learning_rate = 0.01});
  std::vector<lrtune::Adam> parts(4, lrtune::Adam(lrtune::AdamOptions{.learning_rate = 0.01}));
  const std::size_t offsets[] = {0, 12, 16, 24, 26};
  auto w_parts = run.w;
  for (int t = 0; t < 6; ++t) {
    whole.step(run.w, run.grads[t]);
    for (int p = 0; p < 4; ++p) {
      const std::size_t a = offsets[p], n = offsets[p + 1] - a;
      parts[p].step(std::span<float>(w_parts).subspan(a, n), std::span<const float>(run.grads[t]).subspan(a, n));
    }
    EXPECT_EQ(whole.iterations(), t + 1);
  }
  EXPECT_EQ(bits(run.w), bits(w_parts));
}

TEST(OptimizerStep, RejectsMismatchedSizes) {
  lrtune::Adam adam;
  std::vector<float> w(4), g(4), g3(3), w5(5), g5(5);
  EXPECT_THROW(adam.step(w, g3), lrtune::UsageError);
  adam.step(w, g);
  EXPECT_THAT([&] { adam.step(w5, g5); }, ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr("5 parameters")));
}

TEST(OptimizerStep, ZeroLearningRateLeavesParametersButAdvancesState) {
  for (auto& optimizer : every_optimizer()) {
    if (optimizer->name() == "adamw") continue;  // decay is lr-scaled too; covered by golden values
    SyntheticRun run;
    const auto w0 = run.w;
    optimizer->set_learning_rate(0.0);
    optimizer->step(run.w, run.grads[0]);
    EXPECT_EQ(bits(run.w), bits(w0)) << optimizer->config().dump();
    EXPECT_EQ(optimizer->iterations(), 1);
  }
}

TEST(OptimizerOptions, DefaultsAreKerasAndPyTorchDefaults) {
  EXPECT_EQ(lrtune::Adam().config(), (nlohmann::json{{"name", "adam"},
                                                     {"update_form", "keras"},
                                                     {"learning_rate", 0.001},
                                                     {"beta_1", 0.9},
                                                     {"beta_2", 0.999},
                                                     {"epsilon", 1e-7},
                                                     {"amsgrad", false}}));
  EXPECT_EQ(lrtune::make_optimizer("adam", UpdateForm::pytorch)->config()["epsilon"], 1e-8);
  EXPECT_EQ(lrtune::AdamW().config()["weight_decay"], 0.004);
  EXPECT_EQ(lrtune::make_optimizer("adamw", UpdateForm::pytorch)->config()["weight_decay"], 0.01);
  EXPECT_EQ(lrtune::Sgd().config()["learning_rate"], 0.01);
  EXPECT_EQ(lrtune::Sgd().config()["momentum"], 0.0);
  const auto rms = lrtune::make_optimizer("rmsprop", UpdateForm::pytorch)->config();
  EXPECT_EQ(rms["rho"], 0.99);
  EXPECT_EQ(rms["epsilon"], 1e-8);
  EXPECT_EQ(rms["learning_rate"], 0.01);
  EXPECT_EQ(lrtune::Rmsprop().config()["rho"], 0.9);
  EXPECT_EQ(lrtune::Adagrad().config()["initial_accumulator_value"], 0.1);
  const auto ada = lrtune::make_optimizer("adagrad", UpdateForm::pytorch)->config();
  EXPECT_EQ(ada["initial_accumulator_value"], 0.0);
  EXPECT_EQ(ada["epsilon"], 1e-10);
}

TEST(OptimizerOptions, ConstructorsRejectInvalidValuesNamingTheOption) {
  using lrtune::AdamOptions;
  auto throws_with = [](auto make, const char* text) {
    EXPECT_THAT(make, ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr(text)));
  };
  throws_with([] { lrtune::Adam(AdamOptions{.learning_rate = -1.0}); }, "learning_rate = -1");
  throws_with([] { lrtune::Adam(AdamOptions{.beta_1 = 1.0}); }, "beta_1");
  throws_with([] { lrtune::Adam(AdamOptions{.beta_2 = -0.1}); }, "beta_2");
  throws_with([] { lrtune::Adam(AdamOptions{.epsilon = -1e-7}); }, "epsilon");
  throws_with([] { lrtune::AdamW(lrtune::AdamWOptions{.weight_decay = -1}); }, "weight_decay");
  throws_with([] { lrtune::Sgd(lrtune::SgdOptions{.momentum = 1.5}); }, "momentum");
  throws_with([] { lrtune::Sgd(lrtune::SgdOptions{.dampening = 0.5}); }, "dampening");
  throws_with([] { lrtune::Sgd(lrtune::SgdOptions{.form = UpdateForm::pytorch, .nesterov = true}); }, "nesterov");
  throws_with([] { lrtune::Rmsprop(lrtune::RmspropOptions{.rho = 1.0}); }, "rho");
  throws_with([] { lrtune::Adagrad(lrtune::AdagradOptions{.initial_accumulator_value = -1}); },
              "initial_accumulator_value");
  throws_with([] { lrtune::Adagrad(lrtune::AdagradOptions{.lr_decay = 0.1}); }, "lr_decay");
  lrtune::Adam adam;
  EXPECT_THROW(adam.set_learning_rate(std::nan("")), lrtune::UsageError);
  EXPECT_THROW(adam.set_learning_rate(-0.1), lrtune::UsageError);
  EXPECT_THROW(adam.set_momentum(1.0), lrtune::UsageError);
  lrtune::Adagrad adagrad;
  EXPECT_FALSE(adagrad.has_momentum());
  EXPECT_THROW(adagrad.set_momentum(0.9), lrtune::UsageError);
}

TEST(OptimizerFactory, UnknownNamesAndKeysListTheValidOnes) {
  EXPECT_THAT([] { lrtune::make_optimizer("adamax"); },
              ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr("adagrad, adam, adamw, rmsprop, sgd")));
  EXPECT_THAT(
      [] {
        lrtune::make_optimizer("adam", UpdateForm::keras, {{"beta1", 0.9}});
      },
      ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr("valid: learning_rate, beta_1")));
  EXPECT_THAT(
      [] {
        lrtune::make_optimizer("sgd", UpdateForm::keras, {{"dampening", 0.1}});
      },
      ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr("unknown hyper-parameter 'dampening'")));
  EXPECT_THAT(
      [] {
        lrtune::make_optimizer("adam", UpdateForm::keras, {{"amsgrad", 1}});
      },
      ::testing::ThrowsMessage<lrtune::UsageError>(HasSubstr("true or false")));
  EXPECT_THROW(lrtune::update_form_from_name("tf"), lrtune::UsageError);
  EXPECT_THROW(lrtune::make_optimizer("adam", UpdateForm::keras, {{"update_form", "pytorch"}}), lrtune::UsageError);
  EXPECT_THROW(lrtune::make_optimizer("adam", UpdateForm::keras, {{"name", "sgd"}}), lrtune::UsageError);
  EXPECT_EQ(lrtune::make_optimizer("Adam")->name(), "adam");
}

TEST(OptimizerFactory, ConfigRoundTrips) {
  for (auto& optimizer : every_optimizer()) {
    optimizer->set_learning_rate(0.0123);
    EXPECT_EQ(lrtune::make_optimizer_from_config(optimizer->config())->config(), optimizer->config());
  }
}

TEST(OptimizerMomentum, HooksReachTheCycledValue) {
  lrtune::Adam adam;
  adam.set_momentum(0.85);
  EXPECT_EQ(adam.momentum(), 0.85);
  EXPECT_EQ(adam.config()["beta_1"], 0.85);
  lrtune::Sgd sgd;
  sgd.set_momentum(0.95);
  EXPECT_EQ(sgd.config()["momentum"], 0.95);
  lrtune::Rmsprop rms;
  rms.set_momentum(0.9);
  EXPECT_EQ(rms.state().momentum, 0.9);
}

}  // namespace

namespace {

TEST(OptimizerMomentum, AStepWithMomentumZeroLeavesTheBufferAlone) {
  // 1cycle may pass momentum through 0: both libraries then take a plain step and keep
  // the buffer as it was for the next step with momentum.
  for (auto form : {UpdateForm::keras, UpdateForm::pytorch}) {
    lrtune::Sgd sgd(lrtune::SgdOptions{.form = form, .learning_rate = 0.1, .momentum = 0.9});
    lrtune::Rmsprop rms(lrtune::RmspropOptions{.form = form, .momentum = 0.9});
    std::vector<float> w(3, 1.0f), g = {0.5f, -1.0f, 2.0f};
    for (lrtune::Optimizer* o : {static_cast<lrtune::Optimizer*>(&sgd), static_cast<lrtune::Optimizer*>(&rms)}) {
      o->step(w, g);
      const auto buffer = o->state().slots[o == &sgd ? 0 : 1];
      o->set_momentum(0.0);
      const auto w_before = w;
      o->step(w, g);
      EXPECT_EQ(o->state().slots[o == &sgd ? 0 : 1], buffer) << o->config().dump();
      if (o == &sgd) {
        EXPECT_FLOAT_EQ(w[0], w_before[0] - 0.1f * 0.5f);
      }
    }
  }
}

}  // namespace
