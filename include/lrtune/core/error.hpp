// The library's one error hierarchy (as PyTorch's c10::Error): a failure a caller can act on is
// an lrtune::Error of one kind, with a one-line message (what, where, what would be valid).
// Callers map the kind or the type, never the text: the CLI to exit codes and hints.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lrtune {

enum class ErrorKind {
  usage,    // an option, argument or flag value outside what is valid
  data,     // the data: a file's content, a column, a row, the target
  io,       // a file that cannot be read or written, or is not what it claims to be
  numeric,  // training diverged: a non-finite loss
};
std::string_view error_kind_name(ErrorKind kind);  // "usage", "data", "io", "numeric"

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::usage, message) {}
};

class NumericError : public Error {
 public:
  explicit NumericError(const std::string& message) : Error(ErrorKind::numeric, message) {}
};

}  // namespace lrtune
