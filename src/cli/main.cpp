// The lrtune command: CLI11 subcommands over the library. Parses flags into Settings, runs
// one command, and turns every error into one line "lrtune: error: ..." and an exit code
// (exit_codes.hpp). What each command does lives in command_*.cpp.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <csignal>
#include <functional>
#include <optional>

#include "commands.hpp"
#include "demo_data.hpp"
#include "exit_codes.hpp"
#include "flag_scope.hpp"
#include "flags.hpp"
#include "lrtune/data/error.hpp"
#include "ranks.hpp"
#include "signals.hpp"
#include "unknown_flags.hpp"

using namespace lrtune::cli;
using lrtune::ErrorKind;
using lrtune::UsageError;

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

// demo --task multiclass|regression: the demo table's column for that task, unless --target chose one.
void demo_target_for_task(Settings& s) {
  if (s.target != kDemoTarget || s.task.empty() || s.task == "binary") return;
  s.target = s.task == "multiclass" ? kDemoMulticlassTarget : kDemoRegressionTarget;
  if (s.positive == kDemoPositive) s.positive.clear();
}

// The commands whose results are an output folder (evaluate and predict write none).
bool writes_folder(const std::string& command) {
  return command == "find" || command == "train" || command == "tune" || command == "run" || command == "demo";
}

// predict -o must not replace the model or the data it reads (compared by device and inode, so
// another spelling of the same path or a hard link is caught too).
void refuse_output_over_inputs(const std::string& output, const std::vector<std::string>& inputs) {
  struct stat written {};
  if (output.empty() || ::stat(output.c_str(), &written) != 0) return;
  for (const std::string& input : inputs) {
    struct stat read {};
    if (::stat(input.c_str(), &read) == 0 && read.st_dev == written.st_dev && read.st_ino == written.st_ino) {
      throw UsageError(
          fmt::format("-o {}: is the same file as the input {}; write the predictions to another file", output, input));
    }
  }
}

// Under mpirun, before the ranks have met, the failing rank tells the others at the meeting and
// rank 0 prints the first failure's line (ranks that fail alike print one line, not one each);
// after it, the failing rank says it (the others may not know) and ends every rank.
int error(const std::string& message, int code) {
  if (!ranks_met()) return report_rank_failure(meet_ranks_failed(code, one_line(message)));
  fmt::print(error_stream(), "lrtune: error: {}\n", one_line(message));
  return end_ranks_on_error(code);
}

// The exit code of a library error, by its kind (never its text or C++ type): a flag, option or
// argument outside what is valid is a usage error; a non-finite loss is a diverged training.
int exit_code(const lrtune::Error& e) {
  switch (e.kind()) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::numeric: return kExitDiverged;
    case ErrorKind::data:
    case ErrorKind::io: return kExitError;
  }
  return kExitError;
}

// The agreed error as the one line rank 0 prints, with the exit code of its kind.
RankFailure agreed_failure(const AgreedFailure& agreed) {
  try {
    std::rethrow_exception(agreed.error());
  } catch (const lrtune::Error& e) {
    return {0, exit_code(e), one_line(e.what())};
  } catch (const std::exception& e) {
    return {0, kExitError, one_line(e.what())};
  }
}

// A run stopped by Ctrl-C, SIGTERM or SIGHUP: one line, exit 128 + the signal. Also where a
// signal that ended a wait on a FIFO or pipe surfaces as the reader's error.
int interrupted_exit() {
  if (interrupting_signal() == SIGTERM || interrupting_signal() == SIGHUP) {
    fmt::print(stderr, "lrtune: interrupted by {}\n", interrupting_signal_name());
  } else {
    fmt::print(stderr, "lrtune: interrupted\n");
  }
  return interrupted_exit_code();
}

// A training that diverged (a numeric error, e.g. TrainingDiverged): the history written so far
// is the evidence, so the output folder is kept, marked diverged.
int diverged_exit(const std::string& message, std::optional<OutputDir>& out, const std::string& command_line) {
  try {
    if (out) out->commit(RunStatus::diverged, command_line, kExitDiverged, message);
  } catch (const std::exception& failure) {
    out->discard();
    return error(failure.what(), kExitError);
  }
  return error(message, kExitDiverged);
}

// What the positional arguments and predict's -o name; flags go to Flags.
struct Arguments {
  std::string data_path, model_path, predict_out;
};

// The subcommands, their positional arguments and flags, in the order --help lists them.
void add_commands(CLI::App& app, Flags& flags, Arguments& args) {
  auto* find = app.add_subcommand("find", "Run the learning-rate range test and print the suggestions");
  auto* train =
      app.add_subcommand("train", "Train at --lr (a number, or auto: the range test's suggestion) and save the model");
  auto* tune = app.add_subcommand(
      "tune",
      "Search learning rates (range test, then successive halving on validation loss) and save the pick's model");
  auto* run = app.add_subcommand("run", "The whole recipe: range test, default vs tuned training, comparison, report");
  auto* demo = app.add_subcommand("demo", "'run' on a built-in example data set (no data of your own needed)");
  auto* config =
      app.add_subcommand("config", "Print the effective settings (defaults < --config file < flags) as TOML");
  auto* evaluate = app.add_subcommand("evaluate", "Score a saved model on a CSV that has the target column");
  auto* predict =
      app.add_subcommand("predict", "Write probabilities and classes of a saved model for the rows of a CSV");
  for (auto* command : {find, train, tune, run})
    command->add_option("DATA", args.data_path, "CSV file")->required()->check(CLI::ExistingFile);
  for (auto* command : {find, train, tune, run, demo, config}) flags.add_to(*command);
  for (auto* command : {evaluate, predict}) {
    command->add_option("MODEL", args.model_path, "Model file written by train or run (model.safetensors)")
        ->required()
        ->check(CLI::ExistingFile);
    command->add_option("DATA", args.data_path, "CSV file with the model's feature columns")
        ->required()
        ->check(CLI::ExistingFile);
    flags.add_output_flags_to(*command, false);
  }
  predict->add_option("-o,--output", args.predict_out, "CSV file to write (default: stdout)");
}

int dispatch(const std::string& name, CommandContext& context, const Arguments& args) {
  if (name == "find") return command_find(context, args.data_path);
  if (name == "train") return command_train(context, args.data_path);
  if (name == "tune") return command_tune(context, args.data_path);
  if (name == "run") return command_run(context, args.data_path);
  if (name == "demo") return command_run(context, "demo_data.csv", demo_csv());
  if (name == "evaluate") return command_evaluate(context, args.model_path, args.data_path);
  if (name == "predict") return command_predict(context, args.model_path, args.data_path, args.predict_out);
  return kExitOk;
}

// Each command takes only the flags it reads: one UsageError naming the first typed flag it
// never takes (else the first it does not take with these settings) and the others refused.
// `never` and `here` say why one flag is refused, or nullopt.
using Refusal = std::function<std::optional<std::string>(const std::string& flag)>;
void refuse_flags(const std::vector<std::string>& typed, const Refusal& never, const Refusal& here) {
  std::optional<std::string> first, first_here;
  std::vector<std::string> refused;
  for (const std::string& flag : typed) {
    if (auto reason = never(flag)) {
      if (!first) first = std::move(reason);
      refused.push_back(flag);
    } else if (auto why = here(flag)) {
      if (!first_here) first_here = std::move(why);
      refused.push_back(flag);
    }
  }
  if (!first) first = std::move(first_here);
  if (!first) return;
  if (refused.size() > 1) {
    std::vector<std::string> more;
    for (const std::string& flag : refused)
      if (first->rfind(flag + " ", 0) != 0) more.push_back(flag);
    *first += fmt::format(" (also not taken here: {})", fmt::join(more, ", "));
  }
  throw UsageError(*first);
}

// Settings, the output folder claimed, the command run and its folder committed with how it
// ended. Throws what the command throws; `out` is set once the folder is claimed, for main's
// handlers to keep or discard.
int execute(const std::string& name, const Flags& flags, const Arguments& args, const std::string& command_line,
            std::optional<OutputDir>& out) {
  const Refusal never = [&](const std::string& flag) { return static_refusal(name, flag); };
  const Refusal none = [](const std::string&) { return std::optional<std::string>(); };
  Settings settings;
  try {
    settings = flags.effective(name == "demo" ? demo_defaults() : Settings{});
    apply_command_defaults(settings, name, [&](std::string_view flag) { return flags.given(flag, settings); });
  } catch (const UsageError&) {  // a flag this command never takes is the first thing to say
    refuse_flags(flags.typed(), never, none);
    throw;
  }
  refuse_flags(flags.typed(), never,
               [&](const std::string& flag) { return refusal_for_settings(name, flag, settings); });
  if (name == "demo") demo_target_for_task(settings);
  validate(settings, name == "demo" ? "run" : name);
  if (name == "config") {
    fmt::print("{}", to_toml(settings));
    return kExitOk;
  }
  if (name == "predict") refuse_output_over_inputs(args.predict_out, {args.model_path, args.data_path});
  // Under mpirun only rank 0 writes --out; the others build their copy in a private scratch folder
  // that is removed afterwards (their files would be rank 0's, bit for bit).
  const bool scratch = writes_folder(name) && !writes_results();
  out.emplace(scratch ? scratch_out().string() : settings.out, name);
  if (writes_folder(name)) out->claim(settings.overwrite || scratch, {args.data_path, settings.config_file});
  CommandContext context{name, command_line, settings, Console{settings.quiet, settings.json}, *out};
  int code = dispatch(name, context, args);
  // A command without collectives meets the other ranks here, before its folder is committed: one
  // of them may have failed and be waiting to say so.
  if (const auto failure = meet_ranks_done()) {
    out->discard();
    return report_rank_failure(*failure);
  }
  const bool stopped_early = code == kExitInterrupted;
  if (stopped_early) code = interrupted_exit_code();
  if (scratch) {
    out->discard();
    remove_scratch();
  } else if (writes_folder(name)) {
    const RunStatus status = stopped_early     ? RunStatus::interrupted
                             : code == kExitOk ? RunStatus::complete
                                               : RunStatus::incomplete;
    out->commit(status, command_line, code,
                stopped_early ? fmt::format("interrupted by {}", interrupting_signal_name()) : "");
  }
  return stopped_early ? interrupted_exit() : code;
}

}  // namespace

// The command line parsed and the command run, with every error turned into its line and code.
int run_command(int argc, char** argv) {
  CLI::App app{
      "lrtune: find a good learning rate with a range test, train with it, show the evidence.\n"
      "Try 'lrtune demo' first; 'lrtune <command> --help' lists a command's flags."};
  app.set_version_flag("--version", std::string("lrtune ") + LRTUNE_VERSION);
  app.require_subcommand(0, 1);
  Flags flags;
  Arguments args;
  add_commands(app, flags, args);

  install_interrupt_handler();  // before any read: a FIFO may block, and Ctrl-C must still work
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    // An unknown flag or a stray value also surfaces as another error (a DATA "required" after
    // an unknown flag took its place): say what is wrong on the line first.
    const std::string ours = unexpected_arguments_message(app, std::vector<std::string>(argv + 1, argv + argc));
    if (!ours.empty()) return error(ours, kExitUsage);
    return error(std::string(e.what()) + " (see 'lrtune --help')", kExitUsage);
  }
  if (app.get_subcommands().empty()) {
    fmt::print("{}", app.help());
    return kExitOk;
  }
  const std::string name = app.get_subcommands().front()->get_name();

  std::optional<OutputDir> out;
  std::string command_line = "lrtune";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  try {
    return execute(name, flags, args, command_line, out);
  } catch (const OtherRankFailed& e) {  // this rank got to the first collective; another did not
    if (out) out->discard();
    return report_rank_failure(e.failure());
  } catch (const AgreedFailure& agreed) {  // every rank threw this error: rank 0 says it, once
    if (out) out->discard();
    // A sharded read that Ctrl-C ended surfaces as the reader's error on every rank: say interrupted.
    if (interrupted()) {
      remove_scratch();
      return writes_results() ? interrupted_exit() : interrupted_exit_code();
    }
    return report_rank_failure(agreed_failure(agreed));
  } catch (const lrtune::Error& e) {
    if (e.kind() == ErrorKind::numeric) return diverged_exit(e.what(), out, command_line);
    if (out) out->discard();
    if (interrupted()) return interrupted_exit();
    return error(e.what(), exit_code(e));
  } catch (const std::bad_alloc&) {  // the size checks' estimate fell short: one line, no bare "std::bad_alloc"
    if (out) out->discard();
    return error(
        fmt::format("out of memory while running {}; lower the settings that size it (--candidates, --repeats, "
                    "--layers, --batch-size) or free memory",
                    name),
        kExitError);
  } catch (const std::exception& e) {
    if (out) out->discard();
    if (interrupted()) return interrupted_exit();
    return error(e.what(), kExitError);
  }
}

int main(int argc, char** argv) {
  start_ranks(argc, argv);  // first: MPI_Init may take its own arguments out of argv
  const int code = run_command(argc, argv);
  // What ended before execute()'s meeting (config, --help) still meets the other ranks.
  if (const auto failure = meet_ranks_done()) return report_rank_failure(*failure);
  return code;
}
