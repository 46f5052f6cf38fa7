// read_csv_in_parts (csv_in_parts.hpp): the plan of part boundaries, the head read with read_csv's
// head reader, then each part parsed by read_csv's body reader and appended to the table.
#include "csv_in_parts.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lrtune/data/csv_shards.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/gzip.hpp"
#include "lrtune/data/input_file.hpp"

#include "csv_parser.hpp"
#include "csv_plan_reading.hpp"
#include "regular_file.hpp"

namespace lrtune::detail {
namespace {

// The parts' rows one after another, with the type rule's counts over all of them.
struct Accumulated {
  std::vector<Column> columns;
  std::vector<Index> numbers;   // by column: cells that parsed as numbers
  std::vector<TextCells> text;  // by column: non-numbers met in a column read as numeric, in file order
  Index rows = 0;
};

void append(Column& to, Column&& from) {
  to.numbers.insert(to.numbers.end(), from.numbers.begin(), from.numbers.end());
  to.strings.insert(to.strings.end(), std::make_move_iterator(from.strings.begin()),
                    std::make_move_iterator(from.strings.end()));
  to.missing.insert(to.missing.end(), from.missing.begin(), from.missing.end());
}

void add_part(Accumulated& all, BodyPass&& part, Index total_rows) {
  if (all.columns.empty()) {
    all.columns.resize(part.columns.size());
    all.numbers.assign(part.columns.size(), 0);
    all.text.resize(part.columns.size());
    for (std::size_t c = 0; c < part.columns.size(); ++c) {
      Column& column = all.columns[c];
      column.name = part.columns[c].name;
      column.type = part.columns[c].type;
      // The whole file's rows at once: growing by doubling would hold up to twice a column.
      if (column.type == ColumnType::numeric) column.numbers.reserve(static_cast<std::size_t>(total_rows));
      if (column.type == ColumnType::categorical) {
        column.strings.reserve(static_cast<std::size_t>(total_rows));
        column.missing.reserve(static_cast<std::size_t>(total_rows));
      }
    }
  }
  for (std::size_t c = 0; c < part.columns.size(); ++c) {
    // Counted in every part: a column may meet its text in a later part than its numbers.
    if (part.columns[c].type == ColumnType::numeric) all.numbers[c] += number_count(part.columns[c]);
    TextCells& cells = all.text[c];
    cells.count += part.text[c].count;
    for (auto& first : part.text[c].first)
      if (cells.first.size() < TextCells::kKept) cells.first.push_back(std::move(first));
    append(all.columns[c], std::move(part.columns[c]));
  }
  all.rows += part.rows;
}

class PartsReader {
 public:
  PartsReader(const std::filesystem::path& path, const CsvOptions& options, std::uint64_t part_bytes)
      : file_(path, "CSV file"), source_(path.string()), options_(options) {
    const std::uint64_t parts = std::max<std::uint64_t>(1, (file_.size() + part_bytes - 1) / part_bytes);
    plan_ = plan_csv_shards(path, options, static_cast<int>(std::min<std::uint64_t>(parts, 1U << 20)));
    head_ = read_planned_head(file_, plan_, options, source_);
  }

  CsvHead& head() { return head_; }

  // One pass over every part with the head's current plan.
  Accumulated pass() const {
    Accumulated all;
    for (const CsvPart& part : plan_.parts) {
      if (part.rows == 0) continue;
      const InputBytes bytes = read_planned_part(file_, plan_, part, source_);  // freed before the next part
      add_part(all, read_csv_body(bytes.view(), head_, options_, source_, BodyStart{part.first_line, part.first_row}),
               plan_.rows);
    }
    if (all.rows != plan_.rows)
      throw std::logic_error(fmt::format("{}: {} data rows read in parts, {} planned", source_, all.rows, plan_.rows));
    return all;
  }

 private:
  RegularFile file_;
  std::string source_;
  const CsvOptions& options_;
  CsvShardPlan plan_;
  CsvHead head_;
};

}  // namespace

bool reads_csv_in_parts(const std::filesystem::path& path, std::uint64_t part_bytes) {
  // Examined before it is opened: opening a FIFO to look at it would take its writer's data (the
  // writer meets no reader once it is closed again), and the reader after would wait forever.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error) || std::filesystem::file_size(path, error) <= part_bytes || error)
    return false;
  try {
    const RegularFile file(path, "CSV file");
    if (!file.regular() || file.size() <= part_bytes) return false;
    std::string start(2, '\0');
    start.resize(file.read(0, start.data(), start.size()));
    return !is_gzip(start);
  } catch (const DataError&) {
    return false;
  }
}

Table read_csv_in_parts(const std::filesystem::path& path, const CsvOptions& options, std::uint64_t part_bytes) {
  if (part_bytes == 0) throw std::invalid_argument("read_csv_in_parts: part_bytes must be > 0");
  PartsReader reader(path, options, part_bytes);
  Accumulated all = reader.pass();
  if (retype_csv_columns(reader.head(), all.numbers, all.text, path.string())) {
    all = Accumulated{};  // the first pass's columns go before the second fills new ones
    all = reader.pass();
  }
  Table table;
  table.source = path.string();
  table.columns = std::move(all.columns);
  table.row_labels.resize(static_cast<std::size_t>(all.rows));
  for (Index i = 0; i < all.rows; ++i) table.row_labels[static_cast<std::size_t>(i)] = i;
  return table;
}

}  // namespace lrtune::detail
