// The one error hierarchy: every library error type is an lrtune::Error of its kind, and the data
// part's errors say their subject (the CLI's hints depend on it, not on the words).
#include <gtest/gtest.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/target.hpp"
#include "lrtune/io/error.hpp"
#include "lrtune/io/safetensors.hpp"

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

}  // namespace lrtune
