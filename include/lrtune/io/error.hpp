// The exception io and report throw for a file that cannot be written or read, or whose
// content is not what was expected. Messages are one line: the path, what is wrong, what was expected.
// Catching and printing them is the CLI's job.
#pragma once

#include <stdexcept>
#include <string>

namespace lrtune {

// Any file error of io (write, rename, read, size).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model file that is not a valid lrtune model (truncated, tampered, foreign, wrong version).
class ModelFileError : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace lrtune
