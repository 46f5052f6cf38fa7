// A small hand-made TuningResult for the io and report tests: a per-step range test, four
// candidates over two rungs, one cut, one diverged, the pick early-stopped. No training involved.
#pragma once

#include <cmath>
#include <limits>

#include "lrtune/finder/curve.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune::testing {

inline RangeTestCurve small_per_step_curve() {
  RangeTestCurve curve;
  curve.mode = CurveMode::per_step;
  curve.planned_points = 60;
  curve.smoothing_beta = 0.98;
  for (int i = 0; i < 60; ++i) {
    const double lr = 1e-6 * std::pow(10.0, i / 10.0);  // 1e-6 .. ~8e-1
    const double x = std::log10(lr / 3e-3);
    const double loss =
        0.69 - 0.25 / (1.0 + std::exp(-2.5 * (x + 1.5))) + (lr > 0.03 ? 0.8 * std::log10(lr / 0.03) : 0.0);
    curve.learning_rates.push_back(lr);
    curve.losses.push_back(loss + 0.01 * std::sin(i));
    curve.smoothed_losses.push_back(loss);
    curve.step_seconds.push_back(0.001);
  }
  curve.total_seconds = 0.06;
  curve.suggestions = suggest_all(curve);
  return curve;
}

inline TuningCandidate candidate(double lr, std::vector<double> losses, CandidateStatus status, int last_rung,
                                 std::vector<double> rung_scores, std::string reason) {
  TuningCandidate c;
  c.learning_rate = lr;
  c.validation_losses = {losses};
  double best = std::numeric_limits<double>::infinity();
  int best_epoch = -1;  // 0-based, as the tuner records it
  for (std::size_t e = 0; e < losses.size(); ++e)
    if (losses[e] < best) best = losses[e], best_epoch = static_cast<int>(e);
  c.best_validation_losses = {best};
  c.best_epochs = {best_epoch};
  c.epochs_trained = {static_cast<int>(losses.size())};
  c.score = rung_scores.back();
  c.rung_scores = std::move(rung_scores);
  c.status = status;
  c.last_rung = last_rung;
  c.reason = std::move(reason);
  return c;
}

inline TuningResult small_tuning_result() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TuningResult r;
  r.range_test = small_per_step_curve();
  r.low = 1e-5;
  r.high = 1e-1;
  r.low_reason = "the minimum suggestion 1e-3 divided by 100";
  r.high_reason = "where the smoothed loss rose to 4x its minimum";
  r.candidates = {
      candidate(1e-5, {0.69, 0.68, 0.67, 0.66}, CandidateStatus::eliminated, 0, {0.66},
                "cut at rung 0: 0.66 > cut-off 0.52"),
      candidate(1e-4, {0.60, 0.55, 0.52, 0.51, 0.50, 0.49, 0.485, 0.48}, CandidateStatus::max_epochs, 1, {0.51, 0.48},
                "promoted at rung 0; trained to max epochs"),
      candidate(1e-3, {0.55, 0.48, 0.46, 0.45, 0.44, 0.445, 0.45, 0.46}, CandidateStatus::early_stopped, 1,
                {0.45, 0.44}, "promoted at rung 0; lowest validation loss at rung 1"),
      candidate(1e-1, {0.9, nan}, CandidateStatus::diverged, 0, {0.9}, "diverged at epoch 2"),
  };
  TuningRung r0;
  r0.epochs = 4;
  r0.candidates = {0, 1, 2, 3};
  r0.promoted = {2, 1};
  r0.cutoff_score = 0.51;
  r0.epochs_cost = 14;
  r0.seconds = 0.4;
  TuningRung r1;
  r1.epochs = 8;
  r1.candidates = {1, 2};
  r1.promoted = {2};
  r1.cutoff_score = 0.44;
  r1.epochs_cost = 8;
  r1.seconds = 0.2;
  r.rungs = {r0, r1};
  r.pick = 2;
  r.learning_rate = 1e-3;
  r.best_epoch = 4;  // 0-based: "epoch 5" in printed text
  r.model_epochs = 5;
  r.validation_loss = 0.44;
  r.explanation = "1e-3 had the lowest validation loss (0.44 at epoch 5) of the 2 candidates left after rung 1 <b>.";
  r.training_rows = 800;
  r.validation_rows = 200;
  r.epochs_cost = 22;
  r.grid_epochs_bound = 4 * 8;
  r.range_test_seconds = 0.06;
  r.search_seconds = 0.6;
  r.total_seconds = 0.7;
  r.threads = 2;
  return r;
}

}  // namespace lrtune::testing
