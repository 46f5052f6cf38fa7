// The comparison as JSON: comparison.json's format (the CLI adds "command" and "out").
#include "lrtune/experiment/experiment.hpp"
#include "lrtune/core/statistics.hpp"

namespace lrtune {
namespace {

nlohmann::json side_json(const ComparedRate& side) {
  nlohmann::json runs = nlohmann::json::array();
  std::vector<double> accuracy;
  for (const Training& t : side.runs) {
    runs.push_back(t);
    accuracy.push_back(t.test.at("accuracy"));
  }
  const MeanStd a = mean_and_std(accuracy);
  return {{"runs", runs}, {"test_accuracy_mean", a.mean}, {"test_accuracy_std", a.std}};
}

nlohmann::json search_summary(const TuningResult& t) {
  return {{"learning_rate", t.learning_rate},
          {"best_epoch", t.best_epoch},
          {"validation_loss", t.validation_loss},
          {"interval", {t.low, t.high}},
          {"candidates", t.candidates.size()},
          {"rungs", t.rungs.size()},
          {"epochs_cost", t.epochs_cost},
          {"grid_epochs_bound", t.grid_epochs_bound},
          {"total_seconds", t.total_seconds},
          {"explanation", t.explanation}};
}

}  // namespace

void to_json(nlohmann::json& j, const ExperimentResult& r) {
  j = {{"rule", r.rule},
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
