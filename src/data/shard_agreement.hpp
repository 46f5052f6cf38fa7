// Collectives that fail together: a rank whose own part of a step throws must not leave the others
// waiting in the next collective. Each gather carries its rank's outcome; when any rank failed, every
// rank throws the error of the lowest failing rank (its type and message), so all end alike.
#pragma once

#include <functional>
#include <vector>

#include "lrtune/core/communicator.hpp"

namespace lrtune::detail {

// Runs `local` (this rank's share of a step; it may throw) and gathers its bytes from every rank,
// indexed by rank. An lrtune::Error keeps its kind (a DataError its subject and split numbers); any
// other std::exception comes back as a DataError with its message.
std::vector<Bytes> gather_agreed(const Communicator& communicator, const std::function<Bytes()>& local);

}  // namespace lrtune::detail
