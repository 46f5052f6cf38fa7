// The exception type of the data part (an lrtune::Error of kind data): a message of one line a
// user can act on, naming the file, line and column (or the column name / option) and what was
// expected. Its subject says what the data failed on, so that a caller can add its own hint by
// type (the CLI names --positive or --test-size) instead of by the message's words.
#pragma once

#include <string>

#include "lrtune/core/error.hpp"

namespace lrtune {

enum class DataErrorSubject {
  general,
  target,  // the target rule does not give a usable target (one class, no positive class, ...)
  split,   // the train/test split leaves a part empty (test_size for the rows there are)
};

class DataError : public Error {
 public:
  explicit DataError(const std::string& message, DataErrorSubject subject = DataErrorSubject::general)
      : Error(ErrorKind::data, message), subject_(subject) {}
  DataErrorSubject subject() const noexcept { return subject_; }

 private:
  DataErrorSubject subject_;
};

}  // namespace lrtune
