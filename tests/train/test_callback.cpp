// The Callback contract as fit keeps it: which hook runs when, with which epoch and step, what the
// context says meanwhile (epochs, steps per epoch, current epoch and step), what each hook's logs
// hold, and that stop_training ends fit after the current batch with the partial epoch logged.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/fit.hpp"
#include "support/synthetic.hpp"

namespace {

using lrtune::Logs;
using lrtune::TrainingContext;

std::string names(const Logs& logs) {
  std::string out;
  for (const auto& [name, value] : logs) out += (out.empty() ? "" : ",") + name;
  return out;
}

// Writes one line per hook: its name, its arguments and what the context says.
struct Recorder final : lrtune::Callback {
  std::vector<std::string> calls;
  std::int64_t stop_at_step = -1;  // set stop_training after this step's batch
  void on_train_begin(TrainingContext& c) override {
    calls.push_back(fmt::format("train_begin epochs={} steps={}", c.epochs, c.steps_per_epoch));
  }
  void on_epoch_begin(int epoch, TrainingContext& c) override {
    calls.push_back(fmt::format("epoch_begin {} (context {}, step {})", epoch, c.epoch, c.step));
  }
  void on_batch_begin(std::int64_t step, TrainingContext& c) override {
    calls.push_back(fmt::format("batch_begin {} (context step {}, epoch {})", step, c.step, c.epoch));
  }
  void on_batch_end(std::int64_t step, const Logs& logs, TrainingContext& c) override {
    calls.push_back(fmt::format("batch_end {} size={} logs={}", step, logs.at("size"), names(logs)));
    if (step == stop_at_step) c.stop_training = true;
  }
  void on_epoch_end(int epoch, const Logs& logs, TrainingContext& c) override {
    calls.push_back(fmt::format("epoch_end {} logs={} history={}", epoch, names(logs), c.history.size()));
  }
  void on_train_end(TrainingContext& c) override {
    calls.push_back(
        fmt::format("train_end history={} stop={}", c.history.size(), lrtune::stop_reason_name(c.history.stop_reason)));
  }
};

lrtune::History fit_five_rows(Recorder& recorder, int epochs) {
  const auto data = lrtune::testing::separable_binary(5, 2, 1);  // batches of 2, 2, 1
  lrtune::Sequential model(2, {lrtune::Dense(1, "sigmoid")}, 1);
  lrtune::Sgd sgd;
  return lrtune::fit(model, sgd, lrtune::Loss::binary_crossentropy, data.X, data.y,
                     {.epochs = epochs, .batch_size = 2, .callbacks = {&recorder}});
}

TEST(Callback, FitCallsEveryHookInOrderWithEpochAndStep) {
  Recorder recorder;
  fit_five_rows(recorder, 2);
  const std::vector<std::string> expected = {
      "train_begin epochs=2 steps=3",
      "epoch_begin 0 (context 0, step 0)",
      "batch_begin 0 (context step 0, epoch 0)",
      "batch_end 0 size=2 logs=loss,size",
      "batch_begin 1 (context step 1, epoch 0)",
      "batch_end 1 size=2 logs=loss,size",
      "batch_begin 2 (context step 2, epoch 0)",
      "batch_end 2 size=1 logs=loss,size",
      "epoch_end 0 logs=loss,accuracy,lr history=1",
      "epoch_begin 1 (context 1, step 3)",
      "batch_begin 3 (context step 3, epoch 1)",
      "batch_end 3 size=2 logs=loss,size",
      "batch_begin 4 (context step 4, epoch 1)",
      "batch_end 4 size=2 logs=loss,size",
      "batch_begin 5 (context step 5, epoch 1)",
      "batch_end 5 size=1 logs=loss,size",
      "epoch_end 1 logs=loss,accuracy,lr history=2",
      "train_end history=2 stop=completed",
  };
  EXPECT_EQ(recorder.calls, expected);
}

TEST(Callback, StopTrainingEndsFitAfterTheCurrentBatch) {
  // Keras' rule (its fit checks stop_training after every batch): the rest of the epoch is not
  // trained; the partial epoch is logged; the stop counts as an early stop.
  Recorder recorder;
  recorder.stop_at_step = 3;  // the first batch of epoch 1
  const auto history = fit_five_rows(recorder, 5);
  const std::vector<std::string> tail(recorder.calls.end() - 4, recorder.calls.end());
  EXPECT_EQ(tail, (std::vector<std::string>{
                      "batch_begin 3 (context step 3, epoch 1)", "batch_end 3 size=2 logs=loss,size",
                      "epoch_end 1 logs=loss,accuracy,lr history=2", "train_end history=2 stop=early_stopping"}));
  EXPECT_EQ(history.size(), 2u);
  EXPECT_EQ(history.stop_reason, lrtune::StopReason::early_stopping);
}

}  // namespace
