// prepare_shards: prepare()'s steps in its order (prepare_steps.hpp runs the shared ones as they
// are); where a step needs the whole table, each rank contributes its counts, level sets or sums
// in one gather (gather_agreed: an error on one rank ends every rank alike).
#include "lrtune/data/prepare_shards.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/identifier_columns.hpp"
#include "prepare_steps.hpp"
#include "shard_agreement.hpp"
#include "shard_imputer.hpp"
#include "shard_scaler.hpp"
#include "table_bytes.hpp"

namespace lrtune {

namespace {

using namespace prepare_steps;
using detail::gather_agreed;

// Runs `local` on every rank; when one throws, every rank throws its error (the lowest rank's).
void agree(const Communicator& c, const std::function<void()>& local) {
  (void)gather_agreed(c, [&] {
    local();
    return Bytes{};
  });
}

// ---- 1. The raw table's columns over all ranks: counts, ranges and distinct values.

struct RawColumn {
  Index missing = 0;
  Index count = 0;  // numeric: non-missing values
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity(), sum = 0.0;
  Index non_missing = 0;            // categorical
  std::vector<std::string> levels;  // categorical: distinct values in order of first occurrence in the file
};

Bytes raw_column_bytes(const Table& shard) {
  ByteWriter w;
  for (const Column& c : shard.columns) {
    w.put(c.missing_count());
    if (c.type == ColumnType::numeric) {
      RawColumn s;
      for (double v : c.numbers) {
        if (std::isnan(v)) continue;
        s.min = std::min(s.min, v);
        s.max = std::max(s.max, v);
        s.sum += v;
        ++s.count;
      }
      w.put(s.count);
      w.put(s.min);
      w.put(s.max);
      w.put(s.sum);
    } else {
      std::unordered_set<std::string_view> seen;
      std::vector<std::string> levels;
      Index non_missing = 0;
      for (Index r = 0; r < c.size(); ++r) {
        if (c.is_missing(r)) continue;
        ++non_missing;
        const std::string& v = c.strings[static_cast<std::size_t>(r)];
        if (seen.insert(v).second) levels.push_back(v);
      }
      w.put(non_missing);
      detail::put_strings(w, levels);
    }
  }
  return w.take();
}

// The ranks' column records combined in rank order (file order).
std::vector<RawColumn> combine_raw_columns(const Table& shard, const std::vector<Bytes>& all) {
  std::vector<RawColumn> out(shard.columns.size());
  std::vector<std::unordered_set<std::string>> seen(shard.columns.size());
  for (const Bytes& bytes : all) {
    ByteReader r(bytes);
    for (std::size_t j = 0; j < shard.columns.size(); ++j) {
      RawColumn& s = out[j];
      s.missing += r.get<Index>();
      if (shard.columns[j].type == ColumnType::numeric) {
        s.count += r.get<Index>();
        s.min = std::min(s.min, r.get<double>());
        s.max = std::max(s.max, r.get<double>());
        s.sum += r.get<double>();
      } else {
        s.non_missing += r.get<Index>();
        for (std::string& level : detail::get_strings(r)) {
          if (seen[j].insert(level).second) s.levels.push_back(std::move(level));
        }
      }
    }
  }
  return out;
}

// summarize(raw table, used columns) from the combined records; rows_with_missing comes later.
DataSummary raw_summary(const Table& shard, const std::vector<RawColumn>& raw, const std::vector<std::string>& used) {
  DataSummary s;
  s.source = shard.source;
  s.cols = shard.cols();
  const std::set<std::string> used_set(used.begin(), used.end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t j = 0; j < shard.columns.size(); ++j) {
    const Column& c = shard.columns[j];
    if (used_set.contains(c.name)) s.missing_cells += raw[j].missing;
    ColumnSummary cs;
    cs.name = c.name;
    cs.type = c.type;
    cs.missing = raw[j].missing;
    if (c.type == ColumnType::categorical) {
      cs.levels = static_cast<Index>(raw[j].levels.size());
    } else {
      cs.min = raw[j].count ? raw[j].min : nan;
      cs.max = raw[j].count ? raw[j].max : nan;
      cs.mean = raw[j].count ? raw[j].sum / static_cast<double>(raw[j].count) : nan;
    }
    s.columns.push_back(cs);
  }
  return s;
}

// 1a. leave_out_identifiers (preprocessing.cpp) on the combined counts.
std::vector<std::string> leave_out_identifiers(const Table& shard, const std::vector<RawColumn>& raw,
                                               const PrepareOptions& o, std::vector<std::string>& features,
                                               StepLog& log, std::vector<std::string>& warnings) {
  check_keep_columns(shard, o);
  const ColumnIndex index(shard);
  std::vector<IdentifierColumn> ids;
  if (o.drop_identifiers) {
    for (const auto& name : features) {
      if (std::find(o.keep_columns.begin(), o.keep_columns.end(), name) != o.keep_columns.end()) continue;
      const auto j = static_cast<std::size_t>(index.index_of(name));
      if (shard.columns[j].type != ColumnType::categorical) continue;
      const auto distinct = static_cast<Index>(raw[j].levels.size());
      if (identifier_like(distinct, raw[j].non_missing)) ids.push_back({name, distinct, raw[j].non_missing});
    }
  }
  std::vector<std::string> names = drop_identifier_features(ids, shard.source, features, log, warnings);
  for (const auto& name : features) {
    const auto j = static_cast<std::size_t>(index.index_of(name));
    if (shard.columns[j].type != ColumnType::categorical) continue;
    check_level_count(shard.source, name, static_cast<Index>(raw[j].levels.size()), raw[j].non_missing, raw[j].levels);
  }
  return names;
}

// ---- 2. Missing values dropped and the target, per rank; the counts and class values combined.

// How the target's classes travel: regression needs none; a binary comparison on numbers one value
// of each outcome with its count; every other rule the distinct values with their counts.
enum class TargetForm : std::uint8_t { regression, compared, distinct };

TargetForm target_form(const PrepareOptions& o, const Column& target) {
  if (o.target_rule.kind == TargetKind::regression) return TargetForm::regression;
  if (o.target_rule.kind == TargetKind::binary && o.target_rule.op && target.type == ColumnType::numeric)
    return TargetForm::compared;
  return TargetForm::distinct;
}

// One rank's kept rows (after the drops) and what it sends of them.
struct LocalKept {
  Table table;
  Bytes bytes;
};

// The distinct values of a target column in order of first occurrence, with their counts; the
// cell of row r is value number index[r].
struct DistinctValues {
  Column values;  // numeric or categorical, one cell per distinct value
  std::vector<Index> counts;
  std::vector<std::size_t> index;
};

DistinctValues distinct_values(const Column& c) {
  DistinctValues d;
  d.values = Column{c.name, c.type, {}, {}, {}};
  std::map<double, std::size_t> numbers;  // as make_target's std::map: -0 and 0 are one class
  std::unordered_map<std::string, std::size_t> strings;
  for (Index r = 0; r < c.size(); ++r) {
    std::size_t k = d.counts.size();
    if (c.type == ColumnType::numeric) {
      const double v = c.numbers[static_cast<std::size_t>(r)];
      const auto [it, added] = numbers.try_emplace(v, k);
      if (added) d.values.numbers.push_back(v);
      k = it->second;
    } else {
      const std::string& v = c.strings[static_cast<std::size_t>(r)];
      const auto [it, added] = strings.try_emplace(v, k);
      if (added) {
        d.values.strings.push_back(v);
        d.values.missing.push_back(0);
      }
      k = it->second;
    }
    if (k == d.counts.size()) d.counts.push_back(0);
    ++d.counts[k];
    d.index.push_back(k);
  }
  return d;
}

void put_distinct(ByteWriter& w, const DistinctValues& d) {
  if (d.values.type == ColumnType::numeric) {
    w.put_span(std::span<const double>(d.values.numbers));
  } else {
    detail::put_strings(w, d.values.strings);
  }
  w.put_span(std::span<const Index>(d.counts));
}

// The drops of prepare_table on this rank's rows: rows missing a value of a dropped column or the
// target, then (regression with drop_rows) rows with an infinite target. Sends the counts, the
// dropped row labels and the target's values as target_form says.
LocalKept drop_and_describe(Table table, const MissingPlan& plan, const PrepareOptions& o,
                            const std::vector<std::string>& used) {
  ByteWriter w;
  Index rows_with_missing = 0;
  {
    const ColumnIndex index(table);  // a wide table: one lookup a name, not a scan
    std::vector<const Column*> counted;
    counted.reserve(used.size());
    for (const auto& name : used) counted.push_back(&index.column(name));
    for (Index r = 0; r < table.rows(); ++r) {
      rows_with_missing +=
          std::any_of(counted.begin(), counted.end(), [&](const Column* c) { return c->is_missing(r); }) ? 1 : 0;
    }
  }
  w.put(rows_with_missing);
  std::vector<std::string> columns = plan.drop;
  columns.push_back(o.target);
  w.put(table.rows());
  std::vector<Index> missing_cells;
  missing_cells.reserve(columns.size());
  const ColumnIndex index(table);
  for (const auto& name : columns) missing_cells.push_back(index.column(name).missing_count());
  w.put_span(std::span<const Index>(missing_cells));
  table = drop_missing_rows(std::move(table), columns);
  w.put(table.rows());
  std::vector<Index> infinite;  // file data rows
  const Column* target = &table.column(o.target);
  if (o.target_rule.kind == TargetKind::regression && o.missing == MissingPolicy::drop_rows &&
      target->type == ColumnType::numeric) {
    std::vector<Index> keep;
    for (Index r = 0; r < table.rows(); ++r) {
      if (std::isfinite(target->numbers[static_cast<std::size_t>(r)])) {
        keep.push_back(r);
      } else {
        infinite.push_back(table.row_labels[static_cast<std::size_t>(r)]);
      }
    }
    if (!infinite.empty()) table = std::move(table).take(keep);
    target = &table.column(o.target);
  }
  w.put_span(std::span<const Index>(infinite));
  w.put(table.rows());
  switch (target_form(o, *target)) {
    case TargetForm::regression:  // its errors (a categorical column) are make_target's
      (void)make_target(*target, o.target_rule, table.source, table.row_labels);
      break;
    case TargetForm::compared: {
      // The first value of each outcome with the outcome's count: all make_target needs.
      std::array<Index, 2> counts{0, 0};
      std::array<double, 2> first{0.0, 0.0};
      for (const double v : target->numbers) {
        const auto k = static_cast<std::size_t>(compare_holds(v, *o.target_rule.op, o.target_rule.threshold));
        if (counts[k]++ == 0) first[k] = v;
      }
      for (std::size_t k = 0; k < 2; ++k) {
        w.put(counts[k]);
        w.put(first[k]);
      }
      break;
    }
    case TargetForm::distinct: put_distinct(w, distinct_values(*target)); break;
  }
  return {std::move(table), w.take()};
}

// What the ranks' drop records add up to, and the target over all kept rows.
struct KeptRows {
  Index rows_with_missing = 0;
  Index raw_rows = 0;
  std::vector<Index> missing_cells;  // per dropped column and the target
  Index after_missing = 0;
  std::vector<Index> infinite;  // file data rows with an infinite target, file order
  std::vector<Index> kept;      // per rank, after both drops
  Target target;                // classes and counts over all kept rows; values empty
  // The target's distinct values (TargetForm::distinct) in the combined order: the class value of each.
  std::map<double, double> class_of_number;
  std::unordered_map<std::string, double> class_of_text;
};

KeptRows combine_kept(const std::vector<Bytes>& all, const Column& target_column, const PrepareOptions& o,
                      const std::string& source, std::size_t dropped_columns) {
  KeptRows k;
  k.missing_cells.assign(dropped_columns + 1, 0);
  const TargetForm form = target_form(o, target_column);
  // The combined target column: one cell per distinct value (or outcome), weighted by its count.
  Column values{target_column.name, target_column.type, {}, {}, {}};
  std::vector<Index> weights;
  std::map<double, std::size_t> numbers;
  std::unordered_map<std::string, std::size_t> strings;
  std::array<Index, 2> outcome_counts{0, 0};
  std::array<std::optional<double>, 2> outcome_first;
  for (const Bytes& bytes : all) {
    ByteReader r(bytes);
    k.rows_with_missing += r.get<Index>();
    k.raw_rows += r.get<Index>();
    const std::vector<Index> cells = r.get_vector<Index>();
    for (std::size_t j = 0; j < cells.size(); ++j) k.missing_cells[j] += cells[j];
    k.after_missing += r.get<Index>();
    const std::vector<Index> infinite = r.get_vector<Index>();
    k.infinite.insert(k.infinite.end(), infinite.begin(), infinite.end());
    k.kept.push_back(r.get<Index>());
    if (form == TargetForm::compared) {
      for (std::size_t c = 0; c < 2; ++c) {
        const auto count = r.get<Index>();
        const auto first = r.get<double>();
        if (count > 0 && !outcome_first[c]) outcome_first[c] = first;
        outcome_counts[c] += count;
      }
    } else if (form == TargetForm::distinct) {
      std::vector<double> rank_numbers;
      std::vector<std::string> rank_strings;
      if (target_column.type == ColumnType::numeric) {
        rank_numbers = r.get_vector<double>();
      } else {
        rank_strings = detail::get_strings(r);
      }
      const std::vector<Index> counts = r.get_vector<Index>();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        std::size_t at = weights.size();
        if (target_column.type == ColumnType::numeric) {
          const auto [it, added] = numbers.try_emplace(rank_numbers[i], at);
          if (added) values.numbers.push_back(rank_numbers[i]);
          at = it->second;
        } else {
          const auto [it, added] = strings.try_emplace(rank_strings[i], at);
          if (added) {
            values.strings.push_back(rank_strings[i]);
            values.missing.push_back(0);
          }
          at = it->second;
        }
        if (at == weights.size()) weights.push_back(0);
        weights[at] += counts[i];
      }
    }
  }
  if (form == TargetForm::regression) {
    k.target.column = o.target;
    k.target.rule = o.target_rule;
    return k;
  }
  if (form == TargetForm::compared) {
    for (std::size_t c = 0; c < 2; ++c) {
      if (!outcome_first[c]) continue;
      values.numbers.push_back(*outcome_first[c]);
      weights.push_back(outcome_counts[c]);
    }
  }
  // Checked where prepare_table checks it, before the target (the caller throws first then).
  if (weights.empty()) return k;
  k.target = make_target(values, o.target_rule, source, {}, weights);
  if (form == TargetForm::distinct) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (target_column.type == ColumnType::numeric) {
        k.class_of_number[values.numbers[i]] = k.target.values[static_cast<Index>(i)];
      } else {
        k.class_of_text[values.strings[i]] = k.target.values[static_cast<Index>(i)];
      }
    }
  }
  k.target.values.resize(0);
  return k;
}

// The drop steps' records and errors as drop_rows_before_split and drop_nonfinite_target make them.
void log_drops(const KeptRows& k, const MissingPlan& plan, const PrepareOptions& o, const std::string& source,
               bool target_numeric, StepLog& log, std::vector<std::string>& warnings) {
  std::vector<std::pair<std::string, Index>> per_column;
  for (std::size_t j = 0; j < plan.drop.size(); ++j) per_column.emplace_back(plan.drop[j], k.missing_cells[j]);
  per_column.emplace_back(o.target, k.missing_cells.back());
  log.push_back(drop_missing_record(k.raw_rows, k.after_missing, per_column));
  if (plan.drop.empty()) log.back().text = "rows without a target value: " + log.back().text;
  if (k.after_missing == 0) {
    std::vector<std::string> counts;
    for (const auto& [name, count] : log.back().details.at("missing_per_column").items())
      counts.push_back(fmt::format("\"{}\" {}", name, count.get<Index>()));
    throw DataError(
        fmt::format("{}: no rows left after dropping missing values: each of the {} rows misses a value "
                    "(missing cells per column: {}); impute them or leave out the emptiest columns",
                    source, k.raw_rows, fmt::join(counts, ", ")));
  }
  if (o.target_rule.kind != TargetKind::regression || o.missing != MissingPolicy::drop_rows || !target_numeric) return;
  constexpr std::size_t kNamed = 5;
  const std::vector<Index>& dropped = k.infinite;
  const std::vector<Index> named(dropped.begin(), dropped.begin() + std::min(dropped.size(), kNamed));
  log.push_back({"drop_nonfinite_target",
                 dropped.empty() ? fmt::format("no infinite target values in {} rows", k.after_missing)
                                 : fmt::format("{} of {} rows dropped: target \"{}\" is infinite (file data rows {}{})",
                                               dropped.size(), k.after_missing, o.target, fmt::join(named, ", "),
                                               dropped.size() > kNamed ? ", ..." : ""),
                 {{"rows_before", k.after_missing}, {"dropped", dropped.size()}, {"row_labels", dropped}}});
  if (dropped.empty()) return;
  warnings.push_back(log.back().text + "; --na mean (or median, most-frequent) makes it an error instead");
  if (static_cast<Index>(dropped.size()) == k.after_missing) {
    throw DataError(
        fmt::format("{}: no rows left: target \"{}\" is infinite in all {} rows", source, o.target, k.after_missing),
        DataErrorSubject::target);
  }
}

// This rank's target values (class numbers or the regression values) from the combined classes.
VectorD local_target_values(const Column& c, const KeptRows& k, const PrepareOptions& o, TargetForm form) {
  VectorD y(c.size());
  for (Index r = 0; r < c.size(); ++r) {
    const auto i = static_cast<std::size_t>(r);
    switch (form) {
      case TargetForm::regression: y[r] = c.numbers[i]; break;
      case TargetForm::compared:
        y[r] = compare_holds(c.numbers[i], *o.target_rule.op, o.target_rule.threshold) ? 1.0 : 0.0;
        break;
      case TargetForm::distinct:
        y[r] = c.type == ColumnType::numeric ? k.class_of_number.at(c.numbers[i]) : k.class_of_text.at(c.strings[i]);
        break;
    }
  }
  return y;
}

// ---- 4. The split's parts as this rank holds them.

// This rank's rows of one part (positions among its kept rows, in part order) and their positions
// in the part.
struct LocalPart {
  std::vector<Index> rows, positions;
};

LocalPart local_part(const std::vector<Index>& part, Index offset, Index kept) {
  LocalPart out;
  for (std::size_t t = 0; t < part.size(); ++t) {
    if (part[t] >= offset && part[t] < offset + kept) {
      out.rows.push_back(part[t] - offset);
      out.positions.push_back(static_cast<Index>(t));
    }
  }
  return out;
}

// ---- 5. The imputation's records, as Imputer::transform logs each part, from the ranks' counts.
void log_imputation(const Imputer& imputer, const std::array<std::vector<Index>, 3>& filled,
                    const std::array<Index, 3>& rows, bool has_validation, StepLog& log) {
  static constexpr std::array<const char*, 3> kParts{"train", "validation", "test"};
  for (std::size_t p = 0; p < 3; ++p) {
    if (p == 1 && !has_validation) continue;
    nlohmann::json per_column = nlohmann::json::object();
    Index cells = 0;
    for (std::size_t k = 0; k < imputer.values().size(); ++k) {
      per_column[imputer.values()[k].column] = filled[p][k];
      cells += filled[p][k];
    }
    log.push_back({"impute",
                   fmt::format("{}: filled {} missing cells in {} rows", kParts[p], cells, rows[p]),
                   {{"cells_filled", cells}, {"rows", rows[p]}, {"cells_filled_per_column", per_column}}});
  }
}

// ---- 6a. The encoder's levels: the union of the ranks' train levels, sorted.

// A table whose categorical features hold the union of the ranks' train levels (padded with the
// first level to one length) and whose numeric features hold zeros: fit_encoder on it fits what it
// fits on the whole train part.
Table level_table(const Table& train, const std::vector<std::string>& features,
                  const std::vector<std::set<std::string>>& levels) {
  std::size_t rows = 1;
  for (const auto& l : levels) rows = std::max(rows, l.size());
  Table t;
  t.source = train.source;
  for (std::size_t i = 0; i < rows; ++i) t.row_labels.push_back(static_cast<Index>(i));
  std::size_t k = 0;
  const ColumnIndex index(train);
  for (const auto& name : features) {
    const Column& c = index.column(name);
    Column out{name, c.type, {}, {}, {}};
    if (c.type == ColumnType::numeric) {
      out.numbers.assign(rows, 0.0);
    } else {
      const std::set<std::string>& l = levels[k++];
      out.strings.assign(l.begin(), l.end());
      out.strings.resize(rows, l.empty() ? std::string() : *l.begin());
      out.missing.assign(rows, l.empty() ? 1 : 0);
    }
    t.columns.push_back(std::move(out));
  }
  return t;
}

// ---- 7b. The regression target's scaler from combined sums, with TargetScaler::fit's errors.
TargetScaler fit_target_scaler(const VectorD& y_local, Index train_total, const std::string& column,
                               const Communicator& communicator) {
  const std::string name = fmt::format("target \"{}\"", column);
  MatrixD y(y_local.size(), 1);  // (rows, 1)
  y.col(0) = y_local;
  detail::CombinedScaler stats;
  try {
    stats = detail::fit_scaler_over_ranks(ScalerKind::standard, y, train_total, {column}, communicator);
  } catch (const DataError& e) {  // on every rank alike
    throw DataError(fmt::format("{} cannot be standardised: {}", name, e.what()), DataErrorSubject::target);
  }
  if (!stats.scaler.constant_features().empty()) {
    const double lo = stats.min[0];
    throw DataError(lo == stats.max[0]
                        ? fmt::format("{}: all target values are equal ({}) in the {} train rows; a regression "
                                      "target needs at least 2 distinct values",
                                      name, lo, train_total)
                        : fmt::format("{}: the target values of the {} train rows differ only by rounding error "
                                      "(around {}); a regression target needs values that vary",
                                      name, train_total, lo),
                    DataErrorSubject::target);
  }
  return TargetScaler::from_json({{"mean", stats.scaler.offset()[0]}, {"std", stats.scaler.scale()[0]}});
}

// ---- 7c. The validation and test parts, whole on every rank.

struct WholePart {
  Table table;  // in part order
  VectorD y;
};

void put_part(ByteWriter& w, const Table& part, const VectorD& y, const std::vector<Index>& positions) {
  w.put_span(std::span<const Index>(positions));
  w.put_span(std::span<const double>(y.data(), static_cast<std::size_t>(y.size())));
  detail::put_rows(w, part);
}

// Reads one part from every rank's bytes (`readers`, in rank order) and puts its rows in part order.
WholePart gather_part(std::vector<ByteReader>& readers, const Table& like, std::size_t size) {
  Table rows = detail::empty_like(like);
  std::vector<Index> positions;
  std::vector<double> y;
  for (ByteReader& r : readers) {
    const std::vector<Index> p = r.get_vector<Index>();
    const std::vector<double> v = r.get_vector<double>();
    positions.insert(positions.end(), p.begin(), p.end());
    y.insert(y.end(), v.begin(), v.end());
    detail::append_rows(r, rows);
  }
  std::vector<Index> order(size);  // order[t]: the gathered row at part position t
  for (std::size_t i = 0; i < positions.size(); ++i)
    order[static_cast<std::size_t>(positions[i])] = static_cast<Index>(i);
  WholePart out;
  out.table = std::move(rows).take(order);
  out.y = VectorD(static_cast<Index>(size));
  for (std::size_t t = 0; t < size; ++t) out.y[static_cast<Index>(t)] = y[static_cast<std::size_t>(order[t])];
  return out;
}

}  // namespace

ShardPreparedData prepare_shards(Table shard, const PrepareOptions& o, const Communicator& communicator) {
  if (o.target.empty()) throw DataError("prepare: no target column named; expected the option target");
  ShardPreparedData result;
  PreparedData& data = result.prepared;
  StepLog& log = data.steps;
  const std::string source = shard.source;

  // 1. Columns, identifier verdicts and the raw summary from the ranks' column records.
  std::vector<std::string> features;
  const std::vector<Bytes> raw_bytes = gather_agreed(communicator, [&] {
    features = feature_columns(shard, o);
    return raw_column_bytes(shard);
  });
  const std::vector<RawColumn> raw = combine_raw_columns(shard, raw_bytes);
  const std::vector<std::string> identifiers = leave_out_identifiers(shard, raw, o, features, log, data.warnings);
  const MissingPlan missing = plan_missing(shard, features, o);
  const std::vector<std::string> used = used_columns(features, o);
  DataSummary summary = raw_summary(shard, raw, used);  // its row counts come with the drops below
  const Column target_like = Column{o.target, shard.column(o.target).type, {}, {}, {}};
  const bool target_numeric = target_like.type == ColumnType::numeric;

  // 2-3. Drops and the target: counts, infinite targets and class values combined.
  Table table = select_columns(shard, &shard, features, o, log);
  LocalKept local;
  const std::vector<Bytes> kept_bytes = gather_agreed(communicator, [&] {
    local = drop_and_describe(std::move(table), missing, o, used);
    return local.bytes;
  });
  KeptRows kept = combine_kept(kept_bytes, target_like, o, source, missing.drop.size());
  summary.rows = kept.raw_rows;
  summary.rows_with_missing = kept.rows_with_missing;
  log_drops(kept, missing, o, source, target_numeric, log, data.warnings);
  const Target& target = kept.target;
  const Index rows = std::accumulate(kept.kept.begin(), kept.kept.end(), Index{0});
  log_target(target, o, rows, log);
  const TargetForm form = target_form(o, target_like);
  const VectorD y_local = local_target_values(local.table.column(o.target), kept, o, form);
  Index offset = 0;
  for (int r = 0; r < communicator.rank(); ++r) offset += kept.kept[static_cast<std::size_t>(r)];

  // 4. The split over the global numbering of the kept rows (stratified: all their class numbers).
  Target split_target = target;
  if (o.stratify && o.target_rule.kind != TargetKind::regression) {
    const std::vector<Bytes> labels = gather_agreed(communicator, [&] {
      ByteWriter w;
      w.put_span(std::span<const double>(y_local.data(), static_cast<std::size_t>(y_local.size())));
      return w.take();
    });
    std::vector<double> all;
    for (const Bytes& b : labels) {
      ByteReader r(b);
      const std::vector<double> part = r.get_vector<double>();
      all.insert(all.end(), part.begin(), part.end());
    }
    split_target.values = Eigen::Map<const VectorD>(all.data(), static_cast<Index>(all.size()));
  }
  const PartPositions positions = split_rows(split_target, rows, o, source, log);
  split_target = Target{};
  const bool has_validation = !positions.validation.empty();
  const Index mine = kept.kept[static_cast<std::size_t>(communicator.rank())];
  const LocalPart train = local_part(positions.train, offset, mine);
  const LocalPart validation = local_part(positions.validation, offset, mine);
  const LocalPart test = local_part(positions.test, offset, mine);
  PartTables parts = split_table(std::move(local.table), {train.rows, validation.rows, test.rows});
  result.train_positions = train.positions;
  data.train_rows = parts.train.row_labels;
  result.train_total = static_cast<Index>(positions.train.size());
  data.y_train = take(y_local, train.rows);
  const VectorD y_validation_local = take(y_local, validation.rows);
  const VectorD y_test_local = take(y_local, test.rows);

  // 5. Imputation fitted on the ranks' train rows; each rank fills its own rows of every part.
  FittedPreprocessing& fitted = data.preprocessing;
  fitted.missing = missing.impute.empty() ? MissingPolicy::drop_rows : MissingPolicy::impute;
  std::array<std::vector<Index>, 3> filled;  // cells filled per imputed column: train, validation, test
  if (!missing.impute.empty()) {
    fitted.imputer = detail::fit_imputer_over_ranks(parts.train.select(missing.impute), result.train_total, o.impute,
                                                    &log, communicator);
    std::array<Table*, 3> part_tables{&parts.train, &parts.validation, &parts.test};
    for (std::size_t p = 0; p < 3; ++p) {
      StepLog part_log;
      *part_tables[p] = fitted.imputer->transform(*part_tables[p], &part_log);
      for (const auto& v : fitted.imputer->values())
        filled[p].push_back(part_log.back().details.at("cells_filled_per_column").at(v.column).get<Index>());
    }
  }

  // 6a. The encoder on the union of the ranks' train levels; the train class counts beside them.
  std::vector<std::string> categorical;
  const ColumnIndex train_index(parts.train);
  for (const auto& name : features)
    if (train_index.column(name).type == ColumnType::categorical) categorical.push_back(name);
  const std::vector<Bytes> level_bytes = gather_agreed(communicator, [&] {
    ByteWriter w;
    for (const auto& name : categorical) detail::put_strings(w, train_index.column(name).levels());
    const std::vector<Index> counts = class_counts(data.y_train, target.classes.size());
    w.put_span(std::span<const Index>(counts));
    for (const auto& f : filled) w.put_span(std::span<const Index>(f));
    return w.take();
  });
  std::array<std::vector<Index>, 3> filled_total;
  for (auto& f : filled_total) f.assign(missing.impute.empty() ? 0 : fitted.imputer->values().size(), 0);
  std::vector<std::set<std::string>> levels(categorical.size());
  PartClassCounts counts;
  counts.train.assign(target.classes.size(), 0);
  for (const Bytes& b : level_bytes) {
    ByteReader r(b);
    for (auto& l : levels) {
      for (std::string& level : detail::get_strings(r)) l.insert(std::move(level));
    }
    const std::vector<Index> c = r.get_vector<Index>();
    for (std::size_t k = 0; k < c.size(); ++k) counts.train[k] += c[k];
    for (auto& f : filled_total) {
      const std::vector<Index> cells = r.get_vector<Index>();
      for (std::size_t k = 0; k < cells.size(); ++k) f[k] += cells[k];
    }
  }
  if (fitted.imputer) {
    log_imputation(*fitted.imputer, filled_total,
                   {result.train_total, static_cast<Index>(positions.validation.size()),
                    static_cast<Index>(positions.test.size())},
                   has_validation, log);
  }
  fit_encoder(level_table(parts.train, features, levels), features, o, fitted, log);
  data.feature_names = fitted.feature_names;

  // 7. The scaler from combined statistics; this rank's train rows scaled with it.
  MatrixD x_train;
  agree(communicator, [&] { x_train = build_matrix(parts.train, fitted.numeric_features, fitted.encoder); });
  parts.train = Table{};
  fitted.scaler =
      detail::fit_scaler_over_ranks(o.scaler, x_train, result.train_total, fitted.feature_names, communicator).scaler;
  const std::string constant_warning = log_scaler(o, fitted, result.train_total, x_train.cols(), log);
  data.x_train = scaled_float(fitted.scaler, std::move(x_train));

  // 7c. The validation and test parts gathered whole, then made as one process makes them.
  const std::vector<Bytes> part_bytes = gather_agreed(communicator, [&] {
    ByteWriter w;
    put_part(w, parts.validation, y_validation_local, validation.positions);
    put_part(w, parts.test, y_test_local, test.positions);
    return w.take();
  });
  std::vector<ByteReader> readers(part_bytes.begin(), part_bytes.end());
  WholePart whole_validation = gather_part(readers, parts.test, positions.validation.size());
  WholePart whole_test = gather_part(readers, parts.test, positions.test.size());
  parts = PartTables{};
  data.validation_rows = whole_validation.table.row_labels;
  data.test_rows = whole_test.table.row_labels;
  data.y_validation = std::move(whole_validation.y);
  data.y_test = std::move(whole_test.y);
  std::vector<UnseenLevels> unseen_validation, unseen_test;
  data.x_validation = scaled_float(
      fitted.scaler, build_matrix(whole_validation.table, fitted.numeric_features, fitted.encoder, &unseen_validation));
  data.x_test = scaled_float(fitted.scaler,
                             build_matrix(whole_test.table, fitted.numeric_features, fitted.encoder, &unseen_test));
  warn_unseen_levels(source, std::move(unseen_validation), unseen_test, data.warnings);
  if (!constant_warning.empty()) data.warnings.push_back(constant_warning);

  // 7b. The regression target's scaler (its checks run even when scaling is off, as prepare's).
  if (o.target_rule.kind == TargetKind::regression) {
    const TargetScaler scaler = fit_target_scaler(data.y_train, result.train_total, o.target, communicator);
    fitted.target_scaler = o.scale_target ? scaler : TargetScaler{};
    log_target_scaler(o, fitted.target_scaler, result.train_total, log);
  }
  if (data.x_train.cols() > result.train_total) {
    data.warnings.push_back(
        fmt::format("more features ({}) than train rows ({}); the network can fit the train rows "
                    "exactly, so judge it on the test split",
                    data.x_train.cols(), result.train_total));
  }

  // 8-9. The target's summary, the columns' handling, classes the train split lacks.
  fitted.target = o.target;
  fitted.target_rule = o.target_rule;
  fitted.target_classes = target.classes;
  if (!target.classes.empty()) {
    counts.validation = class_counts(data.y_validation, target.classes.size());
    counts.test = class_counts(data.y_test, target.classes.size());
  } else {
    counts.train.clear();
  }
  data.summary.target = target_summary(target, o, counts, has_validation);
  summarize_handling(std::move(summary), features, identifiers, data.steps, fitted, data.summary);
  warn_classes_missing_from_train(target, o, counts.train, data.warnings);
  return result;
}

}  // namespace lrtune
