// read_csv_shard (csv_shards.hpp): the plan broadcast from rank 0, each rank's byte range parsed by
// read_csv's body reader, then two gathers at most: every rank's type counts (or its failure), and,
// when a column turns out to be text, the failures of reading the ranges again with the agreed
// types. Every rank takes the same decisions from the same gathered bytes, so all reach the same
// collectives and throw the same error.
#include "lrtune/data/csv_shards.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lrtune/core/error.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/input_file.hpp"

#include "csv_parser.hpp"
#include "csv_plan_reading.hpp"
#include "regular_file.hpp"

namespace lrtune {
namespace {

// A rank's failure as the other ranks receive it: the error's kind (so that every rank throws the
// same type) and its message; kind 0 is no failure.
struct Failure {
  std::uint8_t kind = 0;  // 0: none; 1 + ErrorKind: an lrtune::Error; kOther: any other exception
  std::string message;
  static constexpr std::uint8_t kOther = 255;
  explicit operator bool() const { return kind != 0; }
};

Failure attempt(const std::function<void()>& work) {
  try {
    work();
    return {};
  } catch (const Error& e) {
    return {static_cast<std::uint8_t>(1 + static_cast<int>(e.kind())), e.what()};
  } catch (const std::exception& e) {
    return {Failure::kOther, e.what()};
  }
}

[[noreturn]] void rethrow(const Failure& failure) {
  if (failure.kind == Failure::kOther) throw std::runtime_error(failure.message);
  const auto kind = static_cast<ErrorKind>(failure.kind - 1);
  if (kind == ErrorKind::data) throw DataError(failure.message);
  if (kind == ErrorKind::usage) throw UsageError(failure.message);
  throw Error(kind, failure.message);
}

void put_failure(ByteWriter& w, const Failure& failure) {
  // The message first: GCC 12 takes an inlined put() into the fresh buffer for an overflow.
  w.put_string(failure.message);
  w.put(failure.kind);
}

Failure get_failure(ByteReader& r) {
  Failure failure;
  failure.message = r.get_string();
  failure.kind = r.get<std::uint8_t>();
  return failure;
}

// The lowest rank's failure (the first in file order), thrown on every rank; nothing if none failed.
void throw_first_failure(const std::vector<Bytes>& gathered) {
  for (const Bytes& bytes : gathered) {
    ByteReader r(bytes);
    if (const Failure failure = get_failure(r)) rethrow(failure);
  }
}

void put_plan(ByteWriter& w, const CsvShardPlan& plan) {
  w.put(plan.delimiter);
  w.put(plan.head_bytes);
  w.put(plan.file_size);
  w.put(plan.modified_ns);
  w.put(plan.rows);
  w.put<std::uint64_t>(plan.parts.size());
  for (const CsvPart& part : plan.parts) {
    w.put(part.begin);
    w.put(part.end);
    w.put(part.first_row);
    w.put(part.rows);
    w.put(part.first_line);
  }
}

CsvShardPlan get_plan(ByteReader& r) {
  CsvShardPlan plan;
  plan.delimiter = r.get<char>();
  plan.head_bytes = r.get<std::uint64_t>();
  plan.file_size = r.get<std::uint64_t>();
  plan.modified_ns = r.get<std::int64_t>();
  plan.rows = r.get<Index>();
  plan.parts.resize(r.get<std::uint64_t>());
  for (CsvPart& part : plan.parts) {
    part.begin = r.get<std::uint64_t>();
    part.end = r.get<std::uint64_t>();
    part.first_row = r.get<Index>();
    part.rows = r.get<Index>();
    part.first_line = r.get<long>();
  }
  return plan;
}

// Rank 0 plans one part per rank; every rank gets the plan, or rank 0's error to throw.
CsvShardPlan agree_plan(const std::filesystem::path& path, const CsvOptions& options,
                        const Communicator& communicator) {
  Bytes bytes;
  if (communicator.rank() == 0) {
    CsvShardPlan plan;
    const Failure failure = attempt([&] { plan = plan_csv_shards(path, options, communicator.size()); });
    ByteWriter w;
    put_failure(w, failure);
    if (!failure) put_plan(w, plan);
    bytes = w.take();
  }
  communicator.broadcast(bytes, 0);
  ByteReader r(bytes);
  if (const Failure failure = get_failure(r)) rethrow(failure);
  return get_plan(r);
}

// One rank's part: the head read again from the file's start (so the columns and their plan are
// read_csv's), the range's bytes held while its passes run.
class PartReader {
 public:
  PartReader(const std::filesystem::path& path, const CsvOptions& options, const CsvShardPlan& plan,
             const CsvPart& part)
      : path_(path), source_(path.string()), options_(options), plan_(plan), part_(part) {}

  void open() {
    const detail::RegularFile file(path_, "CSV file");
    file.check_unchanged(plan_.file_size, plan_.modified_ns);  // the file rank 0 planned
    head_ = detail::read_planned_head(file, plan_, options_, source_);
    if (head_.body_offset != plan_.parts.front().begin) {
      throw std::logic_error(fmt::format("{}: the planned data start (byte {}) is not the header's end (byte {})",
                                         source_, plan_.parts.front().begin, head_.body_offset));
    }
    bytes_ = detail::read_planned_part(file, plan_, part_, source_);
  }

  detail::CsvHead& head() { return head_; }

  // One pass over the range's records with the head's current plan.
  detail::BodyPass pass() const {
    detail::BodyPass pass = detail::read_csv_body(bytes_.view(), head_, options_, source_,
                                                  detail::BodyStart{part_.first_line, part_.first_row});
    if (pass.rows != part_.rows) {
      throw std::logic_error(fmt::format("{}: {} data rows read from line {} on, {} planned", source_, pass.rows,
                                         part_.first_line, part_.rows));
    }
    return pass;
  }

 private:
  std::filesystem::path path_;
  std::string source_;
  const CsvOptions& options_;
  const CsvShardPlan& plan_;
  const CsvPart& part_;
  detail::CsvHead head_;
  InputBytes bytes_;
};

// What the type rule needs from a rank's pass: by column, the cells that parsed as numbers and the
// text cells (the count and the first few, only for columns that met any).
void put_counts(ByteWriter& w, const detail::CsvHead& head, const detail::BodyPass& pass) {
  std::vector<Index> numbers(pass.columns.size(), 0);
  std::vector<std::uint64_t> with_text;
  for (std::size_t c = 0; c < pass.columns.size(); ++c) {
    if (head.plan[c].type == ColumnType::numeric && !head.plan[c].forced)
      numbers[c] = detail::number_count(pass.columns[c]);
    if (pass.text[c].count > 0) with_text.push_back(c);
  }
  w.put_span(std::span<const Index>(numbers));
  w.put<std::uint64_t>(with_text.size());
  for (const std::uint64_t c : with_text) {
    const detail::TextCells& text = pass.text[c];
    w.put(c);
    w.put(text.count);
    w.put<std::uint64_t>(text.first.size());
    for (const auto& [line, cell] : text.first) {
      w.put(line);
      w.put_string(cell);
    }
  }
}

// The file's counts: sums over ranks, the first text cells in rank (file) order.
void add_counts(ByteReader& r, std::vector<Index>& numbers, std::vector<detail::TextCells>& text) {
  const std::vector<Index> mine = r.get_vector<Index>();
  for (std::size_t c = 0; c < numbers.size(); ++c) numbers[c] += mine.at(c);
  const auto columns = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < columns; ++i) {
    detail::TextCells& cells = text.at(r.get<std::uint64_t>());
    cells.count += r.get<Index>();
    const auto kept = r.get<std::uint64_t>();
    for (std::uint64_t k = 0; k < kept; ++k) {
      const long line = r.get<long>();
      std::string cell = r.get_string();
      if (cells.first.size() < detail::TextCells::kKept) cells.first.emplace_back(line, std::move(cell));
    }
  }
}

}  // namespace

CsvShard read_csv_shard(const std::filesystem::path& path, const CsvOptions& options,
                        const Communicator& communicator) {
  const std::string source = path.string();
  const CsvShardPlan plan = agree_plan(path, options, communicator);
  const CsvPart& part = plan.parts.at(static_cast<std::size_t>(communicator.rank()));
  PartReader reader(path, options, plan, part);
  detail::BodyPass pass;

  // First pass: columns not forced are read as numbers; the counts decide the file's types.
  const Failure failure = attempt([&] {
    reader.open();
    pass = reader.pass();
  });
  ByteWriter w;
  put_failure(w, failure);
  if (!failure) put_counts(w, reader.head(), pass);
  const std::vector<Bytes> gathered = communicator.allgather(w.take());
  throw_first_failure(gathered);
  const std::size_t columns = reader.head().names.size();
  std::vector<Index> numbers(columns, 0);
  std::vector<detail::TextCells> text(columns);
  for (const Bytes& bytes : gathered) {
    ByteReader r(bytes);
    get_failure(r);
    add_counts(r, numbers, text);
  }

  // The same decision on every rank (the mostly-numeric error alike); then, when a column is
  // text in the file, the range is read again as read_csv reads the whole body again.
  if (detail::retype_csv_columns(reader.head(), numbers, text, source)) {
    pass = detail::BodyPass{};  // the first pass's columns go before the second fills new ones
    const Failure again = attempt([&] { pass = reader.pass(); });
    ByteWriter w2;
    put_failure(w2, again);
    throw_first_failure(communicator.allgather(w2.take()));
  }

  CsvShard shard;
  shard.first_row = part.first_row;
  shard.total_rows = plan.rows;
  shard.table.source = source;
  shard.table.columns = std::move(pass.columns);
  shard.table.row_labels.resize(static_cast<std::size_t>(pass.rows));
  for (Index i = 0; i < pass.rows; ++i) shard.table.row_labels[static_cast<std::size_t>(i)] = part.first_row + i;
  return shard;
}

}  // namespace lrtune
