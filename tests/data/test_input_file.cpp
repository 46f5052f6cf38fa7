// Whole-input reads (input_file.hpp): regular files and streams (FIFOs, pipes, /dev/zero) with
// the size cap, a file that changes while it is read, and a cancelled wait on a FIFO.
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/input_file.hpp"

namespace {

namespace fs = std::filesystem;
using lrtune::DataError;
using lrtune::InputOptions;
using lrtune::read_input;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "lrtune-input-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string error_of(const fs::path& path, const InputOptions& options) {
  try {
    (void)read_input(path, options);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

// A writer at the other end of a FIFO: opens it (which lets the reader's open() return), writes
// `text` `times` times (forever when times < 0, until the reader closes), closes.
std::thread fifo_writer(const fs::path& fifo, std::string text, int times) {
  return std::thread([fifo, text = std::move(text), times] {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    for (int i = 0; times < 0 || i < times; ++i) {
      if (::write(fd, text.data(), text.size()) < 0) break;  // EPIPE once the reader has stopped
    }
    ::close(fd);
  });
}

// Writes to a closed pipe must fail with EPIPE in the writer threads, not end the test process.
class InputFile : public ::testing::Test {
 protected:
  void SetUp() override { previous_ = std::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override { std::signal(SIGPIPE, previous_); }

 private:
  void (*previous_)(int) = nullptr;
};

TEST_F(InputFile, ReadsARegularFileWhole) {
  TempDir dir;
  std::string text(200'000, 'x');
  text[123'456] = '\n';
  write_file(dir / "a.csv", text);
  EXPECT_EQ(read_input(dir / "a.csv").view(), text);
  write_file(dir / "empty.csv", "");
  EXPECT_EQ(read_input(dir / "empty.csv").view(), "");
}

TEST_F(InputFile, RefusesARegularFileOverTheCapBeforeReading) {
  TempDir dir;
  write_file(dir / "big.toml", std::string(1025, 'x'));
  InputOptions options;
  options.max_bytes = 1024;
  options.what = "experiment file";
  EXPECT_EQ(error_of(dir / "big.toml", options),
            (dir / "big.toml").string() + ": 1025 bytes; the limit for experiment files is 1 KiB (1024 bytes)");
  write_file(dir / "ok.toml", std::string(1024, 'x'));
  EXPECT_EQ(read_input(dir / "ok.toml", options).size(), 1024u);
}

TEST_F(InputFile, MissingFileAndFolder) {
  TempDir dir;
  InputOptions options;
  options.what = "CSV file";
  EXPECT_THAT(error_of(dir / "nope.csv", options),
              HasSubstr("nope.csv: cannot open the file (No such file or directory); expected a readable CSV file"));
  fs::create_directory(dir / "folder");
  EXPECT_THAT(error_of(dir / "folder", options), HasSubstr("folder: is a folder; expected a CSV file"));
}

TEST_F(InputFile, ReadsAFifoAsAStream) {
  TempDir dir;
  const fs::path fifo = dir / "data.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer = fifo_writer(fifo, "a,b\n1,2\n", 1000);
  const std::string text(read_input(fifo).view());
  writer.join();
  EXPECT_EQ(text.size(), 8000u);
  EXPECT_EQ(text.substr(0, 8), "a,b\n1,2\n");
}

TEST_F(InputFile, AnEndlessStreamStopsAtTheCap) {
  TempDir dir;
  const fs::path fifo = dir / "endless";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer = fifo_writer(fifo, std::string(4096, 'a'), -1);
  InputOptions options;
  options.max_bytes = 100'000;
  options.what = "CSV file";
  EXPECT_EQ(error_of(fifo, options),
            fifo.string() + ": more than 100000 bytes, reading stopped there; the limit for CSV files is 100000 bytes");
  writer.join();  // the reader closed its end: the writer's next write fails with EPIPE
  options.max_bytes = std::uint64_t{1} << 20;
  EXPECT_THAT(error_of("/dev/zero", options), HasSubstr("/dev/zero: more than 1048576 bytes, reading stopped there; "
                                                        "the limit for CSV files is 1 MiB"));
}

TEST_F(InputFile, CheckStartSeesTheFirstBytesOfAStreamBeforeTheRest) {
  std::size_t seen = 0;
  InputOptions options;
  options.check_start = [&seen](std::string_view start) {
    seen = start.size();
    if (start.find('\0') != std::string_view::npos) throw DataError("binary");
  };
  EXPECT_EQ(error_of("/dev/zero", options), "binary");  // not after 4 GiB: after the first 64 KiB
  EXPECT_EQ(seen, lrtune::kInputCheckBytes);
}

// The reader's own hook runs between the first 64 KiB and the rest: the file is changed there.
std::string error_when_changed(const std::function<void(const fs::path&)>& change) {
  TempDir dir;
  const fs::path path = dir / "data.csv";
  write_file(path, std::string(1 << 20, 'x'));
  const timespec old_times[2] = {{1'000'000, 0}, {1'000'000, 0}};  // so that any write changes the mtime
  ::utimensat(AT_FDCWD, path.c_str(), old_times, 0);
  InputOptions options;
  options.check_start = [&](std::string_view) { change(path); };
  return error_of(path, options);
}

TEST_F(InputFile, AFileThatChangesWhileReadIsAnError) {
  const auto truncate_to = [](std::uintmax_t size) { return [size](const fs::path& p) { fs::resize_file(p, size); }; };
  EXPECT_THAT(error_when_changed(truncate_to(100'000)),
              HasSubstr("data.csv: the file changed while it was read (1048576 bytes when opened, 100000 bytes now); "
                        "expected a file that nothing writes to while lrtune reads it"));
  EXPECT_THAT(error_when_changed(truncate_to(0)), HasSubstr("(1048576 bytes when opened, 0 bytes now)"));
  EXPECT_THAT(error_when_changed([](const fs::path& p) { std::ofstream(p, std::ios::app) << "more"; }),
              HasSubstr("(1048576 bytes when opened, 1048580 bytes now)"));
  EXPECT_THAT(error_when_changed([](const fs::path& p) {  // rewritten in place, same size
                std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
                f.seekp(500'000);
                f << "y";
              }),
              HasSubstr("the file changed while it was read (1048576 bytes when opened, 1048576 bytes now)"));
}

// A SIGINT-like handler without SA_RESTART: a blocked open() or read() returns EINTR.
extern "C" void on_test_signal(int) {}

// Reads `path` on a thread that a signal interrupts after the cancel flag is raised.
std::string error_of_cancelled_read(const fs::path& path) {
  struct sigaction action {};
  action.sa_handler = on_test_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  sigaction(SIGUSR1, &action, &previous);
  std::atomic<bool> cancel{false}, done{false};
  std::string error;
  std::thread reader([&] {
    InputOptions options;
    options.cancel = &cancel;
    error = error_of(path, options);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the reader is waiting by now
  cancel = true;
  for (int i = 0; i < 500 && !done; ++i) {  // repeated: the signal may come before the wait begins
    pthread_kill(reader.native_handle(), SIGUSR1);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader.join();
  sigaction(SIGUSR1, &previous, nullptr);
  return error;
}

TEST_F(InputFile, ACancelledWaitOnAFifoWithoutWriterIsAnInterruption) {
  TempDir dir;
  const fs::path fifo = dir / "data.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of_cancelled_read(fifo), fifo.string() + ": interrupted while waiting for input");
}

TEST_F(InputFile, ACancelledWaitForDataOnAFifoIsAnInterruption) {
  TempDir dir;
  const fs::path fifo = dir / "data.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);  // a writer that never writes
  ASSERT_GE(writer, 0);
  EXPECT_EQ(error_of_cancelled_read(fifo), fifo.string() + ": interrupted while waiting for input");
  ::close(writer);
}

TEST(ByteSizeText, NamesWholeUnits) {
  EXPECT_EQ(lrtune::byte_size_text(std::uint64_t{1} << 20), "1 MiB");
  EXPECT_EQ(lrtune::byte_size_text(std::uint64_t{4} << 30), "4 GiB");
  EXPECT_EQ(lrtune::byte_size_text(1024), "1 KiB");
  EXPECT_EQ(lrtune::byte_size_text(1500), "1500 bytes");
}

}  // namespace
