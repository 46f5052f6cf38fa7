// What the readers of a planned CSV file share (plan_csv_shards' plan: read_csv_shard's ranks and
// read_csv_in_parts): the head read again with read_csv's head reader and the plan's delimiter,
// and one part's bytes read from the file the plan was made for. Private to src/data.
#pragma once

#include <string>

#include "csv_parser.hpp"
#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/input_file.hpp"
#include "regular_file.hpp"

namespace lrtune::detail {

// The file's head (names, column plans, where the data records start), as read_csv reads it.
CsvHead read_planned_head(const RegularFile& file, const CsvShardPlan& plan, const CsvOptions& options,
                          const std::string& source);

// The part's bytes. Throws DataError when memory for them is refused, or when the file's size or
// modification time differ from the plan's after the read (a file rewritten meanwhile).
InputBytes read_planned_part(const RegularFile& file, const CsvShardPlan& plan, const CsvPart& part,
                             const std::string& source);

}  // namespace lrtune::detail
