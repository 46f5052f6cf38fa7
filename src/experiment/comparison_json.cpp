// The comparison as JSON: comparison.json's format (the CLI adds "command" and "out").
#include <vector>
#include "lrtune/experiment/experiment.hpp"

#include "lrtune/core/statistics.hpp"

namespace lrtune {
namespace {

// The runs, then for each test metric its mean and sample std over the runs that trained
// ("test_accuracy_mean", "test_rmse_std", ...).
nlohmann::json side_json(const ComparedRate& side) {
  nlohmann::json j;
  nlohmann::json runs = nlohmann::json::array();
  for (const Training& t : side.runs) runs.push_back(t);
  j["runs"] = runs;
  if (side.runs.empty() || !side.runs.front().started()) return j;
  for (const auto& [name, value] : side.runs.front().test.values) {
    std::vector<double> values;
    for (const Training& t : side.runs)
      if (t.started()) values.push_back(t.test.at(name));
    const MeanStd s = mean_and_std(values);
    j["test_" + name + "_mean"] = s.mean;
    j["test_" + name + "_std"] = s.std;
  }
  return j;
}

nlohmann::json search_summary(const TuningResult& t) {
  return {{"learning_rate", t.learning_rate},     {"best_epoch", t.best_epoch},
          {"validation_loss", t.validation_loss}, {"interval", {t.low, t.high}},
          {"candidates", t.candidates.size()},    {"rungs", t.rungs.size()},
          {"epochs_cost", t.epochs_cost},         {"grid_epochs_bound", t.grid_epochs_bound},
          {"total_seconds", t.total_seconds},     {"explanation", t.explanation}};
}

}  // namespace

void to_json(nlohmann::json& j, const ExperimentResult& r) {
  j = {{"task", std::string(target_kind_name(r.task))},
       {"task_explanation", r.task_explanation},
       {"rule", r.rule},
       {"pick", std::string(rate_pick_name(r.pick))},
       {"tuned_by", r.tuned_side.source},
       {"default_learning_rate", r.default_side.learning_rate},
       {"tuned_learning_rate", r.tuned_side.learning_rate},
       {"suggested_learning_rate", r.suggested_rate ? nlohmann::json(*r.suggested_rate) : nlohmann::json(nullptr)},
       {"suggestions", r.range_test.suggestions},
       {"repeats", r.repeats}};
  j[r.default_side.name] = side_json(r.default_side);
  j[r.tuned_side.name] = side_json(r.tuned_side);
  if (r.search) j["tuning"] = search_summary(*r.search);
}

}  // namespace lrtune
