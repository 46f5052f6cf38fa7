// The single-process communicator and the byte packing (see lrtune/core/communicator.hpp); the
// MPI communicator is src/distributed/'s.
#include "lrtune/core/communicator.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace lrtune {

namespace {

// One rank: a gather is the rank's own bytes, a broadcast and a sum leave the values as they are.
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<Bytes> allgather(const Bytes& mine) const override { return {mine}; }
  void broadcast(Bytes& /*bytes*/, int /*root*/) const override {}
  void allreduce_sum(std::span<double> /*values*/) const override {}
  void allreduce_sum(std::span<float> /*values*/) const override {}
  [[noreturn]] void abort(int exit_code) const override { std::_Exit(exit_code); }
};

}  // namespace

const Communicator& single_process() {
  static const SingleProcess one;
  return one;
}

bool owns(const Communicator& communicator, std::size_t item) {
  return item % static_cast<std::size_t>(communicator.size()) == static_cast<std::size_t>(communicator.rank());
}

void ByteWriter::put_string(std::string_view text) { put_span(std::span<const char>(text.data(), text.size())); }

std::string ByteReader::get_string() {
  const std::vector<char> chars = get_vector<char>();
  return {chars.begin(), chars.end()};
}

void ByteReader::check_left(std::uint64_t count, std::size_t size) const {
  if (size != 0 && count > (bytes_.size() - at_) / size)
    throw std::out_of_range("ByteReader: read past the end of the gathered bytes");
}

void ByteReader::copy_out(void* to, std::size_t n) {
  if (n > bytes_.size() - at_) throw std::out_of_range("ByteReader: read past the end of the gathered bytes");
  if (n > 0) std::memcpy(to, bytes_.data() + at_, n);
  at_ += n;
}

}  // namespace lrtune
