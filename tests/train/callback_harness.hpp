// Plays epochs to callbacks as fit does (train begin; per epoch: begin, end with given logs; train
// end), without training, so a callback's rule can be checked against hand-computed values. Before
// each epoch ends the model's first weight is set to marker(epoch): a saved or restored state
// then says which epoch it came from.
#pragma once

#include <string>
#include <vector>

#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/sgd.hpp"
#include "lrtune/train/callback.hpp"

namespace lrtune::testing {

// One Logs per value, each holding `name` = value.
inline std::vector<Logs> logs_of(const std::string& name, const std::vector<double>& values) {
  std::vector<Logs> epochs(values.size());
  for (std::size_t e = 0; e < values.size(); ++e) epochs[e].set(name, values[e]);
  return epochs;
}

struct CallbackHarness {
  static float marker(int epoch) { return 100.0f + static_cast<float>(epoch); }

  Sequential model{1, {Dense(1, "sigmoid")}, 0};
  Sgd optimizer;
  History history;
  TrainingContext context{model, optimizer, history, 0, 4};

  // Returns how many epochs ran: all of them unless a callback set stop_training. As fit does, a
  // stop's reason and message go into the history before on_train_end.
  int play(const std::vector<Callback*>& callbacks, const std::vector<Logs>& epochs) {
    context.epochs = static_cast<int>(epochs.size());
    context.stop_training = false;
    for (Callback* c : callbacks) c->on_train_begin(context);
    int played = 0;
    for (int e = 0; e < context.epochs && !context.stop_training; ++e, ++played) {
      context.epoch = e;
      for (Callback* c : callbacks) c->on_epoch_begin(e, context);
      model.parameters()[0] = marker(e);
      history.append(e, epochs[static_cast<std::size_t>(e)]);
      for (Callback* c : callbacks) c->on_epoch_end(e, epochs[static_cast<std::size_t>(e)], context);
    }
    if (context.stop_training) {
      history.stop_reason = context.stop_reason;
      history.stop_message = context.stop_message;
    }
    for (Callback* c : callbacks) c->on_train_end(context);
    return played;
  }
  int play(Callback& callback, const std::vector<Logs>& epochs) {
    return play(std::vector<Callback*>{&callback}, epochs);
  }

  float weight() const { return model.parameters()[0]; }
};

}  // namespace lrtune::testing
