// The lrtune command: CLI11 subcommands over the library. Parses flags into Settings, runs
// one command, and turns every error into one line "lrtune: error: ..." and an exit code
// (exit_codes.hpp). What each command does lives in command_*.cpp.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "demo_data.hpp"
#include "exit_codes.hpp"
#include "flags.hpp"
#include "lrtune/data/error.hpp"
#include "signals.hpp"

using namespace lrtune::cli;

namespace {

// demo: run on the built-in data with run's defaults (100-epoch range test, the learning-rate
// search, two 100-epoch trainings; ~0.016 s per epoch on 2,260 rows), except a smaller search
// (6 candidates, at most 50 epochs each) so it adds only a second or two.
Settings demo_defaults() {
  Settings s;
  s.target = kDemoTarget;
  s.positive = kDemoPositive;
  s.candidates = 6;
  s.max_epochs = 50;
  return s;
}

int error(const std::string& message, int code) {
  fmt::print(stderr, "lrtune: error: {}\n", message);
  return code;
}

// Ctrl-C that ended a wait on a FIFO or pipe surfaces as the reader's error: an interruption.
int interrupted_exit() {
  fmt::print(stderr, "lrtune: interrupted\n");
  return kExitInterrupted;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lrtune: find a good learning rate with a range test, train with it, show the evidence.\n"
               "Try 'lrtune demo' first; 'lrtune <command> --help' lists a command's flags."};
  app.set_version_flag("--version", std::string("lrtune ") + LRTUNE_VERSION);
  app.require_subcommand(0, 1);

  Flags flags;
  std::string data_path, model_path, predict_out;
  auto* find = app.add_subcommand("find", "Run the learning-rate range test and print the suggestions");
  auto* train = app.add_subcommand("train", "Train at --lr (a number, or auto: the range test's suggestion) and save the model");
  auto* tune = app.add_subcommand("tune", "Search learning rates (range test, then successive halving on validation loss) and save the pick's model");
  auto* run = app.add_subcommand("run", "The whole recipe: range test, default vs tuned training, comparison, report");
  auto* demo = app.add_subcommand("demo", "'run' on a built-in example data set (no data of your own needed)");
  auto* config = app.add_subcommand("config", "Print the effective settings (defaults < --config file < flags) as TOML");
  auto* evaluate = app.add_subcommand("evaluate", "Score a saved model on a CSV that has the target column");
  auto* predict = app.add_subcommand("predict", "Write probabilities and classes of a saved model for the rows of a CSV");
  for (auto* command : {find, train, tune, run}) command->add_option("DATA", data_path, "CSV file")->required()->check(CLI::ExistingFile);
  for (auto* command : {find, train, tune, run, demo, config}) flags.add_to(*command);
  for (auto* command : {evaluate, predict}) {
    command->add_option("MODEL", model_path, "Model file written by train or run (model.safetensors)")->required()->check(CLI::ExistingFile);
    command->add_option("DATA", data_path, "CSV file with the model's feature columns")->required()->check(CLI::ExistingFile);
    flags.add_output_flags_to(*command, false);
  }
  predict->add_option("-o,--output", predict_out, "CSV file to write (default: stdout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return error(std::string(e.what()) + " (see 'lrtune --help')", kExitUsage);
  }
  if (app.get_subcommands().empty()) {
    fmt::print("{}", app.help());
    return kExitOk;
  }
  CLI::App* command = app.get_subcommands().front();
  const std::string name = command->get_name();

  std::optional<OutputDir> out;
  install_interrupt_handler();  // before anything is read: --config or DATA may be a FIFO that waits
  try {
    const Settings settings = flags.effective(name == "demo" ? demo_defaults() : Settings{});
    validate(settings, name == "demo" ? "run" : name);
    if (name == "config") {
      fmt::print("{}", to_toml(settings));
      return kExitOk;
    }
    out.emplace(settings.out, name);
    std::string command_line = "lrtune";
    for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
    CommandContext context{name, command_line, settings, Console{settings.quiet, settings.json}, *out};
    int code = kExitOk;
    if (name == "find") code = command_find(context, data_path);
    else if (name == "train") code = command_train(context, data_path);
    else if (name == "tune") code = command_tune(context, data_path);
    else if (name == "run") code = command_run(context, data_path);
    else if (name == "demo") code = command_run(context, "demo_data.csv", demo_csv());
    else if (name == "evaluate") code = command_evaluate(context, model_path, data_path);
    else if (name == "predict") code = command_predict(context, model_path, data_path, predict_out);
    if (code == kExitInterrupted) fmt::print(stderr, "lrtune: interrupted\n");
    return code;
  } catch (const UsageError& e) {
    if (out) out->discard();
    if (interrupted()) return interrupted_exit();
    return error(e.what(), kExitUsage);
  } catch (const TrainingDiverged& e) {  // the history written so far is the evidence: kept
    return error(e.what(), kExitDiverged);
  } catch (const std::exception& e) {
    if (out) out->discard();
    if (interrupted()) return interrupted_exit();
    return error(e.what(), kExitError);
  }
}
