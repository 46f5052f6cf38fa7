// `lrtune evaluate` and `lrtune predict`: load a saved model, apply its fitted preprocessing
// to the raw rows of a CSV, then score (evaluate) or write probabilities and classes (predict).
// Every row of the CSV is accounted for: scored, or named with the reason it could not be.
#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/experiment/task_spec.hpp"
#include "lrtune/experiment/test_metrics.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/model_file.hpp"

namespace lrtune::cli {
namespace {

struct Scored {
  SavedModel loaded;
  AppliedData applied;
  Matrix probabilities;  // (scored rows, 1): the rows of applied.x
  Index rows = 0;        // data rows in the CSV: scored + applied.unscored
};

// Loads, applies and predicts; the preprocessing's warnings (unseen levels) are shown here.
Scored score(const CommandContext& c, const std::string& model_path, const std::string& data_path) {
  SavedModel loaded = load_model(model_path);
  const Table raw = read_csv(data_path, loaded.preprocessing.csv_options(csv_options(c.settings)));
  AppliedData applied = loaded.preprocessing.apply(raw);
  for (const auto& warning : applied.warnings) c.console.warning(warning + "\n");
  Matrix probabilities(0, 1);
  if (applied.x.rows() > 0) probabilities = loaded.model.predict(to_float(applied.x), 1024);
  return {std::move(loaded), std::move(applied), std::move(probabilities), raw.rows()};
}

// A CSV field: quoted (quotes doubled) when it holds a delimiter, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

int command_evaluate(CommandContext& c, const std::string& model_path, const std::string& data_path) {
  Scored scored = score(c, model_path, data_path);
  const auto& unscored = scored.applied.unscored;
  if (scored.applied.x.rows() == 0)
    throw DataError(fmt::format("{}: none of the {} rows can be scored ({})", data_path, scored.rows,
                                describe_unscored(unscored)));
  if (!scored.applied.y)
    throw DataError(fmt::format("{}: evaluate needs the target column '{}' without missing values", data_path,
                                scored.loaded.preprocessing.target));
  if (!unscored.empty())
    c.console.warning(fmt::format("{}: {} of {} rows not scored ({}); the scores are over the other {} rows\n",
                                  data_path, unscored.size(), scored.rows, describe_unscored(unscored),
                                  scored.applied.x.rows()));
  const FittedPreprocessing& p = scored.loaded.preprocessing;
  const TaskSpec task = task_spec(p.target_rule.kind, static_cast<Index>(p.target_classes.size()), scored.loaded.loss);
  const Matrix y = model_target(*scored.applied.y, task, p.target_scaler);
  const TestMetrics test = test_metrics(scored.loaded.model, task, to_float(scored.applied.x), y, p.target_scaler);
  c.console.result(fmt::format("{} rows: {}", test.rows, test_metrics_text(test, p.target_classes)));
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "evaluate"},
                              {"task", std::string(target_kind_name(task.kind))},
                              {"rows", test.rows},
                              {"rows_not_scored", unscored.size()}};
    for (const auto& [name, value] : test.values) summary[name] = value;
    if (test.confusion.size() > 0) summary["confusion"] = confusion_json(test.confusion);
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

int command_predict(CommandContext& c, const std::string& model_path, const std::string& data_path,
                    const std::string& output_csv) {
  Scored scored = score(c, model_path, data_path);
  const AppliedData& applied = scored.applied;
  // Scored and unscored rows, each list in file order, merged back into file order.
  std::string csv = "row,probability,class,reason\n";
  nlohmann::json predictions = nlohmann::json::array();
  std::size_t next_scored = 0, next_unscored = 0;
  while (next_scored < applied.row_labels.size() || next_unscored < applied.unscored.size()) {
    const bool take_scored = next_unscored == applied.unscored.size() ||
                             (next_scored < applied.row_labels.size() &&
                              applied.row_labels[next_scored] < applied.unscored[next_unscored].row_label);
    if (take_scored) {
      const Index row = applied.row_labels[next_scored];
      const float p = scored.probabilities(static_cast<Index>(next_scored++), 0);
      csv += fmt::format("{},{:.9g},{},\n", row, p, p > 0.5f ? 1 : 0);
      predictions.push_back({{"row", row}, {"probability", p}, {"class", p > 0.5f ? 1 : 0}});
    } else {
      const UnscoredRow& u = applied.unscored[next_unscored++];
      csv += fmt::format("{},,,{}\n", u.row_label, csv_field(u.reason));
      predictions.push_back({{"row", u.row_label}, {"probability", nullptr}, {"class", nullptr}, {"reason", u.reason}});
    }
  }
  if (!applied.unscored.empty())
    c.console.warning(fmt::format("{}: {} of {} rows have no prediction ({}); they are written with an empty "
                                  "probability and class and the reason\n",
                                  data_path, applied.unscored.size(), scored.rows, describe_unscored(applied.unscored)));
  if (output_csv.empty()) {
    if (!c.settings.json) fmt::print("{}", csv);
  } else {
    write_text_atomically(output_csv, csv);
    c.console.message(fmt::format("{} rows written to {}\n", scored.rows, output_csv));
  }
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "predict"},
                              {"rows", scored.rows},
                              {"rows_not_scored", applied.unscored.size()}};
    if (!output_csv.empty()) summary["output"] = output_csv;
    else summary["predictions"] = std::move(predictions);
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

}  // namespace lrtune::cli
