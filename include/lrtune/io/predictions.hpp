// What `predict` writes for each data row of a file, per task, as CSV text and as JSON: binary,
// the probability and the 0/1 class; multiclass, one probability per class in the model's class
// order and the name of the most probable class; regression, the value in the target's units.
// Rows without a prediction keep their place, with the reason. Applying the preprocessing, running
// the model and writing the file are the caller's.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lrtune/core/types.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/nn/activations.hpp"

namespace lrtune {

// A model's outputs for the scored rows of a data file, read as the task of its preprocessing.
struct PredictionInputs {
  const FittedPreprocessing& preprocessing;  // the task, target_classes, target_scaler
  Activation output_activation;              // linear on a classifier: logits, turned into probabilities here
  const AppliedData& applied;                // row_labels of the scored rows, unscored rows with reasons
  // (scored rows, outputs) in model units, the rows of applied.x in order: 1 output for binary and
  // regression, one per class for multiclass.
  const Matrix& outputs;
};

// The CSV header cells of the task, in order (already quoted as csv_field quotes: RFC 4180):
//   binary      row,probability,class,reason
//   multiclass  row,p_<class 0>,...,p_<class K-1>,class,reason
//   regression  row,value,reason
std::vector<std::string> prediction_columns(const FittedPreprocessing& preprocessing);

// The CSV: the header, then one line per data row in file order (scored and unscored merged by
// row label). Probabilities as float32 to 9 significant digits ("{:.9g}", which reads back to the
// same float); binary class 1 when p > 0.5; multiclass class the first class of largest
// probability; regression value target_scaler.to_target_units(output), the shortest text that
// reads back to the same double. An unscored row has empty cells but its row and reason. Lines end
// with "\n". Throws UsageError when outputs does not have one row per scored row and the task's
// columns.
std::string predictions_csv(const PredictionInputs& inputs);

// The same rows as a JSON array of objects, in file order: {"row", "probability", "class"} (binary,
// class 0/1), {"row", "p_<class>"..., "class"} (multiclass, class the name), {"row", "value"}
// (regression); an unscored row has null in place of each prediction and "reason".
nlohmann::json predictions_json(const PredictionInputs& inputs);

}  // namespace lrtune
