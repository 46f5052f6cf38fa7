// Small synthetic results for the report tests: a per-epoch range test shaped like the recipe's
// (flat, dip near 0.007, rising tail), two training histories and two confusion matrices.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/suggest_all.hpp"
#include "lrtune/train/history.hpp"

namespace lrtune::test {

inline RangeTestCurve recipe_like_curve(std::size_t epochs = 100) {
  RangeTestCurve curve;
  curve.mode = CurveMode::per_epoch;
  curve.planned_points = epochs;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.004);
  for (std::size_t e = 0; e < epochs; ++e) {
    const double lr = 1e-3 * std::pow(10.0, static_cast<double>(e) / 30.0);
    const double x = std::log10(lr / 0.007);
    const double loss = 0.45 + 0.03 * x * x + (lr > 0.05 ? 0.25 * std::log10(lr / 0.05) : 0.0) + noise(rng);
    curve.learning_rates.push_back(lr);
    curve.losses.push_back(loss);
    curve.metrics["accuracy"].push_back(std::clamp(1.2 - loss, 0.0, 1.0));
  }
  curve.smoothed_losses = curve.losses;
  curve.suggestions = suggest_all(curve);
  return curve;
}

inline History training_history(double final_loss, std::size_t epochs = 30, bool validation = true) {
  History h;
  for (std::size_t e = 0; e < epochs; ++e) {
    Logs logs;
    const double t = static_cast<double>(e) / static_cast<double>(epochs);
    logs.set("loss", final_loss + 0.4 * std::exp(-4 * t));
    logs.set("accuracy", 0.95 - 0.25 * std::exp(-4 * t));
    if (validation) {
      logs.set("val_loss", final_loss + 0.1 + 0.35 * std::exp(-4 * t) + 0.1 * t);
      logs.set("val_accuracy", 0.85 - 0.2 * std::exp(-4 * t));
    }
    h.append(static_cast<int>(e), logs);
  }
  return h;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A fresh empty folder under the system temp folder, removed by the destructor.
struct TempFolder {
  std::filesystem::path path;
  explicit TempFolder(const std::string& name) {
    path = std::filesystem::temp_directory_path() / ("lrtune_test_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace lrtune::test
