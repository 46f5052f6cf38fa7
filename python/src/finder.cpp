// The generic parts of the finder for any Python code: the suggestion rules on any curve, and the
// range test over a Python step function (a PyTorch training step, say). The sweep itself is the
// library's run_range_test; this file turns what the step returns into its StepResult and keeps
// Ctrl-C working (the step runs Python, so a KeyboardInterrupt surfaces within one step).
#include <map>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "binding.hpp"
#include "lrtune/finder/range_test.hpp"
#include "lrtune/finder/suggest_all.hpp"

namespace lrtune::python {
namespace {

CurveMode mode_from(const std::string& mode) {
  if (mode == "step") return CurveMode::per_step;
  if (mode == "epoch") return CurveMode::per_epoch;
  throw UsageError("mode must be 'step' or 'epoch', got '" + mode + "'");
}

RangeScheduleKind kind_from(const std::string& kind) {
  if (kind == "exponential") return RangeScheduleKind::exponential;
  if (kind == "linear") return RangeScheduleKind::linear;
  throw UsageError("spacing must be 'exponential' or 'linear', got '" + kind + "'");
}

// A step's answer: a number (the loss), or a dict with "loss" and optionally "validation_loss"
// and further numbers (metrics, recorded under their names).
StepResult step_result(const py::handle& answer) {
  StepResult result;
  if (!py::isinstance<py::dict>(answer)) {
    result.loss = answer.cast<double>();
    return result;
  }
  const py::dict dict = answer.cast<py::dict>();
  if (!dict.contains("loss")) throw UsageError("step_fn returned a dict without \"loss\"");
  for (const auto& [key, value] : dict) {
    const std::string name = key.cast<std::string>();
    if (name == "loss")
      result.loss = value.cast<double>();
    else if (name == "validation_loss")
      result.validation_loss = value.cast<double>();
    else
      result.metrics[name] = value.cast<double>();
  }
  return result;
}

py::object suggest(const std::vector<double>& learning_rates, const std::vector<double>& losses,
                   const std::string& mode, const std::string& rule) {
  SuggestOptions options;
  if (!rule.empty()) options.default_rule = rule_from_name(rule);
  nlohmann::json json = suggest_all(learning_rates, losses, mode_from(mode), options);
  return to_python(json);
}

py::object range_test(const py::function& step_fn, double start, double end, std::size_t num, const std::string& mode,
                      const std::string& spacing, std::optional<double> smoothing_beta, double diverge_factor,
                      const std::string& rule) {
  RangeTestOptions options;
  options.mode = mode_from(mode);
  options.schedule = {.kind = kind_from(spacing), .start = start, .end = end, .num_points = num};
  options.smoothing_beta = smoothing_beta;
  options.divergence = {.enabled = diverge_factor > 0.0, .factor = diverge_factor > 0.0 ? diverge_factor : 4.0};
  if (!rule.empty()) options.suggest.default_rule = rule_from_name(rule);
  RangeTestCurve curve;
  {
    // The sweep's own work is the library's; each step takes the GIL back to run Python.
    py::gil_scoped_release release;
    curve = run_range_test(
        [&](double lr) {
          py::gil_scoped_acquire acquire;
          StepResult result = step_result(step_fn(lr));
          // A Ctrl-C that arrived while the step ran C code (a torch kernel) is raised now.
          if (PyErr_CheckSignals() != 0) throw py::error_already_set();
          return result;
        },
        options);
  }
  nlohmann::json json = curve;
  return to_python(json);
}

}  // namespace

void bind_finder(py::module_& m) {
  m.def("suggest", &suggest, py::arg("learning_rates"), py::arg("losses"), py::arg("mode"), py::arg("rule"));
  m.def("range_test", &range_test, py::arg("step_fn"), py::arg("start"), py::arg("end"), py::arg("num"),
        py::arg("mode"), py::arg("spacing"), py::arg("smoothing_beta"), py::arg("diverge_factor"), py::arg("rule"));
}

}  // namespace lrtune::python
