// The one error hierarchy: every library error type is an lrtune::Error of its kind, the data
// part's errors say their subject (the CLI's hints depend on it, not on the words), and the
// library's checks of what a caller passed throw UsageError (issue 13: not std::invalid_argument).
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/finder/range_schedule.hpp"
#include "lrtune/io/error.hpp"
#include "lrtune/io/safetensors.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/optim/factory.hpp"
#include "lrtune/report/gnuplot.hpp"
#include "lrtune/train/fit.hpp"

namespace lrtune {

namespace {
template <typename E>
ErrorKind kind_caught_as_error(const E& thrown) {
  try {
    throw thrown;
  } catch (const Error& e) {
    return e.kind();
  }
}
}  // namespace

TEST(Error, EveryTypeIsAnErrorOfItsKind) {
  EXPECT_EQ(kind_caught_as_error(UsageError("u")), ErrorKind::usage);
  EXPECT_EQ(kind_caught_as_error(DataError("d")), ErrorKind::data);
  EXPECT_EQ(kind_caught_as_error(IoError("i")), ErrorKind::io);
  EXPECT_EQ(kind_caught_as_error(ModelFileError("m")), ErrorKind::io);
  EXPECT_EQ(kind_caught_as_error(NumericError("n")), ErrorKind::numeric);
  EXPECT_EQ(kind_caught_as_error(GnuplotError("g")), ErrorKind::io);
  EXPECT_EQ(kind_caught_as_error(GnuplotNotFound()), ErrorKind::io);
  EXPECT_STREQ(DataError("one line").what(), "one line");
}

TEST(Error, KindsHaveNames) {
  EXPECT_EQ(error_kind_name(ErrorKind::usage), "usage");
  EXPECT_EQ(error_kind_name(ErrorKind::data), "data");
  EXPECT_EQ(error_kind_name(ErrorKind::io), "io");
  EXPECT_EQ(error_kind_name(ErrorKind::numeric), "numeric");
}

TEST(Error, ASingleClassTargetIsADataErrorAboutTheTarget) {
  Column column;
  column.name = "y";
  column.type = ColumnType::numeric;
  column.numbers = {1.0, 2.0, 3.0};
  try {
    (void)make_target(column, TargetRule::parse(">=6"));
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.subject(), DataErrorSubject::target);
  }
  EXPECT_EQ(DataError("x").subject(), DataErrorSubject::general);
}

// Representative calls with a bad option or name: each is a UsageError of kind usage, and one
// catch of lrtune::Error takes them all (what the CLI's exit-code mapping relies on).
TEST(Error, BadOptionsAndNamesAreUsageErrors) {
  Sequential model(2, {Dense(1, "sigmoid")}, 0);
  const auto optimizer = make_optimizer("sgd");
  const Matrix X = Matrix::Zero(4, 2);
  const Vector y = Vector::Zero(4);
  FitOptions zero_epochs;
  zero_epochs.epochs = 0;
  RangeSchedule backwards;
  backwards.start = 1.0;
  backwards.end = 1e-3;
  backwards.num_points = 0;
  const std::vector<std::function<void()>> calls = {
      [&] { (void)fit(model, *optimizer, Loss::binary_crossentropy, X, y, zero_epochs); },
      [&] { backwards.validate(); },
      [] { (void)make_optimizer("adamax"); },
      [] { (void)loss_from_name("hinge"); },
  };
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_THROW(calls[i](), UsageError) << "call " << i;
    try {
      calls[i]();
      ADD_FAILURE() << "call " << i << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << "call " << i << ": " << e.what();
    }
  }
}

}  // namespace lrtune
