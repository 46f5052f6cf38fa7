// Reading a whole input into memory with a size cap: a regular file, or a stream (a pipe, a
// FIFO, /dev/stdin, a shell's <(zcat data.csv.gz), a character device such as /dev/zero).
// What the bytes mean is the caller's business (the CSV reader, the CLI's experiment file).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace lrtune {

struct InputOptions {
  std::uint64_t max_bytes = std::uint64_t{1} << 32;
  std::string_view what = "file";  // named in the cap's message: "a CSV file may hold at most 4 GiB"
  // Raised (e.g. by a SIGINT handler installed without SA_RESTART) while open() or read() waits
  // on a FIFO or pipe: the wait ends with the interrupted error below instead of going on.
  const std::atomic<bool>* cancel = nullptr;
  // Called once with the first kInputCheckBytes (or the whole input when it is shorter) before the
  // rest is read, so that a caller can refuse e.g. a binary stream without reading up to the cap.
  std::function<void(std::string_view)> check_start;
};
inline constexpr std::size_t kInputCheckBytes = std::size_t{64} << 10;

// The bytes read, in memory of their own (anonymous pages; from 256 KiB on, transparent huge
// pages advised: a first touch of a fresh 4 KiB page cost about 15 us on the build VM, 0.37 s
// of CPU per 100 MB, against 0.014 s with huge pages). Move-only; grown without copying.
class InputBytes {
 public:
  InputBytes() = default;
  InputBytes(InputBytes&& other) noexcept;
  InputBytes& operator=(InputBytes&& other) noexcept;
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;
  ~InputBytes();

  std::string_view view() const { return {data_, size_}; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  // Room for at least `capacity` bytes, the bytes so far kept; false when memory is refused.
  bool reserve(std::size_t capacity);
  // The room after the bytes so far (capacity() - size() of it), and how much of it was filled.
  char* tail() { return data_ + size_; }
  void extend(std::size_t filled) { size_ += filled; }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

// The whole input. Throws DataError, one line naming the path, when it cannot be opened, is a
// folder, holds more than max_bytes (a regular file: checked before reading; a stream: reading
// stops at the cap), or changes (size or modification time) while it is read. A wait that the
// cancel flag ends throws DataError "<path>: interrupted while waiting for input"; the caller that
// owns the flag sees it raised and reports an interruption, not an error.
InputBytes read_input(const std::filesystem::path& path, const InputOptions& options = {});

// "1 MiB", "4 GiB", "1500 bytes": a cap as messages and docs write it.
std::string byte_size_text(std::uint64_t bytes);

}  // namespace lrtune
