// read_planned_head and read_planned_part (csv_plan_reading.hpp).
#include "csv_plan_reading.hpp"

#include <fmt/format.h>

#include "lrtune/data/error.hpp"

namespace lrtune::detail {

CsvHead read_planned_head(const RegularFile& file, const CsvShardPlan& plan, const CsvOptions& options,
                          const std::string& source) {
  std::string head_text(plan.head_bytes, '\0');
  head_text.resize(file.read(0, head_text.data(), head_text.size()));
  CsvOptions head_options = options;
  head_options.delimiter = plan.delimiter;
  return read_csv_head(head_text, head_options, source);
}

InputBytes read_planned_part(const RegularFile& file, const CsvShardPlan& plan, const CsvPart& part,
                             const std::string& source) {
  const std::size_t length = part.end - part.begin;
  InputBytes bytes;
  if (!bytes.reserve(length)) {
    throw DataError(fmt::format("{}: cannot allocate {} bytes of memory to read bytes {} to {}", source, length,
                                part.begin, part.end));
  }
  bytes.extend(file.read(part.begin, bytes.tail(), length));
  file.check_unchanged(plan.file_size, plan.modified_ns);  // neither shrunk nor rewritten meanwhile
  return bytes;
}

}  // namespace lrtune::detail
