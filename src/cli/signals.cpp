// SIGINT handler raising a lock-free atomic flag.
#include "signals.hpp"

#include <csignal>
#include <unistd.h>

namespace lrtune::cli {
namespace {
std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigint(int) {
  if (g_cancel.load()) _exit(130);
  g_cancel.store(true);
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

const std::atomic<bool>& cancel_flag() { return g_cancel; }
bool interrupted() { return g_cancel.load(); }

}  // namespace lrtune::cli
