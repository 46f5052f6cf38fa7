// The size limits of lrtune in one table: what a model may hold (the same caps when a model is
// built, trained and saved as when a model file is loaded) and how large a training or a search
// may be. The command line checks its settings against them before it allocates anything;
// docs/cli.md lists them with their reasons. Memory is checked separately, against the machine.
#pragma once

#include <cstdint>

namespace lrtune::limits {

// ---- a model (checked by Sequential and by the model-file loader alike) ----
// Layers of a model, the output layer included: no tabular network comes near it, and it keeps
// a model file's architecture small enough to check before anything is allocated.
inline constexpr std::int64_t kMaxLayers = 1024;
// Input features and units of one layer (2^24): a float32 layer of this width by itself is 64 MiB
// per row of a batch.
inline constexpr std::int64_t kMaxWidth = std::int64_t{1} << 24;
// Weights and biases of a whole model (2^31): 8 GiB of float32, before gradients and optimizer state.
inline constexpr std::int64_t kMaxParameters = std::int64_t{1} << 31;

// ---- a training and a search (checked by the command line) ----
// Epochs of one training, of a candidate (max-epochs, first-rung-epochs) and patience: each epoch
// adds a row to every history, and a million passes over a table is no training anyone means.
inline constexpr std::int64_t kMaxEpochs = 1'000'000;
// Rows of a mini-batch (2^24): a batch larger than the training rows is one batch of all of them,
// so more than this is never needed for a table lrtune can read in memory.
inline constexpr std::int64_t kMaxBatchSize = std::int64_t{1} << 24;
// Points of a range test (one epoch or one mini-batch each): 1,000 is already 10 times the
// recipe's; the curve and its smoothing keep every point.
inline constexpr std::int64_t kMaxFinderPoints = 100'000;
// Candidate learning rates of a search: each is a model trained at once with the others (memory
// grows with it); 1,000 log-spaced rates are far finer than a validation loss can tell apart.
inline constexpr std::int64_t kMaxCandidates = 1'000;
// Seeds per candidate (tune) or per comparison (run): each is another full set of trainings.
inline constexpr std::int64_t kMaxRepeats = 1'000;
// Worker threads: more than the trainings run at once buys nothing, and every thread has a stack.
inline constexpr std::int64_t kMaxThreads = 1'024;

}  // namespace lrtune::limits
