// The one line that closes each phase of a command on the console (the range test, a rung of the
// search, a training), also the only progress line off a terminal. Pure functions; each line is
// at most kConsoleWidth characters and names what produced every learning rate it shows.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lrtune/experiment/training.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune::cli {

// No console line is longer, except table rows (docs/cli.md, "Console output").
inline constexpr std::size_t kConsoleWidth = 100;

// "per-epoch range test" or "per-step range test": how run's two range tests are told apart.
std::string range_test_name(CurveMode mode);

// "Range test (per-epoch): 100/100 points, 3.1 s, lowest loss 0.4312 at lr 0.00631", with
// ", stopped: diverged" when the sweep ended early. `title` replaces "Range test".
std::string range_test_summary(const std::string& title, const RangeTestCurve& curve);

// "Search rung 0: 11 rates x 4 epochs, 6 kept (cut-off val_loss 0.4512), 2.1 s".
std::string rung_summary(std::size_t index, const TuningRung& rung);

// What a training's summary needs besides its result.
struct TrainingLabel {
  std::string title;        // "Training tuned", "Training tuned seed 43", "Training"
  std::string rate_source;  // "tuner pick", "adam default", "--lr"
  int epochs = 0;           // epochs asked for
  std::string monitor;      // the value early stopping watched ("val_loss"); empty without it
};

// "Training tuned  lr 0.00123 (tuner pick)  early stop at 34/100  best epoch 24, val_loss 0.412  1.2 s";
// "... 100/100 epochs  loss 0.3412 ...", "... diverged in epoch 3/100 ...", "... interrupted in epoch 3/100 ...".
std::string training_summary(const TrainingLabel& label, const Training& training);

// `parts` joined by two spaces; while longer than kConsoleWidth, the last of the parts after the
// first `kept` is left out.
std::string fit_parts(std::vector<std::string> parts, std::size_t kept);

// `text` with every line longer than `width` broken at spaces; continuation lines start with
// `indent`. For paragraphs and lists, never for tables.
std::string wrap(const std::string& text, std::size_t width = kConsoleWidth, const std::string& indent = "  ");

}  // namespace lrtune::cli
