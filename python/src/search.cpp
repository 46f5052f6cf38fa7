// lrtune.search over Python trainers: make_trainer(lr, seed, fold) returns an object whose
// train_epoch() trains one epoch and returns the validation loss, or (loss, per-row losses). The
// search itself is the library's search_trainers; this file adapts the objects, holds the GIL
// around each Python call and keeps Ctrl-C working (run_interruptible).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "binding.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/finder/curve.hpp"
#include "lrtune/tune/epoch_trainer.hpp"

namespace lrtune::python {
namespace {

// A 1-D sequence of numbers as doubles (a NumPy array, a list, a torch tensor's .numpy()).
std::vector<double> row_losses_of(const py::handle& rows) {
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(rows);
  if (!array || array.ndim() != 1)
    throw UsageError("train_epoch: the per-row losses must be a 1-D array of numbers (rows,)");
  return {array.data(), array.data() + array.size()};
}

// What train_epoch() returned: a number, or a (loss, per-row losses) pair.
EpochReport epoch_report(const py::handle& answer) {
  if (py::isinstance<py::tuple>(answer)) {
    const auto pair = answer.cast<py::tuple>();
    if (pair.size() != 2)
      throw UsageError(
          fmt::format("train_epoch returned a tuple of {} items; valid: loss or (loss, row_losses)", pair.size()));
    return {.validation_loss = pair[0].cast<double>(), .row_losses = row_losses_of(pair[1])};
  }
  try {
    return {.validation_loss = answer.cast<double>()};
  } catch (const py::cast_error&) {
    throw UsageError(fmt::format("train_epoch returned a {}; valid: a number or (loss, row_losses)",
                                 py::str(answer.get_type().attr("__name__")).cast<std::string>()));
  }
}

// A Python trainer. The search runs with the GIL released: each call takes it, and so does the
// destructor (the object's reference count is Python's).
class PythonTrainer final : public EpochTrainer {
 public:
  explicit PythonTrainer(py::object trainer) : trainer_(std::move(trainer)) {}
  PythonTrainer(const PythonTrainer&) = delete;
  PythonTrainer& operator=(const PythonTrainer&) = delete;
  ~PythonTrainer() override {
    const py::gil_scoped_acquire acquire;
    trainer_ = py::object();
  }
  EpochReport train_epoch() override {
    const py::gil_scoped_acquire acquire;
    return epoch_report(trainer_.attr("train_epoch")());
  }

 private:
  py::object trainer_;
};

template <class T>
void set_if_given(const py::dict& kwargs, const char* key, T& field) {
  if (kwargs.contains(key) && !kwargs[key].is_none()) field = kwargs[key].cast<T>();
}

SearchOptions search_options(const py::dict& kwargs) {
  SearchOptions o;
  set_if_given(kwargs, "candidates", o.candidates);
  set_if_given(kwargs, "low", o.low);
  set_if_given(kwargs, "high", o.high);
  set_if_given(kwargs, "default_rate", o.default_rate);
  set_if_given(kwargs, "decades_below_minimum", o.decades_below_minimum);
  set_if_given(kwargs, "first_rung_epochs", o.first_rung_epochs);
  set_if_given(kwargs, "rung_growth", o.rung_growth);
  set_if_given(kwargs, "keep_fraction", o.keep_fraction);
  set_if_given(kwargs, "keep_improving", o.keep_improving);
  set_if_given(kwargs, "max_epochs", o.max_epochs);
  set_if_given(kwargs, "patience", o.patience);
  set_if_given(kwargs, "min_delta", o.min_delta);
  set_if_given(kwargs, "noise_margin", o.noise_margin);
  set_if_given(kwargs, "max_extensions", o.max_extensions);
  set_if_given(kwargs, "repeats", o.repeats);
  set_if_given(kwargs, "folds", o.folds);
  set_if_given(kwargs, "seed", o.seed);
  set_if_given(kwargs, "threads", o.threads);
  if (kwargs.contains("range_test") && !kwargs["range_test"].is_none())  // the curve's JSON text
    o.range_test = nlohmann::json::parse(kwargs["range_test"].cast<std::string>()).get<RangeTestCurve>();
  return o;
}

py::object search(const py::function& make_trainer, const py::dict& kwargs) {
  SearchOptions options = search_options(kwargs);
  options.validate();  // here, so a bad option is a ValueError before anything runs
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  const TrainerFactory factory = [&](double lr, std::uint64_t seed, int fold) -> std::unique_ptr<EpochTrainer> {
    const py::gil_scoped_acquire acquire;
    py::object trainer = make_trainer(lr, seed, fold);
    if (!py::hasattr(trainer, "train_epoch"))
      throw UsageError(fmt::format("make_trainer({:.3g}, {}, {}) returned a {} without a train_epoch() method", lr,
                                   seed, fold, py::str(trainer.get_type().attr("__name__")).cast<std::string>()));
    return std::make_unique<PythonTrainer>(std::move(trainer));
  };
  const TuningResult result = run_interruptible(cancel, [&] { return search_trainers(factory, options); });
  return to_python(nlohmann::json(result));
}

}  // namespace

void bind_search(py::module_& m) { m.def("search", &search, py::arg("make_trainer"), py::arg("options")); }

}  // namespace lrtune::python
