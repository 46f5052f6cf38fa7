// lrtune.Model's C++ half: outputs for prepared feature rows (probabilities, or values in the
// target's units) and the model file, as `lrtune train` writes it. Labels and class names are the
// package's (python/lrtune/__init__.py).
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "lrtune/io/model_file.hpp"
#include "model.hpp"

namespace lrtune::python {
namespace {

// (rows, features) -> (rows, outputs): the output activation's values; regression in target units.
MatrixD outputs(Model& model, const MatrixD& x) {
  if (x.cols() != model.network.input_dim())
    throw UsageError("X has " + std::to_string(x.cols()) + " columns; the model reads " +
                     std::to_string(model.network.input_dim()) + " features");
  py::gil_scoped_release release;
  const Matrix predictions = model.network.predict(to_float(x));
  if (model.task.kind != TargetKind::regression) return predictions.cast<double>();
  return model.preprocessing.target_scaler.to_target_units(predictions);
}

void save(const Model& model, const std::string& path) {
  if (!model.prepared)
    throw UsageError(
        "save: the model was trained on arrays, without the fitted preprocessing a model file "
        "holds; train on lrtune.prepare(...)'s data or a table to save it");
  nlohmann::json settings = {{"source", "python"}};
  py::gil_scoped_release release;
  save_model(path, model.network, model.task.loss, model.preprocessing, settings);
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model>(m, "Model")
      .def("outputs", &outputs, py::arg("x"))
      .def("save", &save, py::arg("path"))
      .def_property_readonly("task", [](const Model& model) { return std::string(target_kind_name(model.task.kind)); })
      .def_property_readonly("class_names", [](const Model& model) { return model.preprocessing.target_classes; })
      .def_property_readonly("feature_names", [](const Model& model) { return model.preprocessing.feature_names; })
      .def_property_readonly("summary", [](const Model& model) { return model.network.summary(); })
      .def_property_readonly("parameter_count", [](const Model& model) { return model.network.parameter_count(); });
}

}  // namespace lrtune::python
