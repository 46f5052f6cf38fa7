// The consumer of an installed lrtune built with LRTUNE_MPI (tests/consumer/check.sh builds it
// with find_package(lrtune) and lrtune::distributed): the search spread over mpirun's ranks, as a
// C++ user's program would run it. Rank 0 prints the pick; check.sh runs it alone and under
// `mpirun -np 2`, and the two picks must be the same.
#include <cstdio>
#include <memory>

#include "lrtune/distributed/mpi.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/tune/tuner.hpp"

int main(int argc, char** argv) {
  // Before anything else: MPI may take its arguments out of argv. One process without mpirun.
  const auto world = lrtune::distributed::start_world(argc, argv);

  // 200 points of two features; the label says whether x0 + x1 > 0.
  lrtune::Matrix X(200, 2);  // (samples, features)
  lrtune::Vector y(200);
  for (int i = 0; i < 200; ++i) {
    X(i, 0) = static_cast<float>(i % 20) / 5.0f - 2.0f;
    X(i, 1) = static_cast<float>(i / 20) / 2.5f - 2.0f;
    y(i) = X(i, 0) + X(i, 1) > 0.0f ? 1.0f : 0.0f;
  }
  const lrtune::Sequential model(2, {lrtune::Dense(8, "relu"), lrtune::Dense(1, "sigmoid")}, /*seed=*/0);
  const lrtune::Adam adam;
  lrtune::TunerOptions options;
  options.low = 1e-4;
  options.high = 1e-1;
  options.candidates = 4;
  options.max_epochs = 6;
  options.first_rung_epochs = 2;
  options.small_data_splits = 1;
  options.threads = 1;
  options.communicator = world.get();  // the units (candidate x repeat) spread over the ranks
  lrtune::Tuner tuner(model, adam, lrtune::Loss::binary_crossentropy, X, y, options);
  const lrtune::TuningResult result = tuner.run();
  if (world->rank() == 0)
    std::printf("consumer_distributed: pick %.17g, validation loss %.17g\n", result.learning_rate,
                result.validation_loss);
  return 0;
}
