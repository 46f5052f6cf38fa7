// A raw table as real files come (a Titanic-like passenger list): a numeric id, a 0/1 target, a
// free-text name column, ticket codes (mostly distinct), a mostly-empty cabin column, categoricals
// and missing values in several columns. Deterministic (its own LCG), for data and CLI tests.
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace lrtune::testing {

struct RawTableCounts {
  int rows = 0;
  int age_missing = 0;       // numeric, about a fifth of the rows
  int embarked_missing = 0;  // categorical, a few rows
  int cabin_present = 0;     // mostly empty; distinct where present
};

// The CSV text (header first) of `rows` passengers; `counts` (when given) gets what it holds.
inline std::string raw_passenger_table(int rows = 300, RawTableCounts* counts = nullptr) {
  std::uint64_t state = 20261201;
  const auto next = [&state](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  static const char* kFirst[] = {"John", "Mary", "William", "Anna", "James", "Elizabeth", "Thomas", "Margaret"};
  static const char* kLast[] = {"Smith", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Johnson", "Roberts"};
  static const char* kPort[] = {"S", "C", "Q"};
  RawTableCounts c;
  c.rows = rows;
  std::string text = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Ticket,Fare,Cabin,Embarked\n";
  for (int i = 0; i < rows; ++i) {
    const int pclass = 1 + static_cast<int>(next(3));
    const bool female = next(2) == 0;
    const bool age_missing = next(5) == 0;
    const int age = 1 + static_cast<int>(next(70));
    const int sibsp = static_cast<int>(next(4));
    const double fare = 5.0 + static_cast<double>(next(2000)) / 10.0 + 30.0 * (3 - pclass);
    // Survival follows sex, class and age (with noise): something to learn.
    const double score =
        (female ? 1.5 : -1.0) + 0.6 * (2 - pclass) - 0.01 * age + static_cast<double>(next(100)) / 50.0 - 1.0;
    const bool has_cabin = next(5) == 0;
    const bool embarked_missing = next(60) == 0;
    // Quoted names with a comma inside, as in the real file: "Smith, Mr. John 17".
    const std::string name =
        fmt::format("\"{}, {} {} {}\"", kLast[next(8)], female ? "Mrs." : "Mr.", kFirst[next(8)], i);
    // Ticket codes: most distinct, a few shared by a family (every seventh repeats the previous).
    const std::string ticket = i % 7 == 6 ? fmt::format("PC {}", 17000 + i - 1) : fmt::format("PC {}", 17000 + i);
    text +=
        fmt::format("{},{},{},{},{},{},{},{},{:.2f},{},{}\n", i + 1, score > 0 ? 1 : 0, pclass, name,
                    female ? "female" : "male", age_missing ? std::string() : std::to_string(age), sibsp, ticket, fare,
                    has_cabin ? fmt::format("C{}", 100 + i) : std::string(), embarked_missing ? "" : kPort[next(3)]);
    c.age_missing += age_missing;
    c.embarked_missing += embarked_missing;
    c.cabin_present += has_cabin;
  }
  if (counts != nullptr) *counts = c;
  return text;
}

// The 300-passenger table read as the library reads a file named raw.csv.
inline Table raw_passengers() { return parse_csv(raw_passenger_table(300), {}, "raw.csv"); }

// Prepare options for the passenger table: the target Survived, 1 the positive class.
inline PrepareOptions survived_options() {
  PrepareOptions o;
  o.target = "Survived";
  o.target_rule = TargetRule::parse("==1");
  return o;
}

}  // namespace lrtune::testing
