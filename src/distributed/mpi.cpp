// Core's Communicator over MPI (see lrtune/distributed/mpi.hpp). Only this folder includes mpi.h:
// tune, train and data call the interface.
#include "lrtune/distributed/mpi.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace lrtune::distributed {

namespace {

// An MPI call that failed: MPI's default handler aborts first, so this is the last resort.
void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI: {} failed (code {})", what, code));
}

int as_count(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error(fmt::format("MPI: {} bytes exceed one message's int count", n));
  return static_cast<int>(n);
}

class World final : public Communicator {
 public:
  World() {
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  // The lengths first, then the bytes at their offsets (MPI_Allgatherv).
  std::vector<Bytes> allgather(const Bytes& mine) const override {
    const int length = as_count(mine.size());
    std::vector<int> lengths(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    std::vector<int> offsets(lengths.size(), 0);
    std::size_t total = 0;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      offsets[r] = as_count(total);
      total += static_cast<std::size_t>(lengths[r]);
    }
    as_count(total);
    Bytes all(total);
    check(MPI_Allgatherv(mine.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(), MPI_BYTE,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::vector<Bytes> out;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      const auto* begin = all.data() + offsets[r];
      out.emplace_back(begin, begin + lengths[r]);
    }
    return out;
  }

  void broadcast(Bytes& bytes, int root) const override {
    std::uint64_t length = bytes.size();
    check(MPI_Bcast(&length, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
    bytes.resize(length);
    check(MPI_Bcast(bytes.data(), as_count(length), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }

  // MPI_Allreduce may add in any order, so the sum's bits could differ with the rank count; the
  // values are gathered and added in rank order instead, the same on every rank.
  void allreduce_sum(std::span<double> values) const override { ordered_sum(values); }
  void allreduce_sum(std::span<float> values) const override { ordered_sum(values); }

  [[noreturn]] void abort(int exit_code) const override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this says so to the compiler
  }

 private:
  template <typename T>
  void ordered_sum(std::span<T> values) const {
    ByteWriter w;
    w.put_span(std::span<const T>(values.data(), values.size()));
    const std::vector<Bytes> all = allgather(w.take());
    std::vector<T> sum;
    for (const Bytes& bytes : all) {
      ByteReader r(bytes);
      const std::vector<T> part = r.get_vector<T>();
      if (part.size() != values.size())
        throw std::logic_error("MPI: allreduce_sum called with different lengths on different ranks");
      if (sum.empty()) {
        sum = part;  // rank 0's values as they are (0 + -0.0 would turn a -0.0 into +0.0)
      } else {
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += part[i];
      }
    }
    std::copy(sum.begin(), sum.end(), values.begin());
  }

  int rank_ = 0;
  int size_ = 1;
};

void finalize(const Communicator* world) {
  delete world;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized == 0) MPI_Finalize();
}

void keep(const Communicator* /*single_process*/) {}

}  // namespace

bool launched_by_mpirun() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

std::unique_ptr<const Communicator, void (*)(const Communicator*)> start_world(int& argc, char**& argv) {
  if (!launched_by_mpirun()) return {&single_process(), keep};
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  return {new World(), finalize};
}

}  // namespace lrtune::distributed
