// The experiment's range test on a fresh model, and the rate a rule reads off its curve.
#include "lrtune/experiment/range_test.hpp"

#include "lrtune/experiment/model_options.hpp"
#include "lrtune/experiment/optimizer_options.hpp"
#include "lrtune/finder/suggestion.hpp"
#include "notify.hpp"

namespace lrtune {
namespace {

// The range test's points forwarded to the experiment's callbacks.
class PointForwarder final : public RangeTestCallback {
 public:
  explicit PointForwarder(const std::vector<ExperimentCallback*>& callbacks) : callbacks_(callbacks) {}
  void on_point(std::size_t index, double lr, double loss, double /*smoothed*/, RangeTestContext&) override {
    detail::notify(callbacks_, [&](ExperimentCallback& c) { c.on_range_test_point(index, lr, loss); });
  }

 private:
  const std::vector<ExperimentCallback*>& callbacks_;
};

}  // namespace

LRFinderOptions finder_options(const ExperimentOptions& o) {
  const RangeSweepOptions& r = o.range_test;
  LRFinderOptions options;
  if (r.schedule == CurveMode::per_epoch) {
    options = LRFinderOptions::recipe_per_epoch();
    options.schedule = RangeSchedule::recipe_per_epoch();
    options.schedule->start = r.effective_start();
    options.schedule->num_points = r.points;
  } else {
    options = LRFinderOptions::fastai_per_step(r.points, r.effective_start(), r.end);
  }
  options.batch_size = o.comparison.batch_size;
  options.seed = o.comparison.seed;
  if (!o.comparison.rule.empty()) options.suggest.default_rule = rule_from_name(o.comparison.rule);
  return options;
}

RangeTestCurve run_range_test(const ExperimentData& data, const ExperimentOptions& o) {
  Sequential model = build_model(o.model, data.x_train.cols(), data.task, o.comparison.seed);
  auto optimizer = build_optimizer(o.optimizer);
  LRFinderOptions options = finder_options(o);
  PointForwarder forward(o.callbacks);
  options.callbacks.push_back(&forward);
  options.cancel = o.cancel;
  options.metrics = epoch_metrics(o.model, data.task);
  LRFinder finder(model, *optimizer, data.task.loss, data.x_train, data.y_train, options);
  return finder.run();
}

std::optional<double> suggested_rate(const RangeTestCurve& curve, const std::string& rule, std::string* used) {
  const Suggestion* suggestion = rule.empty() ? nullptr : curve.suggestions.find(rule);
  if (!suggestion) suggestion = &curve.suggestions.default_suggestion();
  if (used) *used = suggestion->name;
  if (!suggestion->found) return std::nullopt;
  return suggestion->learning_rate;
}

}  // namespace lrtune
