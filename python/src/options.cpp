// The keyword arguments of lrtune.find / tune / fit / run (a dict from the package) mapped to the
// library's ExperimentOptions once, as the CLI's workflow.cpp maps its flags: the same names in
// snake_case, the same meaning. A key the dict lacks keeps the library's default.
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "binding.hpp"
#include "lrtune/core/error.hpp"
#include "lrtune/finder/suggestion.hpp"

namespace lrtune::python {
namespace {

// kwargs[key] as T when present and not None.
template <class T>
void read(const py::dict& kwargs, const char* key, T& into) {
  if (kwargs.contains(key) && !kwargs[key].is_none()) into = kwargs[key].cast<T>();
}

// kwargs[key] as text; `fallback` when absent or None.
std::string text_of(const py::dict& kwargs, const char* key, std::string fallback = "") {
  read(kwargs, key, fallback);
  return fallback;
}

ImputeStrategy strategy(const std::string& rule) {
  return impute_strategy_from_name(rule == "most-frequent" ? "most_frequent" : rule);
}

// na: the default rule (drop, mean, median, most-frequent) and COLUMN=RULE items, comma-separated.
void read_na(const std::string& na, DataOptions& d) {
  std::size_t begin = 0;
  while (begin <= na.size()) {
    const std::size_t end = std::min(na.find(',', begin), na.size());
    const std::string item = na.substr(begin, end - begin);
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos && item != "drop") {
      d.missing = MissingPolicy::impute;
      d.impute.numeric = strategy(item);
    } else if (equals != std::string::npos) {
      const std::string column = item.substr(0, equals), rule = item.substr(equals + 1);
      if (rule == "drop")
        d.missing_drop_columns.push_back(column);
      else
        d.impute.per_column[column] = strategy(rule);
    }
    begin = end + 1;
  }
}

DataOptions data_options(const py::dict& kw) {
  DataOptions d;
  read(kw, "target", d.target);
  read(kw, "positive", d.positive);
  if (const std::string text = text_of(kw, "task"); !text.empty()) {
    const auto kind = target_kind_from_name(text);
    if (!kind) throw UsageError("task must be binary, multiclass or regression, got '" + text + "'");
    d.task = kind;
  }
  if (const std::string text = text_of(kw, "loss"); !text.empty()) d.loss = loss_from_name(text);
  if (const std::string text = text_of(kw, "class_weight", "none"); !text.empty()) {
    if (text != "none" && text != "balanced")
      throw UsageError("class_weight must be 'none' or 'balanced', got '" + text + "'");
    d.balanced_class_weight = text == "balanced";
  }
  read(kw, "drop", d.drop);
  read(kw, "keep", d.keep);
  read_na(text_of(kw, "na", "drop"), d);
  if (text_of(kw, "unknown_levels", "ignore") == "error") d.unknown_levels = UnknownLevel::error;
  read(kw, "test_size", d.test_size);
  read(kw, "split_seed", d.split_seed);
  if (const std::string text = text_of(kw, "delimiter"); !text.empty())
    d.csv.delimiter = text == "\\t" ? '\t' : text[0];
  std::vector<std::string> tokens;
  read(kw, "na_values", tokens);
  d.csv.missing_tokens.insert(d.csv.missing_tokens.end(), tokens.begin(), tokens.end());
  read(kw, "skip_rows", d.csv.skip_rows);
  read(kw, "header", d.csv.header);
  // A dropped column is not used: a few non-numbers in it are no reason to stop (as the CLI).
  d.csv.lenient_columns.insert(d.drop.begin(), d.drop.end());
  return d;
}

// The search's own settings; batch size, seed, repeats and cancel come from the comparison.
TunerOptions search_options(const py::dict& kw, const RangeSweepOptions& sweep, const std::string& rule) {
  TunerOptions t;
  read(kw, "candidates", t.candidates);
  double low = 0.0, high = 0.0;
  read(kw, "lr_low", low);
  read(kw, "lr_high", high);
  if (low > 0.0 && high > 0.0) t.low = low, t.high = high;
  if (sweep.schedule == CurveMode::per_step)
    t.range_test = LRFinderOptions::fastai_per_step(sweep.points, sweep.effective_start(), sweep.end);
  if (!rule.empty()) t.range_test.suggest.default_rule = rule_from_name(rule);
  read(kw, "first_rung_epochs", t.first_rung_epochs);
  read(kw, "max_epochs", t.max_epochs);
  read(kw, "patience", t.patience);
  read(kw, "min_delta", t.min_delta);
  read(kw, "validation_fraction", t.validation_split);
  read(kw, "threads", t.threads);
  read(kw, "refit", t.refit);
  return t;
}

ComparisonOptions comparison_options(const py::dict& kw) {
  ComparisonOptions c;
  if (const std::string text = text_of(kw, "pick"); !text.empty()) c.pick = parse_rate_pick(text);
  read(kw, "rule", c.rule);
  read(kw, "epochs", c.epochs);
  read(kw, "batch_size", c.batch_size);
  read(kw, "early_stopping", c.early_stopping);
  // A validation fraction given holds a validation part out even without early stopping (as the CLI).
  c.hold_out_validation = kw.contains("validation_fraction") && !kw["validation_fraction"].is_none();
  read(kw, "validation_fraction", c.validation_fraction);
  if (const std::string text = text_of(kw, "lr_schedule"); !text.empty()) c.schedule = parse_training_schedule(text);
  read(kw, "monitor", c.stopping.monitor);
  read(kw, "patience", c.stopping.patience);
  read(kw, "min_delta", c.stopping.min_delta);
  read(kw, "restore_best_weights", c.stopping.restore_best_weights);
  read(kw, "repeats", c.repeats);
  read(kw, "seed", c.seed);
  read(kw, "threads", c.threads);
  return c;
}

}  // namespace

ExperimentOptions experiment_options(const py::dict& kw) {
  ExperimentOptions o;
  o.data = data_options(kw);
  read(kw, "layers", o.model.layers);
  read(kw, "activation", o.model.activation);
  read(kw, "dropout", o.model.dropout);
  read(kw, "metrics", o.model.metrics);
  read(kw, "optimizer", o.optimizer.name);
  if (const std::string text = text_of(kw, "update_form"); !text.empty())
    o.optimizer.update_form = update_form_from_name(text);
  read(kw, "momentum", o.optimizer.momentum);
  if (const std::string text = text_of(kw, "schedule"); !text.empty()) {
    if (text != "epoch" && text != "step") throw UsageError("schedule must be 'epoch' or 'step', got '" + text + "'");
    o.range_test.schedule = text == "step" ? CurveMode::per_step : CurveMode::per_epoch;
  }
  read(kw, "finder_points", o.range_test.points);
  read(kw, "finder_start", o.range_test.start);
  read(kw, "finder_end", o.range_test.end);
  o.comparison = comparison_options(kw);
  o.search = search_options(kw, o.range_test, o.comparison.rule);
  return o;
}

}  // namespace lrtune::python
