// The checks of a command that need the data, run after it is read and before anything is trained
// or written: the model's parameters against the model file's limit, the validation split against
// the training rows, and the memory the command will need against what the machine has.
#pragma once

#include <optional>
#include <string>

#include "settings.hpp"
#include "workflow.hpp"

namespace lrtune::cli {

// Throws UsageError (one line naming the flags to change) when a check fails. `command` as
// validate() takes it ("run" for demo).
void check_sizes(const Settings& settings, const std::string& command, const Dataset& data);

// The memory a command will need at its peak on one rank of `ranks` (mpirun spreads the search's
// units), in bytes, with what it is made of (for the message).
struct MemoryNeed {
  double bytes = 0.0;
  std::string detail;
};
MemoryNeed memory_need(const Settings& settings, const std::string& command, Index train_rows, Index test_rows,
                       Index features, int ranks = 1);

// Bytes this process may still allocate: the least of the memory available (MemAvailable of
// /proc/meminfo, else the physical memory), its cgroup's memory.max less the memory in use, and
// RLIMIT_AS less the address space in use. nullopt when none can be read.
std::optional<double> available_memory();

// "1.5 GiB", "320 MiB", "12 KiB", "100 bytes".
std::string format_bytes(double bytes);

}  // namespace lrtune::cli
