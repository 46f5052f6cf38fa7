// The exception type of the data part (an lrtune::Error of kind data): a message of one line a
// user can act on, naming the file, line and column (or the column name / option) and what was
// expected. Its subject says what the data failed on, so that a caller can add its own hint by
// type (the CLI names --positive or --test-size) instead of by the message's words.
#pragma once

#include <optional>
#include <string>

#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"

namespace lrtune {

enum class DataErrorSubject {
  general,
  target,  // the target rule does not give a usable target (one class, no positive class, ...)
  split,   // the train/test split leaves a part empty (test_size for the rows there are)
};

// The numbers of a train/test split that leaves a part empty, so that a caller can say it in its
// own words (the CLI names --test-size) without reading the message.
struct SplitShortfall {
  std::string source;  // the file
  Index rows = 0;      // rows to split
  double test_size = 0.0;
  Index train = 0, test = 0;  // what the split would leave
};

class DataError : public Error {
 public:
  explicit DataError(const std::string& message, DataErrorSubject subject = DataErrorSubject::general)
      : Error(ErrorKind::data, message), subject_(subject) {}
  // Subject split: "<source>: split (test_size t): a split of n rows with test_size t leaves a train
  // and b test rows; both need at least one".
  explicit DataError(const SplitShortfall& shortfall);
  DataErrorSubject subject() const noexcept { return subject_; }
  const std::optional<SplitShortfall>& split_shortfall() const noexcept { return shortfall_; }

 private:
  DataErrorSubject subject_;
  std::optional<SplitShortfall> shortfall_;
};

}  // namespace lrtune
