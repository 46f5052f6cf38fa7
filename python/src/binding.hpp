// What the binding's files share: the parts each binds, JSON to Python, the options a Python call
// passes (a dict of the keyword arguments), and the runner that keeps Ctrl-C working while the
// library trains with the GIL released. The binding uses the library's public headers only.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <utility>

#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

#include "lrtune/experiment/experiment.hpp"

namespace lrtune::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_finder(py::module_& m);
void bind_experiment(py::module_& m);
void bind_model(py::module_& m);
void bind_search(py::module_& m);

// A JSON value as Python objects (dict, list, str, float, int, bool, None).
py::object to_python(const nlohmann::json& json);

// The experiment options of a Python call: `kwargs` holds the public function's keyword
// arguments (python/lrtune/__init__.py gives each the CLI's default); a missing key keeps the
// library's default. UsageError on a bad value, as the CLI's flags.
ExperimentOptions experiment_options(const py::dict& kwargs);

// Runs `work` (pure C++: it must not touch Python objects) on a worker thread with the GIL
// released, while the calling thread runs Python's signal handlers every 20 ms. Ctrl-C there
// raises `cancel`, the library stops after its current step (the options' cancel flag), and the
// KeyboardInterrupt is raised here once the work has returned. The library's exceptions come
// through unchanged (errors.cpp maps them).
template <class Work>
auto run_interruptible(std::atomic<bool>& cancel, Work&& work) -> decltype(work()) {
  std::optional<py::error_already_set> interrupt;
  auto future = std::async(std::launch::async, std::forward<Work>(work));
  {
    py::gil_scoped_release release;
    while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      py::gil_scoped_acquire acquire;
      if (!interrupt && PyErr_CheckSignals() != 0) {
        interrupt.emplace();  // fetches the pending KeyboardInterrupt
        cancel = true;
      }
    }
  }
  if (interrupt) throw std::move(*interrupt);
  return future.get();
}

}  // namespace lrtune::python
