// Counts heap allocations in a window, to prove that a steady loop allocates nothing. Replaces the
// test binary's malloc (include from exactly one file per test program); left out under
// sanitizers, which own malloc (LRTUNE_COUNT_MALLOC is then undefined and the tests that use it
// are compiled out).
#pragma once

#include <cstddef>

#if !defined(__SANITIZE_ADDRESS__)
#define LRTUNE_COUNT_MALLOC 1
extern "C" void* __libc_malloc(std::size_t size);
namespace lrtune::testing {
inline long g_malloc_count = 0;
inline bool g_counting = false;

// The number of malloc calls made while running `body`.
template <typename Body>
long mallocs_during(Body&& body) {
  g_malloc_count = 0;
  g_counting = true;
  body();
  g_counting = false;
  return g_malloc_count;
}
}  // namespace lrtune::testing
extern "C" void* malloc(std::size_t size) {
  if (lrtune::testing::g_counting) ++lrtune::testing::g_malloc_count;
  return __libc_malloc(size);
}
#endif
