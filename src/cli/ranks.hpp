// The processes this lrtune runs as: one, or (MPI build, started by mpirun) the ranks of the
// world. Rank 0 prints and writes the results; the other ranks compute their share in silence and
// keep only their own fatal error line. The search spreads over world(); mpi.hpp is the only MPI.
#pragma once

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

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

// One error line for the ranks, not one per rank. Once a command has read and checked its data
// (meet_ranks_ready), or at world()'s first collective if that comes first, every rank says
// whether it got there: a rank that fails earlier (flags, data, the size checks: where all ranks
// usually fail alike) joins that exchange from its error handler, and a command that has neither
// joins it when it ends. Rank 0 then prints the first failing rank's line and every rank returns
// its code, without an abort. A failure after the exchange is end_ranks_on_error's (that rank's
// line, then the abort).
struct RankFailure {
  int rank = 0;
  int code = 0;
  std::string message;  // one line, without "lrtune: error: "
};
// Thrown from world()'s first collective on a rank that got there when another rank failed.
class OtherRankFailed : public std::exception {
 public:
  explicit OtherRankFailed(RankFailure failure) : failure_(std::move(failure)) {}
  const RankFailure& failure() const { return failure_; }
  const char* what() const noexcept override { return "another rank failed"; }

 private:
  RankFailure failure_;
};
// Whether the ranks have met (always true with one): after that, a failure is one rank's alone.
bool ranks_met();
// The command's data is read and checked, its long work not started: the ranks meet here (if they
// have not), so an earlier failure on any rank ends every rank now. Throws OtherRankFailed then.
void meet_ranks_ready();
// This rank failed before the ranks met: meets them and returns the first failure (lowest rank).
RankFailure meet_ranks_failed(int code, const std::string& message);
// The command ended on this rank: meets the ranks if they have not met; returns the first failure,
// if another rank failed before the meeting.
std::optional<RankFailure> meet_ranks_done();
// Rank 0 prints the failure's one line; every rank removes its scratch and returns the code.
int report_rank_failure(const RankFailure& failure);

// A failure that every rank met alike, after the ranks had met: a step whose collectives agree each
// outcome (the CSV read in shards and the preprocessing over them throw the same error on every
// rank). main() reports it as a failure before the meeting is (rank 0's line, every rank returns
// its code), not with one line per rank and an abort. Wraps the error as thrown.
class AgreedFailure : public std::exception {
 public:
  // The check takes the exception_ptr member's initialisation for an exception made and not thrown.
  explicit AgreedFailure(std::exception_ptr error)
      : error_(std::move(error)) {}  // NOLINT(bugprone-throw-keyword-missing)
  const std::exception_ptr& error() const { return error_; }
  const char* what() const noexcept override { return "every rank failed alike"; }

 private:
  std::exception_ptr error_;
};

}  // namespace lrtune::cli
