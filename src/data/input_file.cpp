// Whole-input reads with a cap (input_file.hpp). A regular file is read with read() into a buffer
// of the size it had when opened and checked again afterwards (a memory map would turn a file
// truncated meanwhile into SIGBUS); anything else is read as a stream, appended as data comes.
#include "lrtune/data/input_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "lrtune/data/error.hpp"

namespace lrtune {

InputBytes::InputBytes(InputBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

InputBytes& InputBytes::operator=(InputBytes&& other) noexcept {
  if (this != &other) {
    InputBytes old(std::move(*this));
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

InputBytes::~InputBytes() {
  if (data_ != nullptr) ::munmap(data_, capacity_);
}

bool InputBytes::reserve(std::size_t capacity) {
  if (capacity <= capacity_) return true;
  // From 256 KiB on, one 2 MiB huge page costs less than the 64+ first touches of 4 KiB pages.
  constexpr std::size_t kPage = 4096, kHugePage = std::size_t{2} << 20, kHugeFrom = std::size_t{256} << 10;
  const std::size_t unit = capacity >= kHugeFrom ? kHugePage : kPage;
  if (capacity > SIZE_MAX - unit) return false;
  capacity = (capacity + unit - 1) / unit * unit;
  void* p = data_ == nullptr ? ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                             : ::mremap(data_, capacity_, capacity, MREMAP_MAYMOVE);  // moves page tables, not bytes
  if (p == MAP_FAILED) return false;
  if (unit == kHugePage) ::madvise(p, capacity, MADV_HUGEPAGE);  // refused without THP support: harmless
  data_ = static_cast<char*>(p);
  capacity_ = capacity;
  return true;
}

namespace {

class Input {
 public:
  Input(const std::filesystem::path& path, const InputOptions& options) : path_(path.string()), options_(options) {
    // A FIFO's open() waits for a writer: a blocked wait returns EINTR on a signal.
    for (;;) {
      stop_if_cancelled();
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ >= 0) break;
      if (errno != EINTR) fail_errno("cannot open the file");
    }
  }
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input() { ::close(fd_); }

  InputBytes read() {
    if (::fstat(fd_, &opened_) != 0) fail_errno("cannot read the file");
    if (S_ISDIR(opened_.st_mode)) throw DataError(fmt::format("{}: is a folder; expected a {}", path_, options_.what));
    // A regular file of size 0 may still have content (files under /proc): read it as a stream.
    if (S_ISREG(opened_.st_mode) && opened_.st_size > 0) return read_regular();
    return read_stream();
  }

 private:
  // The size it had when opened, read in place, then checked again: a file that shrank, grew or
  // was rewritten meanwhile is an error, not a silently mixed text.
  InputBytes read_regular() {
    const auto size = static_cast<std::uint64_t>(opened_.st_size);
    if (size > options_.max_bytes) {
      throw DataError(fmt::format("{}: {} bytes; the limit for {}s is {} ({} bytes)", path_, size, options_.what,
                                  byte_size_text(options_.max_bytes), options_.max_bytes));
    }
    InputBytes bytes;
    reserve(bytes, static_cast<std::size_t>(size));
    const std::size_t head = std::min(static_cast<std::size_t>(size), kInputCheckBytes);
    bytes.extend(read_up_to(bytes.tail(), head));
    if (bytes.size() == head && options_.check_start) options_.check_start(bytes.view());
    if (bytes.size() == head) bytes.extend(read_up_to(bytes.tail(), static_cast<std::size_t>(size) - head));
    char probe = 0;
    const bool grew = bytes.size() == size && read_up_to(&probe, 1) > 0;
    struct stat now {};
    if (::fstat(fd_, &now) != 0) fail_errno("cannot read the file");
    if (bytes.size() != size || grew || now.st_size != opened_.st_size ||
        now.st_mtim.tv_sec != opened_.st_mtim.tv_sec || now.st_mtim.tv_nsec != opened_.st_mtim.tv_nsec) {
      throw DataError(
          fmt::format("{}: the file changed while it was read ({} bytes when opened, {} bytes now); "
                      "expected a file that nothing writes to while lrtune reads it",
                      path_, size, now.st_size));
    }
    return bytes;
  }

  // Pipes, FIFOs, character devices: read into doubling room, stopped one byte past the cap.
  InputBytes read_stream() {
    InputBytes bytes;
    bool checked = !options_.check_start;
    for (;;) {
      if (bytes.size() == bytes.capacity()) reserve(bytes, std::max<std::size_t>(2 * bytes.capacity(), 64 << 10));
      const std::uint64_t room =
          std::min<std::uint64_t>(bytes.capacity() - bytes.size() - 1, options_.max_bytes - bytes.size()) + 1;
      const std::size_t got = read_some(bytes.tail(), static_cast<std::size_t>(room));
      bytes.extend(got);
      if (!checked && (got == 0 || bytes.size() >= kInputCheckBytes)) {
        checked = true;
        options_.check_start(bytes.view().substr(0, kInputCheckBytes));
      }
      if (got == 0) return bytes;
      if (bytes.size() > options_.max_bytes) {
        throw DataError(fmt::format("{}: more than {} bytes, reading stopped there; the limit for {}s is {}", path_,
                                    options_.max_bytes, options_.what, byte_size_text(options_.max_bytes)));
      }
    }
  }

  void reserve(InputBytes& bytes, std::size_t capacity) const {
    if (!bytes.reserve(capacity)) {
      throw DataError(
          fmt::format("{}: cannot allocate {} bytes of memory to read it ({})", path_, capacity, std::strerror(errno)));
    }
  }

  // Fills `buffer` unless the input ends first; returns the bytes read.
  std::size_t read_up_to(char* buffer, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      const std::size_t got = read_some(buffer + done, size - done);
      if (got == 0) break;
      done += got;
    }
    return done;
  }

  // One read(); 0 at the end. A pipe's read() waits for data: a signal ends the wait with EINTR.
  std::size_t read_some(char* buffer, std::size_t size) {
    for (;;) {
      stop_if_cancelled();
      const ssize_t got = ::read(fd_, buffer, size);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) fail_errno("cannot read the file");
    }
  }

  void stop_if_cancelled() const {
    if (options_.cancel != nullptr && options_.cancel->load()) {
      throw DataError(fmt::format("{}: interrupted while waiting for input", path_));
    }
  }

  [[noreturn]] void fail_errno(const char* what_failed) const {
    throw DataError(
        fmt::format("{}: {} ({}); expected a readable {}", path_, what_failed, std::strerror(errno), options_.what));
  }

  std::string path_;
  const InputOptions& options_;
  int fd_ = -1;
  struct stat opened_ {};
};

}  // namespace

InputBytes read_input(const std::filesystem::path& path, const InputOptions& options) {
  return Input(path, options).read();
}

std::string byte_size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kKiB = 1024, kMiB = kKiB << 10, kGiB = kMiB << 10;
  if (bytes >= kGiB && bytes % kGiB == 0) return fmt::format("{} GiB", bytes / kGiB);
  if (bytes >= kMiB && bytes % kMiB == 0) return fmt::format("{} MiB", bytes / kMiB);
  if (bytes >= kKiB && bytes % kKiB == 0) return fmt::format("{} KiB", bytes / kKiB);
  return fmt::format("{} bytes", bytes);
}

}  // namespace lrtune
