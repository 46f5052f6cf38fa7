// The experiment's data choices turned into prepare()'s options, and the prepared data in float32.
#include "lrtune/experiment/data_options.hpp"

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/target.hpp"

namespace lrtune {

PrepareOptions prepare_options(const DataOptions& d) {
  PrepareOptions options;
  options.target = d.target;
  options.target_rule = TargetRule::parse(d.positive);
  if (options.target_rule.kind != TargetKind::binary)
    throw UsageError(fmt::format("positive '{}': the experiment trains binary classifiers only; give a "
                                 "comparison ('>=6') or the positive class of target {}",
                                 d.positive, d.target));
  options.drop_columns = d.drop;
  options.test_size = d.test_size;
  options.split_seed = d.split_seed;
  options.encoder.unknown = d.unknown_levels;
  options.missing = d.missing;
  options.impute = d.impute;
  return options;
}

ExperimentData load_data(const DataOptions& d) {
  const PrepareOptions options = prepare_options(d);
  CsvOptions csv = d.csv;
  // A dropped column is not used: a few non-numbers in it are no reason to stop.
  csv.lenient_columns.insert(d.drop.begin(), d.drop.end());
  ExperimentData data;
  data.prepared = d.csv_text ? prepare(parse_csv(*d.csv_text, csv, d.path), options)
                             : prepare(std::filesystem::path(d.path), options, csv);
  data.x_train = to_float(data.prepared.x_train);
  data.x_test = to_float(data.prepared.x_test);
  data.y_train = to_float(data.prepared.y_train);
  data.y_test = to_float(data.prepared.y_test);
  return data;
}

}  // namespace lrtune
