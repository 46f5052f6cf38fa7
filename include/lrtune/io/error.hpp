// The exception io and report throw (an lrtune::Error of kind io) for a file that cannot be
// written or read, or whose content is not what was expected. Messages are one line: the path,
// what is wrong, what was expected. Catching and printing them is the CLI's job.
#pragma once

#include <string>

#include "lrtune/core/error.hpp"

namespace lrtune {

// Any file error of io (write, rename, read, size).
class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ErrorKind::io, message) {}
};

// A model file that is not a valid lrtune model (truncated, tampered, foreign, wrong version).
class ModelFileError : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace lrtune
