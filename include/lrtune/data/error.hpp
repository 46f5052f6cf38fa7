// The one exception type of the data part: a message of one line a user can act on,
// naming the file, line and column (or the column name / option) and what was expected.
// Turning it into an exit code is the CLI's business.
#pragma once

#include <stdexcept>
#include <string>

namespace lrtune {

class DataError : public std::runtime_error {
 public:
  explicit DataError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace lrtune
