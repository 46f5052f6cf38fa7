// The table of flags that only some commands read, with the reason for each other command, and
// the rules for flags whose effect depends on another flag's value. Decided from what
// command_*.cpp and workflow.cpp pass to the library: see docs/cli.md, "Which command takes which flag".
#include "flag_scope.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

namespace lrtune::cli {
namespace {

// Every command that has flags; demo is run on the built-in data.
constexpr std::array<std::string_view, 7> kCommands = {"find", "train", "tune", "run", "demo", "evaluate", "predict"};

struct Reason {
  std::string_view command;
  std::string_view why;  // the second half of "--flag is a X flag; <why>"
};

struct Scope {
  std::vector<std::string_view> flags;
  std::vector<std::string_view> readers;
  std::vector<Reason> reasons;  // for each other command that has the flag
};

const std::vector<Scope>& scopes() {
  static const std::vector<Scope> kScopes = {
      {{"--lr"},
       {"train"},
       {{"find", "find suggests a rate and trains no model at one"},
        {"tune", "tune searches the rate (--lr-range LOW HIGH sets its interval)"},
        {"run", "run trains the optimizer's default rate and the tuned one"},
        {"demo", "demo trains the optimizer's default rate and the tuned one"}}},
      {{"--epochs"},
       {"train", "run", "demo"},
       {{"find", "find's range test runs --finder-points epochs or mini-batches"},
        {"tune", "tune's candidates train up to --max-epochs"}}},
      {{"--early-stopping", "--monitor", "--restore-best-weights"},
       {"train", "run", "demo"},
       {{"find", "find trains no model to stop early"},
        {"tune",
         "tune always stops each candidate on its validation loss and keeps its best epoch (--patience, "
         "--min-delta)"}}},
      {{"--patience", "--min-delta", "--validation-fraction"},
       {"train", "tune", "run", "demo"},
       {{"find", "find's range test holds out no validation rows and stops no training"}}},
      {{"--lr-schedule"},
       {"train", "run", "demo"},
       {{"find", "find's range test has its own --schedule"},
        {"tune", "tune trains every candidate at a constant rate (its pick then trains with it in train or run)"}}},
      {{"--repeats"},
       {"tune", "run", "demo"},
       {{"find", "find runs one range test"}, {"train", "train trains one model with one seed (--seed)"}}},
      {{"--pick"},
       {"train", "run", "demo"},
       {{"find", "find only suggests a rate"}, {"tune", "tune's rate is always its search's pick"}}},
      {{"--recipe"},
       {"find", "train", "run", "demo"},
       {{"tune", "the recipe has no search (run --recipe reads the range test's suggestion instead)"}}},
      {{"--candidates", "--max-epochs", "--first-rung-epochs", "--lr-low", "--lr-high", "--lr-range"},
       {"tune", "run", "demo", "train"},
       {{"find", "find does not search"}}},
      {{"--refit"},
       {"tune"},
       {{"find", "find does not search"},
        {"train", "train trains its own model at the picked rate"},
        {"run", "run trains both rates afresh and compares them"},
        {"demo", "demo trains both rates afresh and compares them"}}},
      {{"--data-parallel"}, {"train", "tune", "run", "demo"}, {{"find", "find's range test runs whole on every rank"}}},
      {{"--threads"},
       {"tune", "run", "demo", "train"},
       {{"find", "find's range test trains one model on one thread"},
        {"evaluate", "evaluate scores one model on one thread"},
        {"predict", "predict scores one model on one thread"}}},
  };
  return kScopes;
}

const Scope* scope_of(std::string_view flag) {
  for (const Scope& scope : scopes())
    if (std::find(scope.flags.begin(), scope.flags.end(), flag) != scope.flags.end()) return &scope;
  return nullptr;
}

// The range test's flags, which train reads only with --lr auto and tune only per step.
bool range_test_flag(std::string_view flag) {
  return flag == "--schedule" || flag == "--finder-points" || flag == "--finder-start" || flag == "--finder-end" ||
         flag == "--rule";
}

bool search_flag(std::string_view flag) {
  const Scope* scope = scope_of("--candidates");
  return std::find(scope->flags.begin(), scope->flags.end(), flag) != scope->flags.end() || flag == "--threads";
}

bool early_stopping_flag(std::string_view flag) {
  return flag == "--monitor" || flag == "--patience" || flag == "--min-delta" || flag == "--restore-best-weights";
}

// train with --lr NUMBER: no range test, no search.
std::optional<std::string> train_refusal(std::string_view flag, const Settings& s) {
  if (s.lr != "auto" && (range_test_flag(flag) || search_flag(flag) || flag == "--pick"))
    return fmt::format("{} is for train --lr auto; train --lr {} was given its rate: it runs no {}", flag, s.lr,
                       search_flag(flag) ? "search" : "range test");
  if (s.lr == "auto" && s.pick == "finder" && search_flag(flag))
    return fmt::format(
        "{} is for the search; train --lr auto --pick finder takes the range test's suggestion and "
        "does not search",
        flag);
  return std::nullopt;
}

}  // namespace

bool command_reads(std::string_view command, std::string_view flag) {
  if (command == "config") return true;
  const Scope* scope = scope_of(flag);
  return !scope || std::find(scope->readers.begin(), scope->readers.end(), command) != scope->readers.end();
}

std::string commands_reading(std::string_view flag) {
  std::string text;
  for (std::string_view command : kCommands)
    if (command_reads(command, flag)) text += fmt::format("{}{}", text.empty() ? "" : "/", command);
  return text;
}

std::optional<std::string> static_refusal(std::string_view command, std::string_view flag) {
  if (command_reads(command, flag)) return std::nullopt;
  const Scope* scope = scope_of(flag);
  std::string_view why = "it does not read it";
  for (const Reason& reason : scope->reasons)
    if (reason.command == command) why = reason.why;
  return fmt::format("{} is a {} flag; {}", flag, commands_reading(flag), why);
}

std::optional<std::string> refusal_for_settings(std::string_view command, std::string_view flag, const Settings& s) {
  if (command == "config") return std::nullopt;
  if (command == "train")
    if (auto refused = train_refusal(flag, s)) return refused;
  if ((command == "run" || command == "demo") && s.pick == "finder" && search_flag(flag) && flag != "--threads")
    return fmt::format(
        "{} is for the search; {} --pick finder (or --recipe) trains the range test's suggestion and "
        "does not search",
        flag, command);
  // The search's own range test is fastai's per mini-batch one unless --schedule step sets its points.
  const bool searches_only = command == "tune" || (command == "train" && s.lr == "auto" && s.pick == "tuner");
  if (searches_only && flag == "--schedule" && s.schedule == "epoch")
    return fmt::format(
        "--schedule {}: {}'s search bounds its interval with fastai's per-mini-batch range test "
        "(--schedule step sets its points); the per-epoch range test is find's and run's",
        s.schedule, command);
  if (searches_only && s.schedule == "epoch" && flag != "--rule" && range_test_flag(flag))
    return fmt::format(
        "{} applies to {}'s range test with --schedule step only: the search bounds its interval with "
        "fastai's per-mini-batch range test",
        flag, command);
  // Without --refit, tune's final model is a candidate's weights: nothing is trained after the
  // search, which already spreads its candidates over the ranks.
  if (command == "tune" && flag == "--data-parallel" && !s.refit)
    return std::string(
        "--data-parallel makes tune's refit data-parallel (the search already spreads its candidates over the "
        "mpirun ranks); add --refit, or drop --data-parallel");
  const bool trains_with_stopping = command == "train" || command == "run" || command == "demo";
  if (trains_with_stopping && !s.early_stopping && early_stopping_flag(flag))
    return fmt::format(
        "{} sets early stopping, which is off here (train --lr NUMBER, --recipe, --lr-schedule "
        "one-cycle or --early-stopping=false); add --early-stopping or drop {}",
        flag, flag);
  return std::nullopt;
}

std::optional<std::string> command_help(std::string_view command, std::string_view flag) {
  const bool run = command == "run" || command == "demo";
  if (flag == "--threads") {
    if (command == "tune") return "Candidates trained at once (worker threads; default 0 = all cores)";
    if (command == "train") return "With --lr auto: the search's candidates trained at once (default 0 = all cores)";
    if (run)
      return "Worker threads: the search's candidates (0 = all cores), then the default and tuned trainings x "
             "--repeats (0 or 1: one after another)";
    if (command == "config") return "Worker threads of the search (tune, run, train --lr auto) and of run's trainings";
  }
  if (flag == "--repeats") {
    if (command == "tune") return "Train every candidate with N seeds and pick on their mean (default 1)";
    if (run) return "Repeat the comparison of the default and tuned rate over N seeds (default 1)";
    if (command == "config") return "Seeds: of each candidate in tune, of the comparison in run (default 1)";
  }
  if (flag == "--pick") {
    if (command == "train")
      return "With --lr auto: the search's pick (tuner, default) or the range test's suggestion (finder)";
    return "Where the tuned rate comes from: the search's pick (tuner, default) or the range test's suggestion "
           "(finder)";
  }
  if (flag == "--early-stopping") {
    if (command == "train")
      return "Hold out --validation-fraction of the training rows and stop when the validation loss stops improving "
             "(default: on with --lr auto; off with --lr NUMBER, --recipe and --lr-schedule one-cycle; =false turns "
             "it off)";
    if (run)
      return "Hold out --validation-fraction of the training rows and stop each training when the validation loss "
             "stops improving (default on; off with --recipe and --lr-schedule one-cycle; =false turns it off)";
  }
  if (flag == "--validation-fraction") {
    if (command == "tune") return "Training rows held out to score the candidates (default 0.2)";
    if (command == "train" || run)
      return "Training rows held out for validation (default 0.2): early stopping's, and, given, val_ columns in "
             "the history even without it (Keras' validation_split)";
  }
  if (flag == "--recipe" && command == "find")
    return "The seed's range test: per epoch, read by stable-minimum (--schedule epoch --rule stable-minimum; flags "
           "given still win)";
  if (flag == "--lr-schedule" && run)
    return "Rate over both trainings' steps: constant (default), one-cycle (fastai's fit_one_cycle up to each rate; "
           "no early stopping), cosine (annealed per step from the rate towards 0)";
  return std::nullopt;
}

std::string search_group_title(std::string_view command) {
  if (command == "find") return "The recipe";  // find searches nothing; only --recipe is its
  if (command == "tune") return "Learning-rate search";
  if (command == "train") return "Learning-rate search (--lr auto)";
  if (command == "run" || command == "demo") return "Learning-rate search (--pick tuner)";
  return "Learning-rate search (tune; run and train --lr auto with --pick tuner)";
}

}  // namespace lrtune::cli
