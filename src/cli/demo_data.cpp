// Demo data: churn of subscribers of a made-up service. The label is drawn from a logistic
// model with an interaction and a plan effect, so a network has something to learn beyond a
// linear rule. Every number comes from one std::mt19937 with a fixed seed and integer-based
// draws, so the file is identical everywhere.
#include "demo_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include <fmt/format.h>

namespace lrtune::cli {
namespace {

// Uniform in [0, 1) from 32 bits (portable, unlike std::uniform_real_distribution).
double uniform(std::mt19937& rng) { return static_cast<double>(rng()) / 4294967296.0; }

// Standard normal by Box-Muller on the portable uniforms.
double normal(std::mt19937& rng) {
  const double u1 = 1.0 - uniform(rng), u2 = uniform(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

std::string demo_csv() {
  constexpr int kRows = 3000;
  std::mt19937 rng(20240601u);
  std::string csv = "age,tenure_months,monthly_fee,support_calls,usage_hours,satisfaction,plan,churned\n";
  const char* plans[] = {"basic", "standard", "premium"};
  for (int i = 0; i < kRows; ++i) {
    const double age = std::round(std::clamp(40.0 + 12.0 * normal(rng), 18.0, 85.0));
    const double tenure = std::floor(60.0 * uniform(rng) * uniform(rng) + 1.0);
    const int plan = static_cast<int>(rng() % 3);
    const double fee = std::round((20.0 + 15.0 * plan + 5.0 * normal(rng)) * 100.0) / 100.0;
    const double calls = std::floor(-std::log(1.0 - uniform(rng)) * 2.0);
    const double usage = std::round(std::max(0.0, 30.0 + 15.0 * normal(rng) - 2.0 * calls) * 10.0) / 10.0;
    const double satisfaction = std::round(std::clamp(3.0 + normal(rng) - 0.3 * calls, 1.0, 5.0) * 10.0) / 10.0;
    const double z = -0.8 + 0.45 * calls - 0.05 * tenure + 0.03 * (fee - 35.0) - 0.9 * (satisfaction - 3.0) -
                     0.04 * (usage - 30.0) + 0.6 * (plan == 0 ? 1.0 : 0.0) +
                     0.15 * (calls - 2.0) * (satisfaction < 2.5 ? 1.0 : -0.3) + 0.02 * std::abs(age - 40.0);
    const bool churned = uniform(rng) < 1.0 / (1.0 + std::exp(-z));
    // About 2 % of the usage, satisfaction and plan cells are missing.
    const bool miss_usage = rng() % 50 == 0, miss_satisfaction = rng() % 50 == 0, miss_plan = rng() % 60 == 0;
    csv += fmt::format("{},{},{:.2f},{},{},{},{},{}\n", age, tenure, fee, calls,
                       miss_usage ? std::string() : fmt::format("{:.1f}", usage),
                       miss_satisfaction ? std::string() : fmt::format("{:.1f}", satisfaction),
                       miss_plan ? "" : plans[plan], churned ? "yes" : "no");
  }
  return csv;
}

}  // namespace lrtune::cli
