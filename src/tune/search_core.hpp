// Private to tune: the search's orchestration, shared by the Tuner (Sequential units) and
// search_trainers (a user's trainers): the candidates with the default rate, the rungs of lockstep
// training and halving cuts, the noise-aware pick with its interval extensions, and the shared
// sentences of the explanation. How a unit trains is the unit's (lockstep.hpp, trainer_unit.hpp);
// the interval, the data and what becomes of the pick are the callers'.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lockstep.hpp"
#include "lrtune/core/communicator.hpp"
#include "lrtune/tune/pick.hpp"
#include "lrtune/tune/tuner.hpp"

namespace lrtune::detail {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0);

// Makes the unit of a candidate rate for repeat r (the caller decides what r means: a seed, a split).
using UnitFactory = std::function<std::unique_ptr<SearchUnit>(double learning_rate, std::size_t repeat)>;

// Candidate c's units, one per repeat, and the search's shared state. Units are assigned to ranks
// in creation order; `make_unit` is called only for this rank's, the others are RecordUnits under
// `rules` (the factory's units' rules), which hold the gathered records only.
class Search {
 public:
  Search(UnitFactory make_unit, const UnitRules& rules, std::size_t repeats, const Communicator& communicator,
         TuningResult& result);

  // Inserts a candidate at position `at` (rates stay in increasing order); indices held in the
  // rungs and the default index shift past it.
  void insert_candidate(std::size_t at, double rate);

  std::size_t size() const { return units_.size(); }
  std::size_t repeats() const { return repeats_; }
  const Communicator& communicator() const { return communicator_; }
  SearchUnit& unit(std::size_t c, std::size_t r) { return *units_[c][r]; }

  std::vector<SearchUnit*> running_units(const std::vector<std::size_t>& candidates);
  double epochs_of(const std::vector<std::size_t>& candidates) const;
  std::vector<UnitState> states(std::size_t c) const;
  bool finished(std::size_t c) const;

  // Copies the units' records into the candidate and scores it.
  void record(std::size_t c);
  // What the pick reads: scores, each repeat's best validation loss and per-row validation losses.
  std::vector<PickCandidate> pick_candidates();

 private:
  void gather_row_losses();

  UnitFactory make_unit_;
  UnitRules rules_;
  std::size_t repeats_;
  TuningResult& result_;
  const Communicator& communicator_;
  std::size_t next_unit_ = 0;  // units created so far: the next one's ownership index
  std::vector<std::vector<std::unique_ptr<SearchUnit>>> units_;
  std::vector<std::optional<std::vector<std::vector<double>>>> row_losses_;
};

// The candidates (o.candidates log-spaced across [result.low, result.high] plus `default_rate`),
// successive halving over them and the pick with its extensions, recorded into `result` (with
// search_seconds, threads and grid_epochs_bound). Reads the halving, patience, pick, threads,
// cancel and callbacks options of `o`.
void search_candidates(Search& search, TuningResult& result, const TunerOptions& o, double default_rate);

// The median of 0-based best epochs (-1: none), as TuningResult::best_epoch.
int median_best_epoch(std::vector<int> best_epochs);
std::string rate_text(double lr);
// The explanation's middle: the cancel, and the decision with the pick's loss and epoch (or why no
// candidate has a finite loss; `model_returned`: the caller returns the pick's model).
std::string pick_text(const TuningResult& r, bool model_returned);

}  // namespace lrtune::detail
