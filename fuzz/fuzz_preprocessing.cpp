// Fuzz target: the whole data pipeline (prepare) on an arbitrary table. The first two bytes
// choose the options (target column, target rule, missing-value policy and imputers, split,
// stratification, validation part, scaler, unknown levels); the rest is a CSV file. DataError
// (and UsageError for options the data makes impossible) are expected answers.
// On success: the parts partition the rows, matrices have the right shapes, the fitted
// preprocessing survives its JSON form and applies to the same table.
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "fuzz_targets.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"

namespace lrtune::fuzz {
namespace {

// A value of the target column to build a rule around: its first non-missing cell.
std::optional<std::string> first_value(const Column& c) {
  for (std::size_t r = 0; r < c.missing.size() || r < c.numbers.size(); ++r) {
    if (c.type == ColumnType::numeric) {
      if (!std::isnan(c.numbers[r])) return fmt::format("{}", c.numbers[r]);
    } else if (!c.missing[r]) {
      return c.strings[r];
    }
  }
  return std::nullopt;
}

PrepareOptions options_from(std::uint8_t a, std::uint8_t b, const Table& table) {
  PrepareOptions o;
  const Column& target = table.columns[static_cast<std::size_t>(b % table.columns.size())];
  o.target = target.name;
  const std::string value = first_value(target).value_or("0");
  switch (a & 7) {
    case 0: o.target_rule = TargetRule::parse(">=" + value); break;
    case 1: o.target_rule = TargetRule::parse("<" + value); break;
    case 2: o.target_rule = TargetRule::parse("!=" + value); break;
    case 3: o.target_rule = TargetRule::positive(value); break;
    case 4: o.target_rule = TargetRule::multiclass(); break;
    case 5: o.target_rule = TargetRule::regression(); break;
    default: o.target_rule = TargetRule::parse(value); break;
  }
  if (a & 8) {
    o.missing = MissingPolicy::impute;
    constexpr ImputeStrategy kNumeric[] = {ImputeStrategy::mean, ImputeStrategy::median, ImputeStrategy::most_frequent,
                                           ImputeStrategy::constant};
    o.impute.numeric = kNumeric[(a >> 4) & 3];
    o.impute.categorical = (a & 64) ? ImputeStrategy::constant : ImputeStrategy::most_frequent;
  }
  o.stratify = (a & 128) != 0;
  o.test_size = (b & 16) ? 0.5 : 0.2;
  o.validation_size = (b & 32) ? 0.25 : 0.0;
  constexpr ScalerKind kScalers[] = {ScalerKind::standard, ScalerKind::min_max, ScalerKind::none, ScalerKind::standard};
  o.scaler = kScalers[(b >> 6) & 3];
  o.encoder.unknown = (b & 8) ? UnknownLevel::all_zero : UnknownLevel::error;
  if ((b & 4) && table.columns.size() > 2) {
    const std::string& dropped =
        table.columns[(static_cast<std::size_t>(b % table.columns.size()) + 1) % table.columns.size()].name;
    if (dropped != o.target) o.drop_columns = {dropped};
  }
  return o;
}

}  // namespace

int fuzz_preprocessing(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  Table table;
  try {
    table = parse_csv(text, {}, "<fuzz>");
  } catch (const DataError&) {
    return 0;
  }
  if (table.columns.empty()) return 0;

  PreparedData prepared;
  try {
    prepared = prepare(table, options_from(data[0], data[1], table));
  } catch (const DataError&) {
    return 0;
  } catch (const lrtune::UsageError&) {  // options the data makes impossible
    return 0;
  }

  const auto features = static_cast<Index>(prepared.feature_names.size());
  const auto check_part = [&](const Matrix& x, const VectorD& y, const std::vector<Index>& rows, const char* part) {
    expect(x.rows() == static_cast<Index>(rows.size()) && y.size() == x.rows(),
           std::string(part) + ": rows of x, y and the row list differ");
    expect(x.cols() == features, std::string(part) + ": x has the wrong number of columns");
  };
  check_part(prepared.x_train, prepared.y_train, prepared.train_rows, "train");
  check_part(prepared.x_validation, prepared.y_validation, prepared.validation_rows, "validation");
  check_part(prepared.x_test, prepared.y_test, prepared.test_rows, "test");
  std::vector<Index> all = prepared.train_rows;
  all.insert(all.end(), prepared.validation_rows.begin(), prepared.validation_rows.end());
  all.insert(all.end(), prepared.test_rows.begin(), prepared.test_rows.end());
  std::sort(all.begin(), all.end());
  expect(std::adjacent_find(all.begin(), all.end()) == all.end(), "a row is in two parts");
  for (Index label : all)
    expect(std::binary_search(table.row_labels.begin(), table.row_labels.end(), label), "a part holds an unknown row");

  // The fitted preprocessing: through JSON and back, then applied to the same table.
  const nlohmann::json json = prepared.preprocessing.to_json();
  const FittedPreprocessing restored = FittedPreprocessing::from_json(json);
  expect(restored.to_json() == json, "the fitted preprocessing changes through its JSON form");
  try {
    const AppliedData applied = restored.apply(table);
    expect(applied.x.cols() == features, "apply gives a different number of features");
    expect(applied.x.rows() == static_cast<Index>(applied.row_labels.size()), "apply: rows of x and labels differ");
  } catch (const DataError&) {
    // e.g. a level of the test part unseen in train with UnknownLevel::error
  }
  return 0;
}

}  // namespace lrtune::fuzz

#ifdef LRTUNE_LIBFUZZER
LRTUNE_FUZZ_ENTRY(lrtune::fuzz::fuzz_preprocessing)
#endif
