// Fuzz target: the model-file reader (decode_model: safetensors container, metadata, architecture,
// tensors, preprocessing) on arbitrary bytes. ModelFileError is the one expected answer (the
// reader's contract); anything else is a finding. A file that loads must encode again, and that
// encoding must load and encode to the same bytes.
#include <optional>

#include "fuzz_targets.hpp"
#include "lrtune/io/model_file.hpp"

namespace lrtune::fuzz {

int fuzz_model_file(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<SavedModel> saved;  // Sequential has no empty state
  try {
    saved.emplace(decode_model(bytes, "<fuzz>"));
  } catch (const ModelFileError&) {
    return 0;
  }
  const std::string once = encode_model(saved->model, saved->loss, saved->preprocessing, saved->settings);
  std::optional<SavedModel> again;
  try {
    again.emplace(decode_model(once, "<fuzz re-encoded>"));
  } catch (const ModelFileError& e) {
    throw FuzzFinding(std::string("a loaded model does not load once saved again: ") + e.what());
  }
  expect(encode_model(again->model, again->loss, again->preprocessing, again->settings) == once,
         "saving a loaded model twice gives different bytes");
  return 0;
}

}  // namespace lrtune::fuzz

#ifdef LRTUNE_LIBFUZZER
LRTUNE_FUZZ_ENTRY(lrtune::fuzz::fuzz_model_file)
#endif
