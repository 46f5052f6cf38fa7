// Every rank draws the split of all rows.total rows (as one process does), keeps its rows that train
// and sends its held-out rows to every rank, each with its place in the split's order.
#include "lrtune/train/spread_validation_split.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "lrtune/core/split.hpp"

namespace lrtune {

namespace {

// Each global row's place: >= 0 its row number in the part that trains, < 0 -(its place in the
// held-out part) - 1.
std::vector<Index> places_in_split(const SplitIndices& split, Index total) {
  std::vector<Index> place(static_cast<std::size_t>(total), 0);
  for (std::size_t i = 0; i < split.train.size(); ++i)
    place[static_cast<std::size_t>(split.train[i])] = static_cast<Index>(i);
  for (std::size_t j = 0; j < split.test.size(); ++j)
    place[static_cast<std::size_t>(split.test[j])] = -static_cast<Index>(j) - 1;
  return place;
}

// The held-out rows of every rank placed in the split's order: each rank sends {places, X rows, y rows}.
void gather_validation(const Matrix& X, const Matrix& y, const std::vector<std::pair<Index, Index>>& mine,
                       const Communicator& communicator, SpreadValidationSplit& out) {
  std::vector<std::uint64_t> places;
  std::vector<float> values;
  for (const auto& [place, local] : mine) {
    places.push_back(static_cast<std::uint64_t>(place));
    for (Index k = 0; k < X.cols(); ++k) values.push_back(X(local, k));
    for (Index k = 0; k < y.cols(); ++k) values.push_back(y(local, k));
  }
  ByteWriter writer;
  writer.put_span(std::span<const std::uint64_t>(places));
  writer.put_span(std::span<const float>(values));
  for (const Bytes& part : communicator.allgather(writer.take())) {
    ByteReader reader(part);
    const auto their_places = reader.get_vector<std::uint64_t>();
    const auto their_values = reader.get_vector<float>();
    std::size_t at = 0;
    for (const std::uint64_t place : their_places) {
      const auto row = static_cast<Index>(place);
      for (Index k = 0; k < X.cols(); ++k) out.x_val(row, k) = their_values[at++];
      for (Index k = 0; k < y.cols(); ++k) out.y_val(row, k) = their_values[at++];
    }
  }
}

}  // namespace

SpreadValidationSplit split_spread_for_validation(const Matrix& X, const Matrix& y, const SpreadRows& rows,
                                                  double fraction, std::uint64_t seed, const Vector* sample_weights,
                                                  const Communicator& communicator) {
  const SplitIndices split = train_test_split_indices(rows.total, fraction, static_cast<std::uint32_t>(seed));
  const std::vector<Index> place = places_in_split(split, rows.total);
  std::vector<std::pair<Index, Index>> training, held_out;  // {place in its part, local row}
  for (std::size_t j = 0; j < rows.held.size(); ++j) {
    const Index p = place[static_cast<std::size_t>(rows.held[j])];
    (p >= 0 ? training : held_out).emplace_back(p >= 0 ? p : -p - 1, static_cast<Index>(j));
  }
  std::sort(training.begin(), training.end());

  SpreadValidationSplit out;
  out.total = static_cast<Index>(split.train.size());
  const auto n = static_cast<Index>(training.size());
  out.x_train.resize(n, X.cols());
  out.y_train.resize(n, y.cols());
  if (sample_weights != nullptr) out.w_train.resize(n);
  for (Index i = 0; i < n; ++i) {
    const auto [number, local] = training[static_cast<std::size_t>(i)];
    out.held.push_back(number);
    out.x_train.row(i) = X.row(local);
    out.y_train.row(i) = y.row(local);
    if (sample_weights != nullptr) out.w_train(i) = (*sample_weights)(local);
  }
  out.x_val.resize(static_cast<Index>(split.test.size()), X.cols());
  out.y_val.resize(static_cast<Index>(split.test.size()), y.cols());
  gather_validation(X, y, held_out, communicator, out);
  return out;
}

}  // namespace lrtune
