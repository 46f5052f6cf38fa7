// predict's rows per task: the model's outputs read as probabilities and classes, or as values in
// the target's units, merged in file order with the rows that have no prediction.
#include "lrtune/io/predictions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lrtune/core/error.hpp"
#include "lrtune/io/result_files.hpp"

namespace lrtune {
namespace {

// The scored rows' predictions in the task's terms.
struct TaskPredictions {
  TargetKind task = TargetKind::binary;
  Matrix probabilities;        // (rows, 1) binary, (rows, K) multiclass
  std::vector<Index> classes;  // (rows,) binary 0/1, multiclass the index into target_classes
  VectorD values;              // (rows,) regression, in target units
};

Index expected_outputs(const FittedPreprocessing& p) {
  return p.target_rule.kind == TargetKind::multiclass ? static_cast<Index>(p.target_classes.size()) : 1;
}

TaskPredictions task_predictions(const PredictionInputs& in) {
  const FittedPreprocessing& p = in.preprocessing;
  const Index rows = static_cast<Index>(in.applied.row_labels.size());
  if (in.outputs.rows() != rows || in.outputs.cols() != expected_outputs(p)) {
    throw UsageError(
        fmt::format("predictions: the outputs are ({}, {}); expected ({}, {}): one row per scored row and "
                    "{} for a {} target",
                    in.outputs.rows(), in.outputs.cols(), rows, expected_outputs(p),
                    p.target_rule.kind == TargetKind::multiclass ? "one column per class" : "one column",
                    target_kind_name(p.target_rule.kind)));
  }
  TaskPredictions out;
  out.task = p.target_rule.kind;
  if (out.task == TargetKind::regression) {
    out.values = p.target_scaler.to_target_units(in.outputs);
    return out;
  }
  out.probabilities = in.outputs;
  // A classifier with a linear output layer (the losses allow it: from_logits) gives logits.
  if (in.output_activation == Activation::linear && rows > 0) {
    activation_forward<float>(out.task == TargetKind::binary ? Activation::sigmoid : Activation::softmax,
                              out.probabilities, out.probabilities);
  }
  out.classes.resize(static_cast<std::size_t>(rows));
  for (Index i = 0; i < rows; ++i) {
    if (out.task == TargetKind::binary) {
      out.classes[static_cast<std::size_t>(i)] = out.probabilities(i, 0) > 0.5f ? 1 : 0;
      continue;
    }
    Index best = 0;  // ties: the first class of the largest probability (numpy's argmax)
    for (Index j = 1; j < out.probabilities.cols(); ++j) {
      if (out.probabilities(i, j) > out.probabilities(i, best)) best = j;
    }
    out.classes[static_cast<std::size_t>(i)] = best;
  }
  return out;
}

// Calls scored(i, row label) for the i-th scored row and unscored(row) for each unscored row, in
// file order: both lists are in file order, merged by row label.
template <typename Scored, typename Unscored>
void in_file_order(const AppliedData& applied, Scored&& scored, Unscored&& unscored) {
  std::size_t next_scored = 0, next_unscored = 0;
  while (next_scored < applied.row_labels.size() || next_unscored < applied.unscored.size()) {
    const bool take_scored = next_unscored == applied.unscored.size() ||
                             (next_scored < applied.row_labels.size() &&
                              applied.row_labels[next_scored] < applied.unscored[next_unscored].row_label);
    if (take_scored) {
      scored(static_cast<Index>(next_scored), applied.row_labels[next_scored]);
      ++next_scored;
    } else {
      unscored(applied.unscored[next_unscored++]);
    }
  }
}

std::string probability_prefix(const std::string& class_name) { return "p_" + class_name; }

}  // namespace

std::vector<std::string> prediction_columns(const FittedPreprocessing& preprocessing) {
  switch (preprocessing.target_rule.kind) {
    case TargetKind::binary: return {"row", "probability", "class", "reason"};
    case TargetKind::multiclass: {
      std::vector<std::string> columns = {"row"};
      for (const auto& name : preprocessing.target_classes) columns.push_back(csv_field(probability_prefix(name)));
      columns.insert(columns.end(), {"class", "reason"});
      return columns;
    }
    case TargetKind::regression: break;
  }
  return {"row", "value", "reason"};
}

std::string predictions_csv(const PredictionInputs& in) {
  const TaskPredictions t = task_predictions(in);
  const std::vector<std::string> columns = prediction_columns(in.preprocessing);
  std::string csv = fmt::format("{}\n", fmt::join(columns, ","));
  // An unscored row: its row, an empty cell per prediction column, its reason.
  const std::string empty_cells(columns.size() - 2, ',');
  in_file_order(
      in.applied,
      [&](Index i, Index row) {
        switch (t.task) {
          case TargetKind::binary:
            csv += fmt::format("{},{:.9g},{},\n", row, t.probabilities(i, 0), t.classes[static_cast<std::size_t>(i)]);
            return;
          case TargetKind::multiclass:
            csv += std::to_string(row);
            for (Index j = 0; j < t.probabilities.cols(); ++j) csv += fmt::format(",{:.9g}", t.probabilities(i, j));
            csv +=
                "," +
                csv_field(
                    in.preprocessing.target_classes[static_cast<std::size_t>(t.classes[static_cast<std::size_t>(i)])]) +
                ",\n";
            return;
          case TargetKind::regression: csv += fmt::format("{},{},\n", row, format_csv_number(t.values[i])); return;
        }
      },
      [&](const UnscoredRow& u) { csv += fmt::format("{}{},{}\n", u.row_label, empty_cells, csv_field(u.reason)); });
  return csv;
}

nlohmann::json predictions_json(const PredictionInputs& in) {
  const TaskPredictions t = task_predictions(in);
  const auto& classes = in.preprocessing.target_classes;
  nlohmann::json rows = nlohmann::json::array();
  in_file_order(
      in.applied,
      [&](Index i, Index row) {
        switch (t.task) {
          case TargetKind::binary:
            rows.push_back({{"row", row},
                            {"probability", t.probabilities(i, 0)},
                            {"class", t.classes[static_cast<std::size_t>(i)]}});
            return;
          case TargetKind::multiclass: {
            nlohmann::json r = {{"row", row}};
            for (Index j = 0; j < t.probabilities.cols(); ++j)
              r[probability_prefix(classes[static_cast<std::size_t>(j)])] = t.probabilities(i, j);
            r["class"] = classes[static_cast<std::size_t>(t.classes[static_cast<std::size_t>(i)])];
            rows.push_back(std::move(r));
            return;
          }
          case TargetKind::regression: rows.push_back({{"row", row}, {"value", t.values[i]}}); return;
        }
      },
      [&](const UnscoredRow& u) {
        nlohmann::json r = {{"row", u.row_label}};
        switch (t.task) {
          case TargetKind::binary:
            r["probability"] = nullptr;
            r["class"] = nullptr;
            break;
          case TargetKind::multiclass:
            for (const auto& name : classes) r[probability_prefix(name)] = nullptr;
            r["class"] = nullptr;
            break;
          case TargetKind::regression: r["value"] = nullptr; break;
        }
        r["reason"] = u.reason;
        rows.push_back(std::move(r));
      });
  return rows;
}

}  // namespace lrtune
