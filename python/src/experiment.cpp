// The experiment API for Python: data prepared from a table (or taken from arrays), then the range
// test, the validated search, one training or the whole `lrtune run`, each the library's call with
// the options the keyword arguments give (options.cpp), run with the GIL released and Ctrl-C as its
// cancel flag. Results leave as the JSON forms the CLI writes (to_python) plus the Model.
#include <cmath>
#include <optional>
#include <string>

#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include "lrtune/data/error.hpp"
#include "lrtune/data/target_scaler.hpp"
#include "lrtune/experiment/range_test.hpp"
#include "lrtune/experiment/search.hpp"
#include "lrtune/experiment/training.hpp"
#include "model.hpp"

namespace lrtune::python {
namespace {

// The data every workflow trains on, and whether it has what a model file and test scores need.
struct Dataset {
  ExperimentData data;
  bool prepared = false;  // from a table: the fitted preprocessing is whole
  bool has_test = false;
};

Model model_of(const Dataset& dataset, const Sequential& network) {
  return Model{network, dataset.data.task, dataset.data.prepared.preprocessing, dataset.prepared};
}

Dataset prepare(const std::string& path, std::optional<std::string> csv_text, const py::dict& kwargs) {
  ExperimentOptions options = experiment_options(kwargs);
  options.data.path = path;
  options.data.csv_text = std::move(csv_text);
  std::atomic<bool> cancel{false};
  options.data.csv.cancel = &cancel;
  return {run_interruptible(cancel, [&] { return load_data(options.data); }), true, true};
}

// The task of a target given as numbers: told, or regression unless every value is a whole
// number >= 0 (class numbers; two classes are binary).
TaskSpec task_of(const VectorD& y, const ExperimentOptions& options) {
  const bool classes_like = y.size() > 0 && (y.array() >= 0).all() && (y.array() == y.array().round()).all();
  TargetKind kind = classes_like ? TargetKind::binary : TargetKind::regression;
  const Index classes = classes_like ? static_cast<Index>(y.maxCoeff()) + 1 : 0;
  if (classes_like && classes > 2) kind = TargetKind::multiclass;
  if (options.data.task) kind = *options.data.task;
  if (kind != TargetKind::regression && !classes_like)
    throw DataError("y: a " + std::string(target_kind_name(kind)) + " target needs class numbers 0, 1, ...");
  return task_spec(kind, std::max<Index>(classes, 2), options.data.loss);
}

// Arrays as the engine's data: features as given (already scaled: no preprocessing is fitted),
// the target in model units (a regression target standardised on the train rows, as prepare does).
Dataset from_arrays(const MatrixD& x, const VectorD& y, std::optional<MatrixD> x_test, std::optional<VectorD> y_test,
                    const py::dict& kwargs) {
  if (x.rows() != y.size())
    throw UsageError("X has " + std::to_string(x.rows()) + " rows and y " + std::to_string(y.size()));
  if (x_test.has_value() != y_test.has_value()) throw UsageError("X_test and y_test go together");
  const ExperimentOptions options = experiment_options(kwargs);
  Dataset dataset;
  ExperimentData& d = dataset.data;
  d.task = task_of(y, options);
  const TargetScaler scaler = d.task.kind == TargetKind::regression ? TargetScaler::fit(y, "y") : TargetScaler{};
  d.prepared.preprocessing.target_scaler = scaler;
  d.prepared.y_train = y;
  d.task_explanation = std::string(target_kind_name(d.task.kind)) + " (from y's values, or task=)";
  d.x_train = to_float(x);
  d.y_train = model_target(y, d.task, scaler);
  if (x_test) {
    d.x_test = to_float(*x_test);
    d.y_test = model_target(*y_test, d.task, scaler);
    d.prepared.y_test = *y_test;
    dataset.has_test = true;
  }
  return dataset;
}

py::object find(const Dataset& dataset, const py::dict& kwargs) {
  ExperimentOptions options = experiment_options(kwargs);
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  const RangeTestCurve curve = run_interruptible(cancel, [&] { return run_range_test(dataset.data, options); });
  return to_python(nlohmann::json(curve));
}

// {"records": one dict per epoch, "summary": how it ended}: the history's two JSON files, and
// "columns": the names in the order the training logged them (loss, metrics, val_*, lr, as Keras),
// which the records lose (a JSON object's keys come back sorted).
py::dict history_dict(const History& history) {
  py::dict dict;
  dict["columns"] = history.names();
  dict["records"] = to_python(history.records_json());
  dict["summary"] = to_python(history.summary_json());
  return dict;
}

py::dict test_dict(const TestMetrics& test) {
  py::dict dict;
  dict["rows"] = test.rows;
  for (const auto& [name, value] : test.values) dict[py::str(name)] = value;
  return dict;
}

// (search result, model or None, test scores or None).
py::tuple tune(const Dataset& dataset, const py::dict& kwargs) {
  ExperimentOptions options = experiment_options(kwargs);
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  SearchRun run =
      run_interruptible(cancel, [&] { return run_search(dataset.data, options, options.comparison.repeats); });
  py::object model = py::none(), test = py::none();
  if (run.model) {
    Model m = model_of(dataset, *run.model);
    if (dataset.has_test) {
      const TestMetrics scores = [&] {
        py::gil_scoped_release release;
        return test_metrics(m.network, dataset.data.task, dataset.data.x_test, dataset.data.y_test,
                            dataset.data.prepared.preprocessing.target_scaler);
      }();
      test = test_dict(scores);
    }
    model = py::cast(std::move(m));
  }
  return py::make_tuple(to_python(nlohmann::json(run.result)), model, test);
}

// One training as a dict: the CLI's summary (with test_* when there is a test split), its history, its model.
py::dict training_dict(const Dataset& dataset, const Training& training) {
  nlohmann::json json = training;
  if (!dataset.has_test)
    for (auto it = json.begin(); it != json.end();) it = it.key().rfind("test_", 0) == 0 ? json.erase(it) : ++it;
  py::dict dict = to_python(json).cast<py::dict>();
  dict["history"] = history_dict(training.history);
  dict["model"] = training.model ? py::cast(model_of(dataset, *training.model)) : py::none();
  return dict;
}

py::dict fit(const Dataset& dataset, double learning_rate, const py::dict& kwargs) {
  ExperimentOptions options = experiment_options(kwargs);
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  const Training training = run_interruptible(
      cancel, [&] { return train_and_evaluate(dataset.data, options, learning_rate, options.comparison.seed); });
  return training_dict(dataset, training);
}

py::dict run(const Dataset& dataset, const py::dict& kwargs) {
  ExperimentOptions options = experiment_options(kwargs);
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  const ExperimentResult result = run_interruptible(cancel, [&] { return run_experiment(dataset.data, options); });
  py::dict dict;
  dict["comparison"] = to_python(nlohmann::json(result));
  dict["range_test"] = to_python(nlohmann::json(result.range_test));
  dict["search"] = result.search ? to_python(nlohmann::json(*result.search)) : py::none();
  for (const ComparedRate* side : {&result.default_side, &result.tuned_side}) {
    py::list runs;
    for (const Training& training : side->runs) runs.append(training_dict(dataset, training));
    dict[py::str(side->name + "_runs")] = runs;
  }
  return dict;
}

}  // namespace

void bind_experiment(py::module_& m) {
  py::class_<Dataset>(m, "Dataset")
      .def_property_readonly("x_train", [](const Dataset& d) { return d.data.x_train; })
      .def_property_readonly("x_test", [](const Dataset& d) { return d.data.x_test; })
      .def_property_readonly("y_train", [](const Dataset& d) { return d.data.prepared.y_train; })
      .def_property_readonly("y_test", [](const Dataset& d) { return d.data.prepared.y_test; })
      .def_property_readonly("feature_names",
                             [](const Dataset& d) { return d.data.prepared.preprocessing.feature_names; })
      .def_property_readonly("class_names",
                             [](const Dataset& d) { return d.data.prepared.preprocessing.target_classes; })
      .def_property_readonly("task", [](const Dataset& d) { return std::string(target_kind_name(d.data.task.kind)); })
      .def_property_readonly("task_explanation", [](const Dataset& d) { return d.data.task_explanation; })
      .def_property_readonly("warnings", [](const Dataset& d) { return d.data.prepared.warnings; })
      .def_property_readonly(
          "summary", [](const Dataset& d) { return d.prepared ? d.data.prepared.summary.to_text() : std::string(); })
      .def_property_readonly("preprocessing", [](const Dataset& d) -> py::object {
        if (!d.prepared) return py::none();
        return to_python(d.data.prepared.preprocessing.to_json());
      });
  m.def("prepare", &prepare, py::arg("path"), py::arg("csv_text"), py::arg("options"));
  m.def("from_arrays", &from_arrays, py::arg("x"), py::arg("y"), py::arg("x_test"), py::arg("y_test"),
        py::arg("options"));
  m.def("find", &find, py::arg("data"), py::arg("options"));
  m.def("tune", &tune, py::arg("data"), py::arg("options"));
  m.def("fit", &fit, py::arg("data"), py::arg("learning_rate"), py::arg("options"));
  m.def("run", &run, py::arg("data"), py::arg("options"));
}

}  // namespace lrtune::python
