// The data-dependent checks of a command: parameters, splits and memory, each a one-line
// UsageError naming the flags to change. The estimates are tune/memory.hpp's; what the machine
// has is read here, from /proc, the cgroup and the resource limits.
#include "size_checks.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "lrtune/core/limits.hpp"
#include "lrtune/core/split.hpp"
#include "lrtune/tune/memory.hpp"
#include "ranks.hpp"

namespace lrtune::cli {
namespace {

bool searches(const Settings& s, const std::string& command) {
  return command == "tune" || (command == "run" && s.pick == "tuner");
}

ModelShape model_shape(const Settings& s, Index features) {
  ModelShape shape{features, {}};
  for (int width : s.layers) shape.units.push_back(width);
  shape.units.push_back(1);  // the sigmoid output
  return shape;
}

// A number read from the first line of a file ("max" or nothing: nullopt).
std::optional<double> read_number(const std::string& path) {
  std::ifstream in(path);
  double value = 0.0;
  if (in >> value) return value;
  return std::nullopt;
}

// The memory that `/proc/meminfo` calls available (free plus reclaimable), in bytes.
std::optional<double> mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0.0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024.0;
  return std::nullopt;
}

// The memory limit of this process's cgroup less its usage, when it has a limit: v2's memory.max
// and memory.current, or v1's memory.limit_in_bytes and memory.usage_in_bytes. The folder is the
// path /proc/self/cgroup names, or the mount itself (inside a cgroup namespace the path can be
// the host's).
std::optional<double> cgroup_room() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    const bool v2 = line.starts_with("0::");
    const auto at = line.find(":memory:");
    if (!v2 && at == std::string::npos) continue;
    const std::string path = v2 ? line.substr(3) : line.substr(at + 8);
    const std::string mount = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
    const char* limit_file = v2 ? "/memory.max" : "/memory.limit_in_bytes";
    const char* usage_file = v2 ? "/memory.current" : "/memory.usage_in_bytes";
    for (const std::string& dir : {mount + path, mount}) {
      const auto limit = read_number(dir + limit_file);
      const auto used = read_number(dir + usage_file);
      if (limit && used && *limit < 0x1p60) return std::max(0.0, *limit - *used);  // v1 writes ~2^63 for none
      if (limit || used) break;
    }
  }
  return std::nullopt;
}

// RLIMIT_AS less the address space this process already maps, when the limit is set.
std::optional<double> address_space_room() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double mapped = read_number("/proc/self/statm").value_or(0.0) * page;  // first field: pages mapped
  return std::max(0.0, static_cast<double>(limit.rlim_cur) - mapped);
}

void check_parameters(const Settings& s, Index features) {
  const double parameters = parameter_count(model_shape(s, features));
  if (parameters > static_cast<double>(limits::kMaxParameters))
    throw UsageError(
        fmt::format("{} on the data's {} features gives a model of {:.0f} parameters; at most {} (the "
                    "most a model file holds): use fewer or narrower layers",
                    setting_name(s, "--layers"), features, parameters, limits::kMaxParameters));
}

// scikit-learn's sizes (core/split.hpp): ceil(f * n) validation rows, floor((1 - f) * n) training rows.
void check_validation_split(const Settings& s, Index rows) {
  const double f = s.validation_fraction;
  const auto validation = static_cast<Index>(std::ceil(f * static_cast<double>(rows)));
  const auto training = static_cast<Index>(std::floor((1.0 - f) * static_cast<double>(rows)));
  if (validation >= 1 && training >= 1) return;
  const std::string valid = rows >= 2 ? fmt::format("use at most {:.4g}", 1.0 - 1.0 / static_cast<double>(rows))
                                      : std::string("the data needs more rows");
  throw UsageError(
      fmt::format("{} {} of the {} training rows leaves {} to train on and {} for validation; each needs "
                  "at least one row ({})",
                  setting_name(s, "--validation-fraction"), f, rows, training, validation, valid));
}

std::string flags_to_lower(const Settings& s, const std::string& command) {
  if (command == "tune") return "--candidates, --repeats, --layers or --batch-size";
  if (command == "run")
    return s.pick == "tuner" ? "--candidates, --repeats, --layers or --batch-size"
                             : "--repeats, --layers or --batch-size";
  return "--layers or --batch-size";
}

}  // namespace

std::string format_bytes(double bytes) {
  constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} bytes", bytes) : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

MemoryNeed memory_need(const Settings& s, const std::string& command, Index train_rows, Index test_rows, Index features,
                       int ranks) {
  const ModelShape shape = model_shape(s, features);
  const std::size_t slots = build_optimizer(s, std::nullopt)->state().slots.size();
  const auto validation = static_cast<Index>(std::ceil(s.validation_fraction * static_cast<double>(train_rows)));
  const double parameters = parameter_count(shape);
  const auto parts = [&](const TrainingMemory& m) {
    return fmt::format("{:.0f} parameters with gradients, best weights and {} state {}, batch workspace {}", parameters,
                       s.optimizer, format_bytes(m.weights + m.optimizer), format_bytes(m.workspace));
  };
  const auto each = [&](const TrainingMemory& m) { return format_bytes(m.total()) + " each: " + parts(m); };
  MemoryNeed need;
  if (searches(s, command)) {  // the candidates' units are alive together until the pick
    const int repeats = command == "tune" ? s.repeats : 1;
    const TrainingMemory unit = training_memory(shape, slots, s.batch_size, train_rows - validation, validation);
    need.bytes =
        search_memory(unit, static_cast<std::size_t>(s.candidates), repeats, s.refit, train_rows, features, ranks);
    // Under mpirun each rank builds only the units it trains.
    const std::string spread =
        ranks > 1 ? fmt::format(" over {} ranks, up to {} on each", ranks,
                                units_per_rank(static_cast<std::size_t>(s.candidates) * repeats, ranks))
                  : std::string{};
    need.detail = fmt::format("{} candidates x {} seed{}{} trained at once{}, {}", s.candidates, repeats,
                              repeats == 1 ? "" : "s", s.refit ? " and a refit" : "", spread, each(unit));
  }
  // One training (find, train), or run's comparison: default and tuned x repeats, all kept for the report.
  const int trainings = command == "run" ? 2 * s.repeats : 1;
  const bool holds_out = s.early_stopping || s.hold_out_validation;
  const Index fit_rows = holds_out ? train_rows - validation : train_rows;
  const TrainingMemory one = training_memory(shape, slots, s.batch_size, fit_rows, std::max(validation, test_rows));
  const double split_copies = holds_out
                                  ? std::max(1, std::min(s.threads, trainings)) * static_cast<double>(train_rows) *
                                        (static_cast<double>(features) + 1.0) * 4.0
                                  : 0.0;
  const double comparison = trainings * one.total() + split_copies;
  if (comparison > need.bytes) {
    need.bytes = comparison;
    need.detail = trainings == 1
                      ? "one training of " + parts(one)
                      : fmt::format("{} trainings (default and tuned x {} seeds), {}", trainings, s.repeats, each(one));
  }
  return need;
}

std::optional<double> available_memory() {
  std::optional<double> least = mem_available();
  if (!least) {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) least = static_cast<double>(pages) * static_cast<double>(page);
  }
  for (const auto& room : {cgroup_room(), address_space_room()})
    if (room && (!least || *room < *least)) least = room;
  return least;
}

void check_sizes(const Settings& s, const std::string& command, const Dataset& data) {
  const Index features = data.x_train.cols(), rows = data.x_train.rows();
  check_parameters(s, features);
  const bool holds_out = s.early_stopping || s.hold_out_validation;
  if (searches(s, command) || (holds_out && (command == "train" || command == "run"))) check_validation_split(s, rows);
  const MemoryNeed need = memory_need(s, command, rows, data.x_test.rows(), features, world().size());
  const auto available = available_memory();
  if (available && need.bytes > *available)
    throw UsageError(fmt::format("{} needs about {} of memory ({}) but {} is available; lower {}", command,
                                 format_bytes(need.bytes), need.detail, format_bytes(*available),
                                 flags_to_lower(s, command)));
}

}  // namespace lrtune::cli
