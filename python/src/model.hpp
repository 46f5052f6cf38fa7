// A trained model as Python sees it: the network with its loss, task and the fitted preprocessing
// (when the data came through prepare), so that it predicts and saves as `lrtune train` does.
#pragma once

#include "binding.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/nn/sequential.hpp"

namespace lrtune::python {

struct Model {
  Sequential network;
  TaskSpec task;
  FittedPreprocessing preprocessing;  // target classes and scaler; features only with `prepared`
  bool prepared = false;              // the data came from a table: save() can write the preprocessing
};

}  // namespace lrtune::python
