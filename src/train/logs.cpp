// Ordered name -> value logs of a training epoch or batch.
#include "lrtune/train/logs.hpp"

#include <algorithm>
#include <stdexcept>

#include "lrtune/core/error.hpp"

namespace lrtune {

void Logs::set(std::string_view name, double value) {
  for (auto& [key, stored] : entries_) {
    if (key == name) {
      stored = value;
      return;
    }
  }
  entries_.emplace_back(std::string(name), value);
}

std::optional<double> Logs::find(std::string_view name) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.first == name; });
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

double Logs::at(std::string_view name) const {
  if (const auto value = find(name)) return *value;
  std::string present;
  for (const auto& [key, value] : entries_) present += (present.empty() ? "" : ", ") + key;
  throw UsageError("no log named '" + std::string(name) + "' (present: " + present + ")");
}

}  // namespace lrtune
