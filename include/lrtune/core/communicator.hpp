// The few collective operations that spreading work over processes needs (rank, size, byte
// gathers and broadcasts, sums, abort), declared here so that tune, train and data can call them
// without knowing MPI. single_process() is the default: one rank, every collective a copy. The MPI
// implementation is the optional distributed/ build (lrtune/distributed/mpi.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lrtune {

using Bytes = std::vector<std::uint8_t>;

// Every collective must be called by every rank, in the same order, or the ranks wait forever:
// callers make the same decisions on every rank and call these at the same points.
class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;  // in [0, size)
  virtual int size() const = 0;  // >= 1

  // Every rank passes its own bytes (any length, empty included); every rank receives all
  // ranks' bytes, indexed by rank.
  virtual std::vector<Bytes> allgather(const Bytes& mine) const = 0;
  // `bytes` of rank `root` replaces `bytes` on every other rank (any length).
  virtual void broadcast(Bytes& bytes, int root) const = 0;
  // Element-wise sums over ranks, in place on every rank; the same length on every rank. The sum
  // is taken in rank order, so every rank holds the same bits.
  virtual void allreduce_sum(std::span<double> values) const = 0;
  virtual void allreduce_sum(std::span<float> values) const = 0;
  // Ends every rank with `exit_code` (a rank that failed while the others wait in a collective:
  // nothing hangs). Does not return.
  [[noreturn]] virtual void abort(int exit_code) const = 0;
};

// One process: rank 0 of 1. abort() ends the process with the code (std::_Exit: no cleanup, as
// an aborted MPI rank).
const Communicator& single_process();

// The ranks' share of `n` indexed items by a fixed rule: item i belongs to rank i % size, so an
// item's owner depends only on its index and the rank count, never on which items run beside it.
bool owns(const Communicator& communicator, std::size_t item);

// Packing of numbers and text for the byte collectives. The ranks of one run are the same program
// on machines of one kind, so values are copied as they lie in memory (no byte-order conversion).
class ByteWriter {
 public:
  template <typename T>
  void put(const T& value) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  template <typename T>
  void put_span(std::span<const T> values) {
    put<std::uint64_t>(values.size());
    const auto* p = reinterpret_cast<const std::uint8_t*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size_bytes());
  }
  void put_string(std::string_view text);
  Bytes take() { return std::move(bytes_); }

 private:
  Bytes bytes_;
};

// Reads what a ByteWriter wrote, in the same order; throws std::out_of_range past the end.
class ByteReader {
 public:
  explicit ByteReader(const Bytes& bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    T value;
    copy_out(&value, sizeof(T));
    return value;
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    check_left(n, sizeof(T));  // before allocating: a damaged count must not ask for terabytes
    std::vector<T> values(n);
    copy_out(values.data(), n * sizeof(T));
    return values;
  }
  std::string get_string();
  bool done() const { return at_ == bytes_.size(); }

 private:
  void check_left(std::uint64_t count, std::size_t size) const;
  void copy_out(void* to, std::size_t n);
  const Bytes& bytes_;
  std::size_t at_ = 0;
};

}  // namespace lrtune
