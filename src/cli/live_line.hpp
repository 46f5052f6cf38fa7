// One progress line redrawn in place on a terminal: "\r", the text, clear to the end of the line.
// The text is cut to the terminal's width (a line that wraps cannot be redrawn) and redrawn at
// most ten times a second; the phase's summary line replaces it. Knows nothing of what it shows.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace lrtune::cli {

// Whether `stream` is a terminal (then progress is redrawn in place).
bool is_terminal(std::FILE* stream);

class LiveLine {
 public:
  explicit LiveLine(std::FILE* stream);
  // Redraws the line with `text`, unless the last redraw was under 0.1 s ago and `force` is
  // false. The first draw always happens, so every phase shows at least once.
  void draw(const std::string& text, bool force = false);
  // Replaces the line with `summary` and ends it; the next draw starts a new line.
  void finish(const std::string& summary);

 private:
  std::FILE* stream_;
  std::size_t width_;  // columns the text may take: the terminal's less one, at most 100
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "[=========>          ]": `fraction` (clamped to [0, 1]) of `width` cells filled.
std::string progress_bar(double fraction, int width = 20);
// "0.4 s", "12 s", "3 min 05 s": short, for time spent and time left.
std::string duration_text(double seconds);

}  // namespace lrtune::cli
