// Lazy output folder and atomic file writes.
#include "output_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

namespace lrtune::cli {

void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
  const std::filesystem::path temp = path.string() + fmt::format(".tmp{}", ::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot write: {}", temp.string(), std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw std::runtime_error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(error)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    throw std::runtime_error(fmt::format("{}: cannot rename into place: {}", path.string(), std::strerror(error)));
  }
}

OutputDir::OutputDir(const std::string& requested, const std::string& command) {
  if (!requested.empty()) {
    path_ = requested;
  } else {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
    path_ = std::filesystem::path("lrtune-out") / fmt::format("{}-{}", command, stamp);
  }
  existed_ = std::filesystem::exists(path_);
}

void OutputDir::ensure() {
  if (created_ || existed_) return;
  std::error_code error;
  std::filesystem::create_directories(path_, error);
  if (error) throw std::runtime_error(fmt::format("--out {}: cannot create the folder: {}", path_.string(), error.message()));
  created_ = true;
}

std::filesystem::path OutputDir::write(const std::string& name, std::string_view text) {
  ensure();
  const auto file = path_ / name;
  write_file_atomic(file, text);
  return file;
}

std::filesystem::path OutputDir::write_json(const std::string& name, const nlohmann::json& json) {
  return write(name, json.dump(2) + "\n");
}

void OutputDir::discard() noexcept {
  if (!created_) return;
  std::error_code error;
  std::filesystem::remove_all(path_, error);
  // Also the default parent if it is now empty.
  if (path_.has_parent_path() && path_.parent_path() == "lrtune-out") std::filesystem::remove(path_.parent_path(), error);
  created_ = false;
}

}  // namespace lrtune::cli
