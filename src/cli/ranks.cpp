// The ranks of an mpirun launch as the command sees them (see ranks.hpp). Without LRTUNE_MPI the
// command is always one process.
#include "ranks.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#ifdef LRTUNE_MPI
#include "lrtune/distributed/mpi.hpp"
#endif

namespace lrtune::cli {
namespace {

bool g_met = false;  // the ranks have exchanged whether they got to the first collective

// The exchange itself: every rank's failure as "<code> <message>" (empty: none); returns the
// lowest-ranked failure.
std::optional<RankFailure> meet(const Communicator& inner, const std::optional<RankFailure>& mine) {
  g_met = true;
  ByteWriter w;
  w.put_string(mine ? fmt::format("{} {}", mine->code, mine->message) : std::string{});
  const std::vector<Bytes> all = inner.allgather(w.take());
  for (std::size_t r = 0; r < all.size(); ++r) {
    ByteReader reader(all[r]);
    const std::string text = reader.get_string();
    if (text.empty()) continue;
    const std::size_t space = text.find(' ');
    return RankFailure{static_cast<int>(r), std::stoi(text.substr(0, space)), text.substr(space + 1)};
  }
  return std::nullopt;
}

// world() under mpirun: the MPI world, whose first collective is preceded by the meeting.
class MeetingWorld final : public Communicator {
 public:
  explicit MeetingWorld(const Communicator& inner) : inner_(inner) {}
  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  std::vector<Bytes> allgather(const Bytes& mine) const override {
    meet_first();
    return inner_.allgather(mine);
  }
  void broadcast(Bytes& bytes, int root) const override {
    meet_first();
    inner_.broadcast(bytes, root);
  }
  void allreduce_sum(std::span<double> values) const override {
    meet_first();
    inner_.allreduce_sum(values);
  }
  void allreduce_sum(std::span<float> values) const override {
    meet_first();
    inner_.allreduce_sum(values);
  }
  [[noreturn]] void abort(int exit_code) const override {
    inner_.abort(exit_code);
    std::_Exit(exit_code);  // not reached (the compiler does not carry [[noreturn]] through a virtual call)
  }
  const Communicator& inner() const { return inner_; }

 private:
  void meet_first() const { meet_ranks_ready(); }
  const Communicator& inner_;
};

const Communicator* g_world = &single_process();
std::unique_ptr<MeetingWorld> g_meeting;  // wraps the MPI world when there are several ranks
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
  if (g_world->size() > 1) {
    g_meeting = std::make_unique<MeetingWorld>(*g_world);
    g_world = g_meeting.get();
  } else {
    g_met = true;  // one process: nobody to meet
  }
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

bool ranks_met() { return g_met; }

void meet_ranks_ready() {
  if (g_met) return;
  if (auto failure = meet(g_meeting ? g_meeting->inner() : *g_world, std::nullopt))
    throw OtherRankFailed(std::move(*failure));
}

RankFailure meet_ranks_failed(int code, const std::string& message) {
  const RankFailure mine{g_world->rank(), code, message};
  return meet(g_meeting ? g_meeting->inner() : *g_world, mine).value_or(mine);
}

std::optional<RankFailure> meet_ranks_done() {
  if (g_met) return std::nullopt;
  return meet(g_meeting ? g_meeting->inner() : *g_world, std::nullopt);
}

int report_rank_failure(const RankFailure& failure) {
  if (g_world->rank() == 0) {
    const std::string where =
        failure.rank == 0 ? std::string{} : fmt::format("rank {} of {}: ", failure.rank, g_world->size());
    fmt::print(g_error_stream, "lrtune: error: {}{}\n", where, failure.message);
    std::fflush(g_error_stream);
  }
  remove_scratch();
  return failure.code;
}

}  // namespace lrtune::cli
