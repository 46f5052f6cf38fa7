// The redrawn progress line, its bar and its durations.
#include "live_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace lrtune::cli {
namespace {

constexpr std::size_t kMaxWidth = 100;  // the console's longest line (docs/cli.md, "Console output")

std::size_t terminal_width(std::FILE* stream) {
  winsize size{};
  if (::ioctl(::fileno(stream), TIOCGWINSZ, &size) != 0 || size.ws_col < 2) return kMaxWidth;
  return std::min<std::size_t>(kMaxWidth, size.ws_col - 1U);  // the last column would wrap on some terminals
}

// `text` cut to `width` code points (UTF-8 continuation bytes do not take a column).
std::string cut_to(const std::string& text, std::size_t width) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool continuation = (static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U;
    if (!continuation && ++columns > width) return text.substr(0, i);
  }
  return text;
}

}  // namespace

bool is_terminal(std::FILE* stream) { return ::isatty(::fileno(stream)) != 0; }

LiveLine::LiveLine(std::FILE* stream) : stream_(stream), width_(terminal_width(stream)) {}

void LiveLine::draw(const std::string& text, bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && !force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  fmt::print(stream_, "\r{}\033[K", cut_to(text, width_));
  std::fflush(stream_);
  drawn_ = true;
  last_draw_ = now;
}

void LiveLine::finish(const std::string& summary) {
  fmt::print(stream_, "\r\033[K{}\n", summary);
  std::fflush(stream_);
  drawn_ = false;
}

std::string progress_bar(double fraction, int width) {
  const double clamped = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  const int filled = static_cast<int>(std::floor(clamped * width));
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  return "[" + bar + "]";
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0) return "?";
  if (seconds < 10.0) return fmt::format("{:.1f} s", seconds);
  if (seconds < 60.0) return fmt::format("{:.0f} s", seconds);
  const auto whole = static_cast<long long>(std::lround(seconds));
  return fmt::format("{} min {:02d} s", whole / 60, static_cast<int>(whole % 60));
}

}  // namespace lrtune::cli
