// The processes this lrtune runs as: one, or (MPI build, started by mpirun) the ranks of the
// world. Rank 0 prints and writes the results; the other ranks compute their share in silence and
// keep only their own fatal error line. The search spreads over world(); mpi.hpp is the only MPI.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "lrtune/core/communicator.hpp"

namespace lrtune::cli {

// Starts MPI when built with it and launched by mpirun (else one process); on ranks other than 0,
// sends stdout and stderr to /dev/null. Call once, first thing in main; what it started ends when
// the process returns from main.
void start_ranks(int& argc, char**& argv);

const Communicator& world();  // single_process() until start_ranks()
bool writes_results();        // rank 0: prints, and writes the output folder
std::FILE* error_stream();    // stderr as the process got it (kept on every rank)
// Ranks other than 0 claim this instead of --out (a fresh private folder under the temporary
// directory; commands write there as on rank 0), and remove it when the command ends.
std::filesystem::path scratch_out();
void remove_scratch() noexcept;

// After the error line: with several ranks, removes the scratch folder and ends all ranks with
// `code` (the others may be waiting for this one in a collective); with one, returns `code`.
int end_ranks_on_error(int code);

}  // namespace lrtune::cli
