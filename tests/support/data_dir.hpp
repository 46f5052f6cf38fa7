// Where tests find the shared data sets (../shared/data) and the repo's own resources.
// LRTUNE_DATA_DIR overrides the default; a missing file fails the test, naming the path.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace lrtune::testing {

inline std::filesystem::path data_dir() {
  if (const char* env = std::getenv("LRTUNE_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return LRTUNE_DEFAULT_DATA_DIR;
}

// Full path of a shared data file; records a test failure naming the path when it is absent.
inline std::filesystem::path data_file(const std::string& relative) {
  const std::filesystem::path path = data_dir() / relative;
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << "shared data file missing: " << path.string()
                  << " (set LRTUNE_DATA_DIR to the folder holding winequalityN.csv)";
  }
  return path;
}

// Files committed under tests/resources (golden values made by tools/*.py).
inline std::filesystem::path resource_file(const std::string& relative) {
  const std::filesystem::path path = std::filesystem::path(LRTUNE_TEST_RESOURCES_DIR) / relative;
  if (!std::filesystem::exists(path)) ADD_FAILURE() << "test resource missing: " << path.string();
  return path;
}

}  // namespace lrtune::testing
