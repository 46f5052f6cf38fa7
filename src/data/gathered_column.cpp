// A column of every rank's shard gathered whole: a one-column table's rows through the byte
// collective, appended in rank order.
#include "lrtune/data/gathered_column.hpp"

#include <string>

#include "table_bytes.hpp"

namespace lrtune {

Column gathered_column(const Table& shard, std::string_view name, const Communicator& communicator) {
  // The same columns on every rank: a bad name fails on all alike, before any collective.
  const Table mine = shard.select({std::string(name)}, "target");
  ByteWriter writer;
  detail::put_rows(writer, mine);
  Table whole = detail::empty_like(mine);
  for (const Bytes& part : communicator.allgather(writer.take())) {
    ByteReader reader(part);
    detail::append_rows(reader, whole);
  }
  return std::move(whole.columns.front());
}

}  // namespace lrtune
