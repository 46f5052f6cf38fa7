// The built-in example data set of `lrtune demo`: a few thousand rows of a made-up customer
// table generated deterministically in code (numeric columns, one categorical column, some
// missing values), so a new user needs no data of their own. Its target follows --task: churned
// (binary, the default), plan (multiclass, three levels) or monthly_fee (regression).
#pragma once

#include <string>

namespace lrtune::cli {

inline constexpr const char* kDemoTarget = "churned";
inline constexpr const char* kDemoPositive = "yes";
inline constexpr const char* kDemoMulticlassTarget = "plan";
inline constexpr const char* kDemoRegressionTarget = "monthly_fee";

// The data set as CSV text (header + 3,000 rows); the same bytes on every machine.
std::string demo_csv();

}  // namespace lrtune::cli
