// `lrtune evaluate` and `lrtune predict`: load a saved model, apply its fitted preprocessing
// to the raw rows of a CSV, then score (evaluate) or write probabilities and classes (predict).
#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/model_file.hpp"

namespace lrtune::cli {
namespace {

struct Scored {
  SavedModel loaded;
  AppliedData applied;
  Matrix probabilities;  // (rows, 1)
};

Scored score(const Settings& s, const std::string& model_path, const std::string& data_path) {
  SavedModel loaded = load_model(model_path);
  const Table raw = read_csv(data_path, loaded.preprocessing.csv_options(csv_options(s)));
  AppliedData applied = loaded.preprocessing.apply(raw);
  Matrix probabilities = loaded.model.predict(to_float(applied.x), 1024);
  return {std::move(loaded), std::move(applied), std::move(probabilities)};
}

}  // namespace

int command_evaluate(CommandContext& c, const std::string& model_path, const std::string& data_path) {
  Scored scored = score(c.settings, model_path, data_path);
  if (!scored.applied.y)
    throw DataError(fmt::format("{}: evaluate needs the target column '{}' without missing values", data_path,
                                scored.loaded.preprocessing.target));
  const Vector y = to_float(*scored.applied.y);
  const Logs logs = evaluate(scored.loaded.model, scored.loaded.loss, to_float(scored.applied.x), y);
  const Confusion m = confusion(scored.probabilities, y);
  c.console.result(fmt::format("{} rows: loss {:.4f}, accuracy {:.4f}\n{}", y.size(), logs.at("loss"),
                               logs.at("accuracy"), confusion_text(m)));
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "evaluate"},
                              {"rows", y.size()},
                              {"loss", logs.at("loss")},
                              {"accuracy", logs.at("accuracy")},
                              {"confusion", {{m.tn, m.fp}, {m.fn, m.tp}}}};
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

int command_predict(CommandContext& c, const std::string& model_path, const std::string& data_path,
                    const std::string& output_csv) {
  Scored scored = score(c.settings, model_path, data_path);
  std::string csv = "row,probability,class\n";
  for (Index i = 0; i < scored.probabilities.rows(); ++i) {
    const float p = scored.probabilities(i, 0);
    csv += fmt::format("{},{:.9g},{}\n", scored.applied.row_labels[static_cast<std::size_t>(i)], p, p > 0.5f ? 1 : 0);
  }
  if (output_csv.empty()) {
    if (!c.settings.json) fmt::print("{}", csv);
  } else {
    write_text_atomically(output_csv, csv);
    c.console.message(fmt::format("{} predictions written to {}\n", scored.probabilities.rows(), output_csv));
  }
  if (c.settings.json) {
    nlohmann::json summary = {{"command", "predict"}, {"rows", scored.probabilities.rows()}};
    if (!output_csv.empty()) summary["output"] = output_csv;
    else {
      std::vector<double> probabilities;
      for (Index i = 0; i < scored.probabilities.rows(); ++i) probabilities.push_back(scored.probabilities(i, 0));
      summary["probabilities"] = probabilities;
    }
    fmt::print("{}\n", summary.dump(2));
  }
  return kExitOk;
}

}  // namespace lrtune::cli
