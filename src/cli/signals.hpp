// Ctrl-C, SIGTERM and SIGHUP: the first one raises the cancel flag that fit, the range test and
// the search poll (they stop after the current step, and the command completes its output folder
// as interrupted); a second one ends the process at once. SIGXFSZ is ignored, so a write past the
// file-size limit fails with EFBIG and becomes a one-line error. Exit codes are main's job.
#pragma once

#include <atomic>

namespace lrtune::cli {

void install_interrupt_handler();
const std::atomic<bool>& cancel_flag();
bool interrupted();
// The signal that raised the flag (SIGINT, SIGTERM or SIGHUP), 0 when none did.
int interrupting_signal();
// 128 + that signal (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), as shells report them.
int interrupted_exit_code();
// "SIGINT", "SIGTERM", "SIGHUP".
const char* interrupting_signal_name();

}  // namespace lrtune::cli
