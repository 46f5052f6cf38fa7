// The fuzz targets' bodies, one per parser: each takes arbitrary bytes, feeds them to the real
// parser, swallows the errors the parser documents and checks a few properties of what it
// returns. A crash, a sanitizer report or any other exception (FuzzFinding among them) is a
// finding. libFuzzer drives them (fuzz/CMakeLists.txt); the test suite replays the corpora.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace lrtune::fuzz {

// A broken property; never caught by the bodies.
class FuzzFinding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

inline void expect(bool ok, const std::string& what) {
  if (!ok) throw FuzzFinding(what);
}

int fuzz_csv_reader(const std::uint8_t* data, std::size_t size);
int fuzz_preprocessing(const std::uint8_t* data, std::size_t size);
int fuzz_model_file(const std::uint8_t* data, std::size_t size);
int fuzz_experiment_file(const std::uint8_t* data, std::size_t size);
int fuzz_model_metadata(const std::uint8_t* data, std::size_t size);

// fuzz_model_metadata's input decoded: the edited metadata, one "key: value" line per entry (for
// reading a reproducer, and for tests that a seed edits what its name says).
std::string model_metadata_after_edits(const std::uint8_t* data, std::size_t size);

}  // namespace lrtune::fuzz

// libFuzzer's entry point, forwarding to one body (each target's file defines it once).
#define LRTUNE_FUZZ_ENTRY(body) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { return body(data, size); }
