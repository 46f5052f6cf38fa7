// Ctrl-C: the first SIGINT raises the cancel flag that fit and the range test poll (they stop
// after the current step); a second one ends the process at once. Exit code 130 is main's job.
#pragma once

#include <atomic>

namespace lrtune::cli {

void install_interrupt_handler();
const std::atomic<bool>& cancel_flag();
bool interrupted();

}  // namespace lrtune::cli
