// The MPI communicator (optional build, -DLRTUNE_MPI=ON; library lrtune_distributed): core's
// Communicator over MPI_COMM_WORLD. Initialised only when the process was started by mpirun, so
// an MPI-enabled binary run on its own behaves exactly as the single-process build.
#pragma once

#include <memory>

#include "lrtune/core/communicator.hpp"

namespace lrtune::distributed {

// Whether the environment says this process is a rank of an mpirun launch (Open MPI's
// OMPI_COMM_WORLD_SIZE, or PMI_SIZE / PMIX_RANK of other launchers).
bool launched_by_mpirun();

// MPI_Init_thread (MPI_THREAD_FUNNELED: only the calling thread makes MPI calls) and the world
// communicator when launched_by_mpirun(), else single_process(). The returned object finalises
// MPI when destroyed; keep it alive for as long as any collective may run. Call once.
std::unique_ptr<const Communicator, void (*)(const Communicator*)> start_world(int& argc, char**& argv);

}  // namespace lrtune::distributed
