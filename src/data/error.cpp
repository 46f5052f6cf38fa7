// The data error's message for a split that leaves a part empty.
#include "lrtune/data/error.hpp"

#include <fmt/format.h>

namespace lrtune {

DataError::DataError(const SplitShortfall& s)
    : Error(ErrorKind::data,
            fmt::format("{}: split (test_size {}): a split of {} rows with test_size {} leaves {} train and {} test "
                        "rows; both need at least one",
                        s.source, s.test_size, s.rows, s.test_size, s.train, s.test)),
      subject_(DataErrorSubject::split),
      shortfall_(s) {}

}  // namespace lrtune
