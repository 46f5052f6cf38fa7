// Signal handlers raising lock-free atomic flags.
#include "signals.hpp"

#include <unistd.h>
#include <csignal>

namespace lrtune::cli {
namespace {
std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int signal) {
  if (g_cancel.load()) _exit(128 + signal);
  g_signal.store(signal);
  g_cancel.store(true);
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a read blocked on a FIFO returns EINTR, so the reader can see the flag.
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
  std::signal(SIGXFSZ, SIG_IGN);
}

const std::atomic<bool>& cancel_flag() { return g_cancel; }
bool interrupted() { return g_cancel.load(); }
int interrupting_signal() { return g_signal.load(); }
int interrupted_exit_code() { return 128 + (g_signal.load() == 0 ? SIGINT : g_signal.load()); }
const char* interrupting_signal_name() {
  switch (g_signal.load()) {
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "SIGINT";
  }
}

}  // namespace lrtune::cli
