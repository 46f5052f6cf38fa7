// The lrtune command: a thin layer over the library. Commands arrive with the CLI issue;
// for now it answers --help and --version.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

int main(int argc, char** argv) {
  CLI::App app{"lrtune: find a good learning rate with a range test, train with it, show the evidence"};
  app.set_version_flag("--version", std::string("lrtune ") + LRTUNE_VERSION);
  CLI11_PARSE(app, argc, argv);
  if (argc == 1) fmt::print("{}", app.help());
  return 0;
}
