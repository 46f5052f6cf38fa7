// fit_imputer_over_ranks: one gather carries, per imputed column, what its strategy needs (a sum,
// value counts or the values themselves); the fill values are then chosen as Imputer::fit chooses.
#include "shard_imputer.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <span>

#include <fmt/format.h>

#include "lrtune/data/error.hpp"
#include "shard_agreement.hpp"
#include "table_bytes.hpp"

namespace lrtune::detail {

namespace {

ImputeStrategy strategy_of(const Column& c, const ImputerOptions& o) {
  if (const auto it = o.per_column.find(c.name); it != o.per_column.end()) return it->second;
  return c.type == ColumnType::numeric ? o.numeric : o.categorical;
}

// Imputer::fit's own checks, before anything is gathered.
void check_strategy(const Table& train, const Column& c, ImputeStrategy strategy) {
  if (c.type == ColumnType::categorical && strategy != ImputeStrategy::most_frequent &&
      strategy != ImputeStrategy::constant) {
    throw DataError(
        fmt::format("{}: column \"{}\" is categorical; impute strategy {} needs a numeric column "
                    "(expected most_frequent or constant)",
                    train.source, c.name, impute_strategy_name(strategy)));
  }
}

// Neumaier's compensated sum (as shard_scaler.cpp): a rank's partial sum stays within an ulp or so.
double compensated_sum(const std::vector<double>& values) {
  double sum = 0.0, compensation = 0.0;
  for (const double v : values) {
    const double t = sum + v;
    compensation += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

Bytes column_bytes(const Table& train, const ImputerOptions& o) {
  ByteWriter w;
  for (const Column& c : train.columns) {
    const ImputeStrategy strategy = strategy_of(c, o);
    check_strategy(train, c, strategy);
    w.put(c.missing_count());
    if (strategy == ImputeStrategy::constant) continue;
    if (c.type == ColumnType::categorical) {
      std::map<std::string, Index> counts;
      for (Index r = 0; r < c.size(); ++r)
        if (!c.is_missing(r)) ++counts[c.strings[static_cast<std::size_t>(r)]];
      std::vector<std::string> levels;
      std::vector<Index> n;
      for (const auto& [level, count] : counts) {
        levels.push_back(level);
        n.push_back(count);
      }
      put_strings(w, levels);
      w.put_span(std::span<const Index>(n));
      continue;
    }
    std::vector<double> values;
    for (const double v : c.numbers)
      if (!std::isnan(v)) values.push_back(v);
    if (strategy == ImputeStrategy::mean) {
      w.put<Index>(static_cast<Index>(values.size()));
      w.put(compensated_sum(values));
    } else {  // median and most_frequent: the values themselves
      w.put_span(std::span<const double>(values));
    }
  }
  return w.take();
}

}  // namespace

Imputer fit_imputer_over_ranks(const Table& train, Index train_total, const ImputerOptions& options, StepLog* log,
                               const Communicator& communicator) {
  const std::vector<Bytes> all = gather_agreed(communicator, [&] {
    const ColumnIndex index(train);
    for (const auto& [name, strategy] : options.per_column) (void)index.index_of(name, "impute per_column");
    return column_bytes(train, options);
  });
  std::vector<ByteReader> readers(all.begin(), all.end());
  nlohmann::json fills = nlohmann::json::array();
  nlohmann::json details = nlohmann::json::object();
  for (const Column& c : train.columns) {
    const ImputeStrategy strategy = strategy_of(c, options);
    Index missing = 0;
    Index count = 0;
    double sum = 0.0;
    std::vector<double> values;
    std::map<std::string, Index> level_counts;
    for (ByteReader& r : readers) {
      missing += r.get<Index>();
      if (strategy == ImputeStrategy::constant) continue;
      if (c.type == ColumnType::categorical) {
        const std::vector<std::string> levels = get_strings(r);
        const std::vector<Index> n = r.get_vector<Index>();
        for (std::size_t i = 0; i < levels.size(); ++i) level_counts[levels[i]] += n[i];
      } else if (strategy == ImputeStrategy::mean) {
        count += r.get<Index>();
        sum += r.get<double>();
      } else {
        const std::vector<double> v = r.get_vector<double>();
        values.insert(values.end(), v.begin(), v.end());
      }
    }
    const bool empty = strategy != ImputeStrategy::constant && (c.type == ColumnType::categorical ? level_counts.empty()
                                                                : strategy == ImputeStrategy::mean ? count == 0
                                                                                                   : values.empty());
    if (empty) {
      throw DataError(
          fmt::format("{}: column \"{}\" has no value in the train part to impute from", train.source, c.name));
    }
    nlohmann::json value;
    if (strategy == ImputeStrategy::constant) {
      value = c.type == ColumnType::numeric ? nlohmann::json(options.fill_number) : nlohmann::json(options.fill_text);
    } else if (c.type == ColumnType::categorical) {
      auto best = level_counts.begin();  // the first maximum: the smallest value among ties
      for (auto it = level_counts.begin(); it != level_counts.end(); ++it)
        if (it->second > best->second) best = it;
      value = best->first;
    } else if (strategy == ImputeStrategy::mean) {
      value = sum / static_cast<double>(count);
    } else {
      std::sort(values.begin(), values.end());
      const std::size_t n = values.size();
      if (strategy == ImputeStrategy::median) {
        value = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
      } else {
        double best = values[0];
        std::size_t best_count = 0;
        for (std::size_t i = 0; i < n;) {
          std::size_t j = i;
          while (j < n && values[j] == values[i]) ++j;
          if (j - i > best_count) {
            best_count = j - i;
            best = values[i];
          }
          i = j;
        }
        value = best;
      }
    }
    fills.push_back({{"column", c.name},
                     {"type", column_type_name(c.type)},
                     {"strategy", impute_strategy_name(strategy)},
                     {"value", value}});
    details[c.name] = {{"strategy", impute_strategy_name(strategy)}, {"value", value}, {"missing_in_train", missing}};
  }
  if (log != nullptr) {
    log->push_back({"impute_fit",
                    fmt::format("fitted fill values of {} columns on {} train rows", train.columns.size(), train_total),
                    details});
  }
  return Imputer::from_json(fills);
}

}  // namespace lrtune::detail
