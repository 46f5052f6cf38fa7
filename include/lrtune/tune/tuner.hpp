// The validated learning-rate search: a cheap per-step range test bounds an interval, log-spaced
// candidate rates inside it plus the optimizer's default rate train in lockstep (same initial
// weights, same mini-batches, spread over worker threads) and successive halving on validation
// loss keeps the better part of them, each candidate with early stopping and best-weight restore.
// The pick is noise-aware (pick.hpp): the default rate is kept unless a rate beats it by more than
// the noise, and a pick at an end of the candidates extends the interval. The test split is never
// seen: the tuner gets training rows only and holds its own validation part(s) out of them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/communicator.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/core/types.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/nn/losses.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/optimizer.hpp"
#include "lrtune/tune/tuner_callback.hpp"

namespace lrtune {

struct TunerOptions {
  // --- the interval and the candidates ---
  std::size_t candidates = 10;  // log-spaced rates across [low, high], both ends included; >= 2
  // Lower end: the range test's `minimum` suggestion divided by 10^decades_below_minimum (>= 1).
  double decades_below_minimum = 2.0;
  // Set both to skip the range test and search this interval instead (0 < low < high).
  std::optional<double> low;
  std::optional<double> high;
  // The per-step range test that bounds the interval (fastai's sweep by default); its batch
  // size and seed are taken from this struct.
  LRFinderOptions range_test = LRFinderOptions::fastai_per_step();

  // --- successive halving ---
  int first_rung_epochs = 4;   // epochs every candidate trains before the first cut; >= 1
  double rung_growth = 2.0;    // rung k ends at first_rung_epochs * rung_growth^k epochs; > 1
  double keep_fraction = 0.5;  // share of a rung's candidates promoted (rounded up, >= 1); (0, 1)
  int max_epochs = 100;        // no candidate trains longer; >= first_rung_epochs
  int patience = 10;           // early stopping on validation loss, best weights restored; >= 1
  double min_delta = 0.0;      // an improvement smaller than this does not reset patience
  // Slow starters: a candidate outside the promoted share stays when its validation loss is
  // still falling and, extrapolated over the next rung, would reach the promotion cut-off.
  bool keep_improving = true;

  // --- the pick (pick.hpp) ---
  // The rate the user would train at without a search (Adam's 1e-3): always a candidate, never cut
  // by halving (it trains to its early stop), and kept unless a rate beats it by more than
  // noise_margin standard errors of the paired per-row difference. Unset: the optimizer's rate as given.
  std::optional<double> default_rate;
  double noise_margin = 2.0;  // >= 0
  // A smoothed minimum at the lowest or highest candidate adds one log step beyond it, trained to
  // its early stop, and the pick is made again; at most this many times. >= 0
  int max_extensions = 2;
  // Small data: when fewer than small_data_rows rows are given (and no x_val), the search runs at
  // least small_data_splits repeats and repeat r holds out its own validation split (seed
  // validation_seed + r), so the scores average several validation parts. 1 turns this off.
  int small_data_splits = 3;     // >= 1
  Index small_data_rows = 2000;  // >= 0

  // --- data and training ---
  double validation_split = 0.2;                 // of the rows given, held out at random (scikit-learn's split)
  std::optional<std::uint64_t> validation_seed;  // default: seed
  const Matrix* x_val = nullptr;                 // explicit validation rows (both or neither) instead of the split
  const Matrix* y_val = nullptr;
  Index batch_size = 32;
  std::uint64_t seed = 0;   // repeat r draws weights and batch order from seed + r
  int repeats = 1;          // seeds per candidate; candidates are ranked on the mean over seeds
  std::size_t threads = 0;  // worker threads for the lockstep training; 0 = hardware concurrency
  // The processes to spread the training units over (not owned; null: this process alone). Every
  // rank must run the same search with the same options and data: each trains the units it owns
  // (unit i of the order they were created in: rank i % size), the records are gathered, and every
  // rank takes the same decisions, so the result is the single-process one bit for bit. A rank
  // builds only its own units' models and optimizers (the others' are records), so its memory is
  // ceil(units / size) trainings (search_memory's `ranks`); the range test runs on every rank, and
  // so does the refit (whole, or shared: refit_data_parallel).
  const Communicator* communicator = nullptr;
  std::vector<std::string> metrics = {"accuracy"};

  // --- after the search ---
  // Train a fresh model (seed) at the picked rate on training + validation rows for the pick's
  // best epoch count, instead of returning the candidate's restored best weights. Rows: the
  // given X, y (the validation split is undone), or X, y followed by x_val, y_val; batch order
  // from seed, as fit(seed). Skipped (result.refit false) when cancelled or no epoch was finite.
  bool refit = false;
  // The ranks that train the refit together, data-parallel (train/data_parallel.hpp: each takes its
  // contiguous shard of every batch; every rank holds every row), each running the same search
  // with the same options (not owned; may be `communicator` itself). The refit then equals one
  // process's up to float summation order (not bit for bit); with one rank it is the usual refit.
  // Its model may have no Dropout layer. null: each process trains the whole refit alone (every
  // rank of `communicator` repeats it).
  const Communicator* refit_data_parallel = nullptr;

  // Progress (tuner_callback.hpp): called in order, not owned; they must outlive run(). The range
  // test's own callbacks, if any, are range_test.callbacks.
  std::vector<TunerCallback*> callbacks;
  // Raised by the caller (Ctrl-C, or a callback): every candidate stops after its current step, the
  // result says cancelled and picks among what was trained. The candidates train on worker threads,
  // which read only this flag, so it is the one way to stop the search.
  const std::atomic<bool>* cancel = nullptr;

  void validate() const;  // throws UsageError naming the option, its value and the range
};

enum class CandidateStatus {
  eliminated,     // cut at a rung
  early_stopped,  // patience ran out (in at least half of its repeats); its best weights are final
  max_epochs,     // reached max_epochs
  diverged,       // validation or training loss became non-finite
  cancelled,      // the user stopped the search
};
std::string_view candidate_status_name(CandidateStatus status);  // lower_snake, as the enumerators

struct TuningCandidate {
  double learning_rate = 0.0;
  // Per repeat: validation loss after each epoch trained (epoch e, 0-based, at index e).
  std::vector<std::vector<double>> validation_losses;
  std::vector<double> best_validation_losses;  // per repeat: the lowest of the above (+inf if none is finite)
  std::vector<int> best_epochs;                // per repeat: its epoch (0-based, as History; -1 if none is finite)
  std::vector<int> epochs_trained;             // per repeat
  // Mean of best_validation_losses: what halving and the pick compare; +inf when a repeat diverged
  // (a rate that blows up in one seed is not recommended, whatever its other seeds reached).
  double score = 0.0;
  double score_std = 0.0;  // sample std over repeats (0 with one repeat, NaN when score is not finite)
  // Score at the end of each rung the candidate took part in (index = rung).
  std::vector<double> rung_scores;
  CandidateStatus status = CandidateStatus::eliminated;
  double smoothed_score = 0.0;  // the score smoothed across log rate (what the pick ranks; +inf when diverged)
  bool is_default = false;      // the optimizer's default rate
  bool extension = false;       // added beyond an end of the interval after the halving
  int last_rung = 0;            // the last rung it trained in (-1: an extension, trained outside the rungs)
  std::string reason;           // one line: why it was promoted, kept or cut
};

struct TuningRung {
  int epochs = 0;                           // every candidate of the rung trains up to this many epochs
  std::vector<std::size_t> candidates;      // indices into TuningResult::candidates
  std::vector<std::size_t> promoted;        // in the top keep_fraction
  std::vector<std::size_t> kept_improving;  // outside it but still improving (slow starters)
  double cutoff_score = 0.0;                // the last promoted candidate's score (NaN: cancelled before the cut)
  double epochs_cost = 0.0;                 // epochs trained in this rung, summed over candidates and repeats
  double seconds = 0.0;
};

struct TuningResult {
  RangeTestCurve range_test;  // empty when the interval was given
  double low = 0.0, high = 0.0;
  std::string low_reason, high_reason;      // how each end was found
  std::vector<TuningCandidate> candidates;  // in rate order
  std::vector<TuningRung> rungs;
  std::size_t pick = 0;               // index of the recommended candidate
  std::size_t default_candidate = 0;  // index of the optimizer's default rate
  std::size_t challenger = 0;         // the lowest smoothed score: the rate tested against the default
  bool kept_default = false;          // the default was kept (the challenger, or within the noise)
  double difference_percent = 0.0;    // challenger - default, % of the default's loss (NaN when not compared)
  double noise_percent = 0.0;         // one standard error of that difference, % (NaN when not compared)
  double noise_margin = 0.0;          // the standard errors required
  std::string decision;               // the pick's reason: the noise, the margin and the decision
  int extensions = 0;                 // candidates added beyond an end of the interval
  int validation_splits = 1;          // distinct validation parts the repeats used
  double learning_rate = 0.0;         // its rate
  int best_epoch = -1;                // epoch of its best validation loss (0-based, as History; median over
                                      // repeats; -1 if none is finite). Printed lines say best_epoch + 1.
  int model_epochs = 0;               // epochs the returned model was trained for: best_epoch + 1 when refit,
                                      // else repeat 0's best epoch + 1, whose weights it holds (0: untrained)
  double validation_loss = 0.0;       // its score
  double validation_loss_std = 0.0;
  std::string explanation;  // one paragraph for people: the pick and why
  bool refit = false;       // the final model was retrained on training + validation rows
  bool cancelled = false;
  int repeats = 1;
  Index training_rows = 0, validation_rows = 0;  // of repeat 0's split
  double epochs_cost = 0.0;                      // all candidate epochs (range test excluded), summed over repeats
  double grid_epochs_bound = 0.0;                // candidates * repeats * max_epochs: the same grid trained in full
  double range_test_seconds = 0.0;
  double search_seconds = 0.0;
  double refit_seconds = 0.0;
  double total_seconds = 0.0;
  std::size_t threads = 1;
};

void to_json(nlohmann::json& j, const TuningCandidate& c);
void to_json(nlohmann::json& j, const TuningRung& r);
void to_json(nlohmann::json& j, const TuningResult& r);  // the range-test curve included

class Tuner {
 public:
  // prototype: the architecture (its weights are redrawn per repeat with initialize(seed + r));
  // optimizer: cloned per candidate with its rate set; X, y: training rows only. All are only
  // read and must outlive the Tuner. X (samples, features), y (samples, outputs) or (samples,), as
  // fit takes them. Throws UsageError on options or shapes.
  Tuner(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const Matrix& X, const Matrix& y,
        TunerOptions options = {});
  Tuner(const Sequential& prototype, const Optimizer& optimizer, Loss loss, const Matrix& X, const Vector& y,
        TunerOptions options = {});
  Tuner(const Tuner&) = delete;  // y_ may refer to the Tuner's own y_owned_
  Tuner& operator=(const Tuner&) = delete;

  // The search, between options.callbacks' on_search_begin and on_search_end.
  TuningResult run();

  // After run(): the recommended model — the picked candidate's restored best weights (repeat 0),
  // or the refitted model when options.refit. Throws std::logic_error before run() or when the
  // search was cancelled before any candidate was created (during the range test).
  const Sequential& model() const;

 private:
  void check() const;     // the constructors' validation
  TuningResult search();  // run() without the begin and end hooks

  const Sequential& prototype_;
  const Optimizer& optimizer_;
  Loss loss_;
  const Matrix& x_;
  Matrix y_owned_;  // (samples, 1): a (samples,) y made a column; empty when y was a Matrix
  const Matrix& y_;
  TunerOptions options_;
  std::optional<Sequential> model_;
};

}  // namespace lrtune
