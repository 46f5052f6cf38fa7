// toml++ as lrtune includes it; every file of ours that uses toml++ includes this one instead,
// so all agree on the settings below. toml++ 3.3 checks its parser's internal preconditions
// with assert() (debug) or __builtin_assume (release, NDEBUG), and malformed input can break
// them ("[`a]", "[[[1]]]": marzer/tomlplusplus#294, #301): an abort or undefined behaviour.
// Here a broken check throws TomlInternalError in every build type; callers report the file
// as malformed. Two more toml++ problems need a check before parsing: toml_scan.hpp.
#pragma once

#include <stdexcept>
#include <string>

#include "toml_scan.hpp"

namespace lrtune::cli {

class TomlInternalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void toml_check_failed(const char* check) {
  throw TomlInternalError(std::string("the TOML parser's check '") + check + "' failed");
}

}  // namespace lrtune::cli

#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::lrtune::cli::toml_check_failed(#expr))
// GCC 12 reports a false -Warray-bounds inside toml++'s table code at -O3.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <toml++/toml.h>
#pragma GCC diagnostic pop
#pragma pop_macro("NDEBUG")
#include <cassert>  // assert() as NDEBUG says again
