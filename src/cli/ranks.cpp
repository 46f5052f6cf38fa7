// The ranks of an mpirun launch as the command sees them (see ranks.hpp). Without LRTUNE_MPI the
// command is always one process.
#include "ranks.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#ifdef LRTUNE_MPI
#include "lrtune/distributed/mpi.hpp"
#endif

namespace lrtune::cli {
namespace {

const Communicator* g_world = &single_process();
std::FILE* g_error_stream = stderr;
std::filesystem::path g_scratch;  // the folder scratch_out() made, until remove_scratch()

#ifdef LRTUNE_MPI
// Ends MPI after main returns (a static's destructor), once every collective is done.
std::unique_ptr<const Communicator, void (*)(const Communicator*)> g_mpi{nullptr, nullptr};
#endif

// Rank 0 speaks for the run; the others' output would repeat it line for line. Their stderr is
// kept on another descriptor for the one line of their own fatal error.
void silence_this_rank() {
  const int kept = ::dup(STDERR_FILENO);
  if (kept >= 0) {
    if (std::FILE* stream = ::fdopen(kept, "w")) g_error_stream = stream;
  }
  const int null = ::open("/dev/null", O_WRONLY);
  if (null < 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(null, STDOUT_FILENO);
  ::dup2(null, STDERR_FILENO);
  ::close(null);
}

}  // namespace

void start_ranks([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef LRTUNE_MPI
  g_mpi = distributed::start_world(argc, argv);
  g_world = g_mpi.get();
#endif
  if (g_world->rank() != 0) silence_this_rank();
}

const Communicator& world() { return *g_world; }

bool writes_results() { return g_world->rank() == 0; }

std::FILE* error_stream() { return g_error_stream; }

std::filesystem::path scratch_out() {
  const std::filesystem::path base = std::filesystem::temp_directory_path() / "lrtune-rank-XXXXXX";
  std::string name = base.string();
  if (::mkdtemp(name.data()) == nullptr)
    throw std::runtime_error(fmt::format("rank {}: cannot create a scratch folder in {}", g_world->rank(),
                                         std::filesystem::temp_directory_path().string()));
  g_scratch = name;
  return g_scratch / "out";
}

void remove_scratch() noexcept {
  if (g_scratch.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(g_scratch, ignored);
  g_scratch.clear();
}

int end_ranks_on_error(int code) {
  if (g_world->size() > 1) {
    remove_scratch();
    std::fflush(g_error_stream);
    g_world->abort(code);
  }
  return code;
}

}  // namespace lrtune::cli
