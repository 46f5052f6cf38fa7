// gather_agreed: the outcome travels in front of the payload, so that one collective both shares
// the data and tells every rank whether to go on.
#include "shard_agreement.hpp"

#include <exception>
#include <string>

#include "lrtune/data/error.hpp"

namespace lrtune::detail {

namespace {

// What a failed rank sends: enough to throw the same error elsewhere.
enum class Failure : std::uint8_t { none, data, usage, other_error, foreign };

Bytes failure_bytes(Failure failure, int kind, int subject, const std::string& what,
                    const std::optional<SplitShortfall>& shortfall) {
  ByteWriter w;
  w.put(failure);
  w.put(kind);
  w.put(subject);
  w.put_string(what);
  w.put<std::uint8_t>(shortfall ? 1 : 0);
  if (shortfall) {
    w.put_string(shortfall->source);
    w.put(shortfall->rows);
    w.put(shortfall->test_size);
    w.put(shortfall->train);
    w.put(shortfall->test);
  }
  return w.take();
}

[[noreturn]] void throw_failure(ByteReader& r, Failure failure) {
  const int kind = r.get<int>();
  const int subject = r.get<int>();
  const std::string what = r.get_string();
  if (r.get<std::uint8_t>() == 1) {
    SplitShortfall s;
    s.source = r.get_string();
    s.rows = r.get<Index>();
    s.test_size = r.get<double>();
    s.train = r.get<Index>();
    s.test = r.get<Index>();
    throw DataError(s);
  }
  switch (failure) {
    case Failure::data: throw DataError(what, static_cast<DataErrorSubject>(subject));
    case Failure::usage: throw UsageError(what);
    case Failure::other_error: throw Error(static_cast<ErrorKind>(kind), what);
    default: throw DataError(what);
  }
}

}  // namespace

std::vector<Bytes> gather_agreed(const Communicator& communicator, const std::function<Bytes()>& local) {
  Bytes mine;
  try {
    Bytes payload = local();
    mine.push_back(static_cast<std::uint8_t>(Failure::none));
    mine.insert(mine.end(), payload.begin(), payload.end());
  } catch (const DataError& e) {
    mine = failure_bytes(Failure::data, static_cast<int>(e.kind()), static_cast<int>(e.subject()), e.what(),
                         e.split_shortfall());
  } catch (const UsageError& e) {
    mine = failure_bytes(Failure::usage, static_cast<int>(e.kind()), 0, e.what(), std::nullopt);
  } catch (const Error& e) {
    mine = failure_bytes(Failure::other_error, static_cast<int>(e.kind()), 0, e.what(), std::nullopt);
  } catch (const std::exception& e) {
    mine = failure_bytes(Failure::foreign, 0, 0, e.what(), std::nullopt);
  }
  std::vector<Bytes> all = communicator.allgather(mine);
  for (const Bytes& bytes : all) {
    ByteReader r(bytes);
    const auto failure = r.get<Failure>();
    if (failure != Failure::none) throw_failure(r, failure);
  }
  for (Bytes& bytes : all) bytes.erase(bytes.begin());  // the outcome byte; the payload stays
  return all;
}

}  // namespace lrtune::detail
