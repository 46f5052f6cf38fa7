// Finding gnuplot on PATH and running it on a script in a chart's folder (posix_spawn, stderr
// captured through a pipe, a timeout). What the scripts draw is charts.cpp's business.
#include "lrtune/report/gnuplot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace lrtune {

GnuplotNotFound::GnuplotNotFound()
    : IoError(std::string("gnuplot not found on PATH; ") + std::string(kGnuplotInstallHint)) {}

std::optional<std::filesystem::path> find_gnuplot() {
  const char* path_env = std::getenv("PATH");
  if (path_env == nullptr) return std::nullopt;
  std::string_view rest(path_env);
  while (true) {
    const auto colon = rest.find(':');
    std::string_view folder = rest.substr(0, colon);
    if (folder.empty()) folder = ".";
    const std::filesystem::path candidate = std::filesystem::path(folder) / "gnuplot";
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

bool gnuplot_available() { return find_gnuplot().has_value(); }

std::string gnuplot_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';  // a newline would end the command
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

namespace {

std::string last_line(const std::string& text) {
  std::string_view view(text);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r' || view.back() == ' ')) view.remove_suffix(1);
  const auto newline = view.rfind('\n');
  return std::string(newline == std::string_view::npos ? view : view.substr(newline + 1));
}

}  // namespace

std::string run_gnuplot(const std::filesystem::path& folder, const std::filesystem::path& script,
                        std::string_view preamble, double timeout_seconds) {
  const auto program = find_gnuplot();
  if (!program) throw GnuplotNotFound();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw GnuplotError(fmt::format("cannot run gnuplot on {}: pipe: {}", script.string(), std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());

  const std::string program_text = program->string();
  const std::string preamble_text(preamble);
  const std::string script_text = script.string();
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program_text.c_str()));
  if (!preamble_text.empty()) {
    argv.push_back(const_cast<char*>("-e"));
    argv.push_back(const_cast<char*>(preamble_text.c_str()));
  }
  argv.push_back(const_cast<char*>(script_text.c_str()));
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program_text.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    throw GnuplotError(fmt::format("cannot run {} on {}: {}", program_text, script.string(), std::strerror(spawned)));
  }

  // Read stderr until EOF or the deadline.
  std::string errors;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  bool timed_out = false;
  char buffer[4096];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{pipe_fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (errors.size() < (1u << 20)) errors.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (timed_out) {
    throw GnuplotError(
        fmt::format("gnuplot on {} ran longer than {} s and was stopped", script.string(), timeout_seconds));
  }
  if (WIFSIGNALED(status)) {
    throw GnuplotError(
        fmt::format("gnuplot on {} was killed by signal {}: {}", script.string(), WTERMSIG(status), last_line(errors)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw GnuplotError(fmt::format("gnuplot failed on {} (exit status {}): {}", script.string(),
                                   WIFEXITED(status) ? WEXITSTATUS(status) : -1, last_line(errors)));
  }
  return errors;
}

}  // namespace lrtune
