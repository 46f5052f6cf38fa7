// Named values of one epoch or one batch ("loss", "accuracy", "val_loss", "lr", ...), kept in
// the order they were set, as Keras' logs dict. Used by fit, callbacks and History.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrtune/core/error.hpp"

namespace lrtune {

class Logs {
 public:
  using Entry = std::pair<std::string, double>;

  // Sets name to value, appending it if new.
  void set(std::string_view name, double value);
  std::optional<double> find(std::string_view name) const;
  // Throws UsageError naming the missing entry and the ones present.
  double at(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace lrtune
