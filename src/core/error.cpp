// Names of the error kinds (see lrtune/core/error.hpp).
#include "lrtune/core/error.hpp"

#include "lrtune/core/name_table.hpp"

namespace lrtune {

namespace {
constexpr NameTable<ErrorKind, 4> kErrorKinds{
    {{"usage", ErrorKind::usage}, {"data", ErrorKind::data}, {"io", ErrorKind::io}, {"numeric", ErrorKind::numeric}}};
}  // namespace

std::string_view error_kind_name(ErrorKind kind) { return name_of_value(kErrorKinds, kind, "error kind"); }

}  // namespace lrtune
