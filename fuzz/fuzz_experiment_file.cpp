// Fuzz target: the experiment-file (TOML) loader of the command line (apply_toml_text, then
// validate) on arbitrary text. UsageError is the expected answer (toml++'s parse errors become
// one). Settings that load must print (to_toml) as a file that loads to the same settings.
#include "../src/cli/settings.hpp"
#include "fuzz_targets.hpp"

namespace lrtune::fuzz {

int fuzz_experiment_file(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cli::Settings settings;
  try {
    cli::apply_toml_text(settings, text, "<fuzz>");
  } catch (const UsageError&) {
    return 0;
  }
  const std::string printed = cli::to_toml(settings);
  cli::Settings again;
  try {
    cli::apply_toml_text(again, printed, "<fuzz printed>");
  } catch (const UsageError& e) {
    throw FuzzFinding(std::string("printed settings do not load: ") + e.what() + "\n" + printed);
  }
  expect(cli::to_toml(again) == printed, "printed settings load as different settings:\n" + printed);
  try {
    cli::validate(settings, "run");
  } catch (const UsageError&) {}
  return 0;
}

}  // namespace lrtune::fuzz

#ifdef LRTUNE_LIBFUZZER
LRTUNE_FUZZ_ENTRY(lrtune::fuzz::fuzz_experiment_file)
#endif
