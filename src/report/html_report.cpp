// report.html: sections built from ReportInputs with every user string escaped, charts read from
// disk and embedded as base64 SVG data URIs, inline CSS, written atomically. The charts themselves
// are charts.cpp's; the values are the engine's.
#include "lrtune/report/html_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <numeric>

#include <fmt/format.h>

#include "lrtune/core/statistics.hpp"
#include "lrtune/io/atomic_file.hpp"
#include "lrtune/io/error.hpp"

#ifndef LRTUNE_VERSION
#define LRTUNE_VERSION "unknown"
#endif

namespace lrtune {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// Points of a regression chart in the page: enough to see the shape of the errors, few enough
// that the embedded SVG stays near a megabyte.
constexpr std::size_t kMaxDrawnPoints = 5000;

constexpr std::string_view kCss = R"css(
:root { --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea; --soft: #f5f7fa; --accent: #1f77b4; --chosen: #d62728; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.meta { color: var(--muted); margin: 0 0 8px; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
nav { margin: 16px 0 8px; padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
nav a { margin-right: 18px; color: var(--accent); text-decoration: none; }
section { margin-top: 36px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 12px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.chosen td { background: #fdecec; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: var(--chosen);
         border-radius: 4px; padding: 0 6px; margin-left: 6px; vertical-align: 1px; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 8px 12px; margin: 8px 0; }
.muted { color: var(--muted); }
figure { margin: 12px 0 24px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
table.confusion td { text-align: center; min-width: 64px; font-variant-numeric: tabular-nums; }
table.confusion td.diag { background: #e6f0fa; font-weight: 600; }
.row { display: flex; flex-wrap: wrap; gap: 32px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
)css";

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const auto n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string esc(std::string_view text) { return html_escape(text); }

std::string rate(double lr) { return std::isfinite(lr) ? fmt::format("{:.3g}", lr) : "–"; }
std::string fixed(double v, int digits) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "–"; }

// "0.791" or "0.791 ± 0.012" (sample std) over the runs that measured it; "–" when none did.
std::string mean_std(const std::vector<double>& values, int digits) {
  std::vector<double> finite;
  for (const double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  if (finite.empty()) return "–";
  const MeanStd s = mean_and_std(finite);
  if (finite.size() == 1) return fixed(s.mean, digits);
  return fmt::format("{} ± {}", fixed(s.mean, digits), fixed(s.std, digits));
}

std::string embed(const EmbeddedChart& chart) {
  const auto ext = chart.file.extension().string();
  const std::string mime = ext == ".svg" ? "image/svg+xml" : ext == ".png" ? "image/png" : "";
  if (mime.empty())
    throw IoError(fmt::format("cannot embed chart {}: expected a .svg or .png file", chart.file.string()));
  const std::string bytes = read_file(chart.file, std::uint64_t{64} << 20);
  return fmt::format(
      "<figure><img alt=\"{alt}\" src=\"data:{mime};base64,{data}\"><figcaption>{alt}</figcaption></figure>\n",
      fmt::arg("alt", esc(chart.caption)), fmt::arg("mime", mime), fmt::arg("data", base64(bytes)));
}

std::string charts_of(const std::vector<EmbeddedChart>& charts, std::string_view section) {
  std::string out;
  for (const auto& c : charts)
    if (c.section == section) out += embed(c);
  return out;
}

std::string class_name(const ReportInputs& inputs, Index c) {
  return c < static_cast<Index>(inputs.class_names.size()) ? inputs.class_names[static_cast<std::size_t>(c)]
                                                           : std::to_string(c);
}

std::string data_section(const ReportInputs& in) {
  std::string out = "<section id=\"data\"><h2>Data</h2>\n";
  if (in.data) {
    const DataSummary& d = *in.data;
    out += fmt::format(
        "<table><tr><th>source</th><td>{}</td></tr><tr><th>rows</th><td class=\"num\">{}</td></tr>"
        "<tr><th>columns</th><td class=\"num\">{}</td></tr><tr><th>rows with a missing value</th>"
        "<td class=\"num\">{}</td></tr><tr><th>missing cells</th><td class=\"num\">{}</td></tr></table>\n",
        esc(d.source), d.rows, d.cols, d.rows_with_missing, d.missing_cells);
    if (d.target) {
      const TargetSummary& t = *d.target;
      out += fmt::format("<h3>Target</h3><p><code>{}</code> {} ({})</p>\n", esc(t.column), esc(t.rule),
                         esc(target_kind_name(t.kind)));
      if (!t.classes.empty()) {
        const bool has_validation = !t.validation.empty();
        out += fmt::format(
            "<table><tr><th>class</th><th class=\"num\">all</th><th class=\"num\">train</th>{}"
            "<th class=\"num\">test</th></tr>\n",
            has_validation ? "<th class=\"num\">validation</th>" : "");
        const auto cell = [](const std::vector<Index>& counts, std::size_t i) {
          return fmt::format("<td class=\"num\">{}</td>",
                             i < counts.size() ? std::to_string(counts[i]) : std::string("–"));
        };
        for (std::size_t i = 0; i < t.classes.size(); ++i) {
          out += fmt::format("<tr><td>{}</td>{}{}{}{}</tr>\n", esc(t.classes[i]), cell(t.all, i), cell(t.train, i),
                             has_validation ? cell(t.validation, i) : "", cell(t.test, i));
        }
        out += "</table>\n";
      }
    }
    if (!d.columns.empty()) {
      out +=
          "<h3>Columns</h3><table><tr><th>column</th><th>type</th><th class=\"num\">missing</th>"
          "<th class=\"num\">levels</th><th class=\"num\">min</th><th class=\"num\">mean</th><th "
          "class=\"num\">max</th></tr>\n";
      for (const auto& c : d.columns) {
        const bool numeric = c.type == ColumnType::numeric;
        out += fmt::format(
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            esc(c.name), esc(column_type_name(c.type)), c.missing, numeric ? "–" : std::to_string(c.levels),
            numeric ? fmt::format("{:.4g}", c.min) : "–", numeric ? fmt::format("{:.4g}", c.mean) : "–",
            numeric ? fmt::format("{:.4g}", c.max) : "–");
      }
      out += "</table>\n";
    }
  }
  if (!in.preprocessing_steps.empty()) {
    out += "<h3>Preprocessing steps</h3><ol>\n";
    for (const auto& s : in.preprocessing_steps)
      out += fmt::format("<li><code>{}</code> {}</li>\n", esc(s.step), esc(s.text));
    out += "</ol>\n";
  }
  return out + "</section>\n";
}

std::string range_test_section(const ReportInputs& in, const std::vector<EmbeddedChart>& charts) {
  std::string out = "<section id=\"range-test\"><h2>Range test</h2>\n";
  if (in.range_test) {
    const RangeTestCurve& c = *in.range_test;
    out += fmt::format("<p class=\"muted\">{} points ({}), learning rate {} to {}, stop: {}, {:.1f} s.</p>\n", c.size(),
                       esc(curve_mode_name(c.mode)), rate(c.learning_rates.empty() ? NAN : c.learning_rates.front()),
                       rate(c.learning_rates.empty() ? NAN : c.learning_rates.back()),
                       esc(stop_reason_name(c.stop_reason)), c.total_seconds);
  }
  out += charts_of(charts, "range_test");
  if (in.range_test && !in.range_test->suggestions.suggestions.empty()) {
    const SuggestionSet& set = in.range_test->suggestions;
    out +=
        "<h3>Suggestions</h3><table><tr><th>method</th><th class=\"num\">learning rate</th><th>explanation</th></tr>\n";
    for (const auto& s : set.suggestions) {
      const bool chosen = s.name == set.default_rule;
      out += fmt::format("<tr{}><td>{}{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                         chosen ? " class=\"chosen\"" : "", esc(s.name),
                         chosen ? "<span class=\"badge\">default</span>" : "",
                         s.found ? rate(s.learning_rate) : "not found", esc(s.explanation));
    }
    out += "</table>\n";
  }
  if (in.repeated_range_test) {
    const RepeatedRangeTest& r = *in.repeated_range_test;
    out += fmt::format("<h3>Repeated over {} seeds</h3>\n", r.runs.size());
    out +=
        "<table><tr><th>method</th><th class=\"num\">median</th><th class=\"num\">q1 – q3</th>"
        "<th class=\"num\">spread (decades)</th><th class=\"num\">found</th></tr>\n";
    for (const auto& s : r.spreads) {
      const bool chosen = s.name == r.default_rule;
      out += fmt::format(
          "<tr{}><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{} – {}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}/{}</td></tr>\n",
          chosen ? " class=\"chosen\"" : "", esc(s.name), chosen ? "<span class=\"badge\">default</span>" : "",
          rate(s.median), rate(s.q1), rate(s.q3), fixed(s.iqr_decades, 2), s.found, s.runs);
    }
    out += "</table>\n";
  }
  return out + "</section>\n";
}

// Lower median of the 0-based best epochs over repeats; -1 when empty.
int median_of(std::vector<int> values) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

std::string tuning_section(const ReportInputs& in, const std::vector<EmbeddedChart>& charts) {
  const TuningResult& t = *in.tuning;
  std::string out = "<section id=\"tuning\"><h2>Learning-rate tuning</h2>\n";
  if (!t.explanation.empty()) out += fmt::format("<p>{}</p>\n", esc(t.explanation));
  if (t.cancelled)
    out += "<p class=\"note\">The search was stopped by the user; the pick is among what was trained.</p>\n";
  out += charts_of(charts, "tuning");
  const bool repeated = t.repeats > 1;
  const auto with_std = [&](double mean, double sd) {
    return repeated ? fmt::format("{} ± {}", fixed(mean, 4), fixed(sd, 4)) : fixed(mean, 4);
  };
  const std::string final_model =
      t.refit
          ? fmt::format(
                "refit: a fresh model trained at the picked rate on training + validation rows ({} rows) for {} epochs",
                t.training_rows + t.validation_rows, t.model_epochs)
          : fmt::format("the picked candidate's restored best weights (epoch {}{})", t.model_epochs,
                        repeated ? ", first seed" : "");
  out += "<table>\n";
  out += fmt::format("<tr><th>recommended learning rate</th><td class=\"num\">{}</td></tr>\n", rate(t.learning_rate));
  out += fmt::format("<tr><th>best epoch{}</th><td class=\"num\">{}</td></tr>\n",
                     repeated ? " (median over seeds)" : "", t.best_epoch + 1);
  out += fmt::format("<tr><th>validation loss{}</th><td class=\"num\">{}</td></tr>\n",
                     repeated ? fmt::format(" (mean ± std over {} seeds)", t.repeats) : "",
                     with_std(t.validation_loss, t.validation_loss_std));
  out += fmt::format("<tr><th>final model</th><td>{}</td></tr>\n", esc(final_model));
  out += fmt::format(
      "<tr><th>interval searched</th><td>{} – {}<br><span class=\"muted\">low: {}<br>high: {}</span></td></tr>\n",
      rate(t.low), rate(t.high), esc(t.low_reason), esc(t.high_reason));
  out += fmt::format(
      "<tr><th>rows</th><td>{} training, {} validation (held out of the training split; the test split is "
      "not used for the search)</td></tr>\n",
      t.training_rows, t.validation_rows);
  out += "</table>\n";

  out += "<h3>Cost</h3><table>\n";
  const double share = t.grid_epochs_bound > 0 ? 100.0 * t.epochs_cost / t.grid_epochs_bound : NAN;
  out += fmt::format(
      "<tr><th>candidate epochs (summed over candidates and seeds)</th><td class=\"num\">{:.0f}</td></tr>\n",
      t.epochs_cost);
  out +=
      fmt::format("<tr><th>the same grid trained in full</th><td class=\"num\">{:.0f}{}</td></tr>\n",
                  t.grid_epochs_bound, std::isfinite(share) ? fmt::format(" (the search used {:.0f} %)", share) : "");
  out += fmt::format(
      "<tr><th>time</th><td class=\"num\">range test {:.1f} s, search {:.1f} s{}, total {:.1f} s on {} "
      "thread{}</td></tr>\n",
      t.range_test_seconds, t.search_seconds, t.refit ? fmt::format(", refit {:.1f} s", t.refit_seconds) : "",
      t.total_seconds, t.threads, t.threads == 1 ? "" : "s");
  out += "</table>\n";

  out += "<h3>Candidates</h3><table><tr><th class=\"num\">#</th><th class=\"num\">learning rate</th>";
  for (std::size_t k = 0; k < t.rungs.size(); ++k)
    out += fmt::format("<th class=\"num\">rung {} ({} ep.)</th>", k, t.rungs[k].epochs);
  out += "<th class=\"num\">best epoch</th><th class=\"num\">epochs</th><th>status</th><th>reason</th></tr>\n";
  for (std::size_t c = 0; c < t.candidates.size(); ++c) {
    const TuningCandidate& cand = t.candidates[c];
    const bool chosen = c == t.pick;
    out += fmt::format("<tr{}><td class=\"num\">{}</td><td class=\"num\">{}{}</td>", chosen ? " class=\"chosen\"" : "",
                       c, rate(cand.learning_rate), chosen ? "<span class=\"badge\">pick</span>" : "");
    for (std::size_t k = 0; k < t.rungs.size(); ++k) {
      const bool last = k + 1 == cand.rung_scores.size();
      out += fmt::format("<td class=\"num\">{}</td>",
                         k < cand.rung_scores.size() ? (last && repeated ? with_std(cand.rung_scores[k], cand.score_std)
                                                                         : fixed(cand.rung_scores[k], 4))
                                                     : std::string("–"));
    }
    int epochs = 0;
    for (const int e : cand.epochs_trained) epochs = std::max(epochs, e);
    out +=
        fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
                    median_of(cand.best_epochs) + 1, epochs, esc(candidate_status_name(cand.status)), esc(cand.reason));
  }
  out += "</table>\n";
  return out + "</section>\n";
}

// The models whose first run has per-class scores for `classes` classes.
std::vector<const ReportModel*> models_with_classes(const ReportInputs& in, std::size_t classes) {
  std::vector<const ReportModel*> out;
  for (const auto& m : in.models) {
    if (!m.runs.empty() && m.runs.front().per_class.f1.size() == classes) out.push_back(&m);
  }
  return out;
}

// Multiclass: precision, recall and F1 of each class per model (mean ± std over the runs), the
// class's test rows, and macro F1 as the last row. Binary reports have none (the metric rows
// already give the positive class's scores).
std::string per_class_table(const ReportInputs& in) {
  std::size_t classes = 0;
  for (const auto& m : in.models) {
    if (!m.runs.empty()) classes = std::max(classes, m.runs.front().per_class.f1.size());
  }
  if (classes < 3) return {};
  const std::vector<const ReportModel*> models = models_with_classes(in, classes);
  const bool repeated =
      std::any_of(models.begin(), models.end(), [](const ReportModel* m) { return m->runs.size() > 1; });
  std::string out = fmt::format(
      "<h3>Per class</h3>\n<p class=\"muted\">Precision, recall and F1 of each class on the test "
      "split{}; support is the class's test rows.</p>\n",
      repeated ? " (mean ± sample std over the seeds)" : "");
  out += "<table class=\"per-class\"><tr><th rowspan=\"2\">class</th>";
  for (const auto* m : models) out += fmt::format("<th colspan=\"3\">{}</th>", esc(m->label));
  out += "<th class=\"num\" rowspan=\"2\">support</th></tr>\n<tr>";
  for (std::size_t i = 0; i < models.size(); ++i)
    out += "<th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th>";
  out += "</tr>\n";
  const auto over_runs = [](const ReportModel& m, const auto& value) {
    std::vector<double> v;
    for (const auto& r : m.runs) v.push_back(value(r));
    return mean_std(v, 4);
  };
  std::int64_t total = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    out += fmt::format("<tr><td>{}</td>", esc(class_name(in, static_cast<Index>(c))));
    for (const auto* m : models) {
      // A run scored on other classes (it cannot happen in one experiment) counts as not measured.
      const auto at = [c, classes](const std::vector<double>& v) {
        return v.size() == classes ? v[c] : ModelEvaluation::kNotMeasured;
      };
      out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                         over_runs(*m, [&](const ModelEvaluation& r) { return at(r.per_class.precision); }),
                         over_runs(*m, [&](const ModelEvaluation& r) { return at(r.per_class.recall); }),
                         over_runs(*m, [&](const ModelEvaluation& r) { return at(r.per_class.f1); }));
    }
    const std::int64_t support = models.front()->runs.front().per_class.support[c];
    total += support;
    out += fmt::format("<td class=\"num\">{}</td></tr>\n", support);
  }
  out += "<tr class=\"total\"><th>macro F1</th>";
  for (const auto* m : models) {
    out += fmt::format("<td></td><td></td><td class=\"num\">{}</td>",
                       over_runs(*m, [](const ModelEvaluation& r) { return r.macro_f1; }));
  }
  out += fmt::format("<td class=\"num\">{}</td></tr>\n</table>\n", total);
  return out;
}

// Regression: the models whose test predictions match the test split's actual values.
std::vector<const ReportModel*> models_with_predictions(const ReportInputs& in) {
  std::vector<const ReportModel*> out;
  if (in.test_actual.empty()) return out;
  for (const auto& m : in.models) {
    if (m.test_predicted.size() == in.test_actual.size() && out.size() < 4) out.push_back(&m);
  }
  return out;
}

// "default: RMSE 55.1234, MAE 44.5678, R² 0.4321; tuned: ...", of the run whose predictions are drawn.
std::string regression_scores(const std::vector<const ReportModel*>& models) {
  std::string out;
  for (const auto* m : models) {
    const ModelEvaluation e = m->runs.empty() ? ModelEvaluation{} : m->runs.front();
    out += fmt::format("{}{}{}: RMSE {}, MAE {}, R² {}", out.empty() ? "" : "; ", m->label,
                       m->runs.size() > 1 ? " (first seed)" : "", fixed(e.rmse, 4), fixed(e.mae, 4), fixed(e.r2, 4));
  }
  return out;
}

// The target's column name for captions, or "target".
std::string target_name(const ReportInputs& in) {
  return in.data && in.data->target && !in.data->target->column.empty() ? in.data->target->column : "target";
}

std::string regression_section(const ReportInputs& in, const std::vector<EmbeddedChart>& charts) {
  const auto models = models_with_predictions(in);
  std::string out = "<section id=\"regression\"><h2>Predictions on the test split</h2>\n";
  out += fmt::format("<p>{} test rows, in the units of <code>{}</code>; a residual is predicted − actual. {}.</p>\n",
                     in.test_actual.size(), esc(target_name(in)), esc(regression_scores(models)));
  out += charts_of(charts, "regression");
  return out + "</section>\n";
}

std::string comparison_section(const ReportInputs& in, const std::vector<EmbeddedChart>& charts) {
  std::string out = "<section id=\"comparison\"><h2>Default vs tuned</h2>\n";
  const auto& models = in.models;
  const bool repeated =
      std::any_of(models.begin(), models.end(), [](const ReportModel& m) { return m.runs.size() > 1; });
  if (repeated) out += "<p class=\"muted\">Values are mean ± sample standard deviation over the seeds.</p>\n";
  out += "<table><tr><th></th>";
  for (const auto& m : models) out += fmt::format("<th class=\"num\">{}</th>", esc(m.label));
  out += "</tr>\n";
  const auto row = [&](std::string_view name, const auto& cell, bool numeric = true) {
    out += fmt::format("<tr><th>{}</th>", esc(name));
    for (const auto& m : models) out += fmt::format("<td{}>{}</td>", numeric ? " class=\"num\"" : "", cell(m));
    out += "</tr>\n";
  };
  row("learning rate", [](const ReportModel& m) { return rate(m.learning_rate); });
  if (std::any_of(models.begin(), models.end(), [](const ReportModel& m) { return !m.learning_rate_source.empty(); })) {
    row(
        "chosen by", [](const ReportModel& m) { return esc(m.learning_rate_source); }, false);
  }
  row("runs (seeds)", [](const ReportModel& m) { return std::to_string(m.runs.size()); });
  struct Metric {
    const char* name;
    double ModelEvaluation::*field;
    int digits;
  };
  for (const Metric metric :
       {Metric{"accuracy", &ModelEvaluation::accuracy, 4}, Metric{"precision", &ModelEvaluation::precision, 4},
        Metric{"recall", &ModelEvaluation::recall, 4}, Metric{"F1", &ModelEvaluation::f1, 4},
        Metric{"ROC AUC", &ModelEvaluation::roc_auc, 4}, Metric{"macro F1", &ModelEvaluation::macro_f1, 4},
        Metric{"RMSE", &ModelEvaluation::rmse, 4}, Metric{"MAE", &ModelEvaluation::mae, 4},
        Metric{"R²", &ModelEvaluation::r2, 4}, Metric{"test loss", &ModelEvaluation::loss, 4},
        Metric{"training time (s)", &ModelEvaluation::train_seconds, 1}}) {
    const auto values = [&](const ReportModel& m) {
      std::vector<double> v;
      for (const auto& r : m.runs) v.push_back(r.*(metric.field));
      return v;
    };
    const bool measured = std::any_of(models.begin(), models.end(), [&](const ReportModel& m) {
      const auto v = values(m);
      return std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
    });
    if (measured) row(metric.name, [&](const ReportModel& m) { return mean_std(values(m), metric.digits); });
  }
  row("epochs trained", [](const ReportModel& m) {
    std::vector<double> v;
    for (const auto& r : m.runs) v.push_back(r.epochs);
    return mean_std(v, 0);
  });
  out += "</table>\n";

  out += per_class_table(in);

  // Confusion matrices: counts of one run, or the mean counts over the runs. Past the heatmap's
  // limit a table would be as unreadable as the chart: the note says so, the per-class table stays.
  std::string matrices;
  Index too_many = 0;
  for (const auto& m : models) {
    std::vector<const ConfusionMatrix*> present;
    for (const auto& r : m.runs) {
      if (r.confusion.size() > 0 && r.confusion.rows() == r.confusion.cols()) present.push_back(&r.confusion);
    }
    if (present.empty()) continue;
    const Index k = present.front()->rows();
    if (k > kMaxHeatmapClasses) {
      too_many = std::max(too_many, k);
      continue;
    }
    present.erase(
        std::remove_if(present.begin(), present.end(), [&](const ConfusionMatrix* c) { return c->rows() != k; }),
        present.end());
    // A wide matrix scrolls inside its own box instead of widening the page.
    matrices += fmt::format("<div{}><h3>{}{}</h3><table class=\"confusion\"><tr><th>true \\ predicted</th>",
                            k > 10 ? " style=\"max-width:100%;overflow-x:auto\"" : "", esc(m.label),
                            present.size() > 1 ? fmt::format(" (mean of {} runs)", present.size()) : "");
    for (Index c = 0; c < k; ++c) matrices += fmt::format("<th>{}</th>", esc(class_name(in, c)));
    matrices += "</tr>\n";
    for (Index r = 0; r < k; ++r) {
      matrices += fmt::format("<tr><th>{}</th>", esc(class_name(in, r)));
      for (Index c = 0; c < k; ++c) {
        double sum = 0;
        for (const auto* p : present) sum += static_cast<double>((*p)(r, c));
        const double mean = sum / static_cast<double>(present.size());
        matrices += fmt::format(
            "<td{}>{}</td>", r == c ? " class=\"diag\"" : "",
            present.size() > 1 ? fmt::format("{:.1f}", mean) : fmt::format("{}", static_cast<std::int64_t>(sum)));
      }
      matrices += "</tr>\n";
    }
    matrices += "</table></div>\n";
  }
  if (!matrices.empty()) out += "<div class=\"row\">" + matrices + "</div>\n";
  if (too_many > 0) {
    out += fmt::format(
        "<p class=\"note\">No confusion heatmap or matrix table: {} classes are more than the {} a "
        "heatmap shows readably. The per-class table above has every class.</p>\n",
        too_many, kMaxHeatmapClasses);
  }
  out += charts_of(charts, "comparison");
  return out + "</section>\n";
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// The standard charts; with `warnings` a failing chart is recorded there instead of thrown.
std::vector<std::pair<EmbeddedChart, ChartFiles>> draw_charts(const ReportInputs& in,
                                                              const std::filesystem::path& folder,
                                                              std::vector<std::string>* warnings) {
  std::vector<std::pair<EmbeddedChart, ChartFiles>> out;
  const auto attempt = [&](std::string_view section, std::string_view caption, const auto& draw) {
    try {
      ChartFiles files = draw();
      out.push_back({EmbeddedChart{std::string(section), std::string(caption), files.svg}, std::move(files)});
    } catch (const GnuplotNotFound&) {
      throw;
    } catch (const std::exception& error) {
      if (warnings == nullptr) throw;
      warnings->push_back(fmt::format("chart \"{}\" not drawn: {}", caption, error.what()));
    }
  };
  if (in.range_test && in.range_test->size() > 0) {
    const RangeTestCurve& c = *in.range_test;
    if (c.mode == CurveMode::per_epoch) {
      attempt("range_test", "Loss, accuracy and learning rate per epoch of the range test",
              [&] { return draw_range_test_epochs(c, folder); });
    }
    attempt("range_test", "Loss against learning rate, every suggestion marked (the default in red)",
            [&] { return draw_loss_vs_learning_rate(c, folder); });
  }
  if (in.repeated_range_test && !in.repeated_range_test->mean_curve.learning_rates.empty()) {
    attempt("range_test", "Repeated range test: mean loss, ±1 std band, median suggestions with their quartile range",
            [&] { return draw_repeated_range_test(*in.repeated_range_test, folder); });
  }
  if (in.tuning && !in.tuning->candidates.empty() && !in.tuning->rungs.empty()) {
    attempt("tuning",
            "Validation loss of each candidate at the end of each rung (the pick in red), over the range test and its "
            "suggestions",
            [&] { return draw_tuning(*in.tuning, folder); });
  }
  std::vector<LabeledHistory> histories;
  std::vector<LabeledConfusion> confusions;
  for (const auto& m : in.models) {
    const std::string label =
        std::isfinite(m.learning_rate) ? fmt::format("{} (lr {})", m.label, rate(m.learning_rate)) : m.label;
    if (m.history && !m.history->empty() && histories.size() < 4) histories.push_back({label, *m.history});
    if (!m.runs.empty() && m.runs.front().confusion.rows() >= 2 &&
        m.runs.front().confusion.rows() <= kMaxHeatmapClasses &&
        m.runs.front().confusion.rows() == m.runs.front().confusion.cols() && confusions.size() < 4) {
      std::vector<std::string> names;
      const Index k = m.runs.front().confusion.rows();
      if (static_cast<Index>(in.class_names.size()) == k) names = in.class_names;
      confusions.push_back({label + (m.runs.size() > 1 ? " (first seed)" : ""), m.runs.front().confusion, names});
    }
  }
  if (!histories.empty()) {
    attempt("comparison", "Training curves side by side (same axes)",
            [&] { return draw_training_comparison(histories, folder); });
  }
  if (!confusions.empty()) {
    // The chart's own title says what the shade means; the caption is the one binary reports had.
    attempt("comparison", "Confusion matrices on the test set",
            [&] { return draw_confusion_matrices(confusions, folder); });
  }
  const auto regression = models_with_predictions(in);
  if (!regression.empty()) {
    // A chart of every row of a large test split would be megabytes of SVG in the page; the
    // split is shuffled, so its first rows are a fair sample.
    const std::size_t rows = in.test_actual.size();
    const std::size_t drawn = std::min(rows, kMaxDrawnPoints);
    std::vector<LabeledPredictions> points;
    for (const auto* m : regression) {
      const std::string label =
          std::isfinite(m->learning_rate) ? fmt::format("{} (lr {})", m->label, rate(m->learning_rate)) : m->label;
      points.push_back(
          {label,
           std::vector<double>(in.test_actual.begin(), in.test_actual.begin() + static_cast<std::ptrdiff_t>(drawn)),
           std::vector<double>(m->test_predicted.begin(),
                               m->test_predicted.begin() + static_cast<std::ptrdiff_t>(drawn))});
    }
    const std::string target = target_name(in);
    const std::string shown =
        drawn < rows ? fmt::format(", the first {} of {} rows drawn", drawn, rows) : fmt::format(", {} rows", rows);
    const std::string scores = regression_scores(regression);
    attempt("regression",
            fmt::format("Predicted against actual {} on the test split{} (dashed: y = x). {}", target, shown, scores),
            [&] {
              return draw_predicted_vs_actual(
                  points, folder, {.title = fmt::format("Predicted against actual {} (test split)", target)});
            });
    attempt(
        "regression",
        fmt::format("Residuals (predicted − actual) against predicted {}{} (dashed: zero). {}", target, shown, scores),
        [&] { return draw_residuals(points, folder); });
  }
  return out;
}

}  // namespace

std::vector<std::pair<EmbeddedChart, ChartFiles>> draw_report_charts(const ReportInputs& inputs,
                                                                     const std::filesystem::path& folder) {
  if (!gnuplot_available()) throw GnuplotNotFound();
  return draw_charts(inputs, folder, nullptr);
}

std::string render_report_html(const ReportInputs& in, const std::vector<EmbeddedChart>& charts) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src "
      "'unsafe-inline'\">\n"
      "<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{title}</h1>\n"
      "<p class=\"meta\">Generated by lrtune {version} on {date}.</p>\n",
      fmt::arg("title", esc(in.title)), fmt::arg("css", kCss), fmt::arg("version", esc(LRTUNE_VERSION)),
      fmt::arg("date", utc_now()));
  if (!in.command_line.empty()) out += fmt::format("<pre class=\"cmd\">{}</pre>\n", esc(in.command_line));
  out += "</header>\n";
  for (const auto& note : in.notes) out += fmt::format("<p class=\"note\">{}</p>\n", esc(note));

  const bool has_data = in.data.has_value() || !in.preprocessing_steps.empty();
  const bool has_range = in.range_test.has_value() || in.repeated_range_test.has_value();
  const bool has_tuning = in.tuning.has_value();
  const bool has_models = !in.models.empty();
  const bool has_config = !in.configuration.is_null();
  const bool has_regression = !models_with_predictions(in).empty();
  out += "<nav>";
  if (has_data) out += "<a href=\"#data\">Data</a>";
  if (has_range) out += "<a href=\"#range-test\">Range test</a>";
  if (has_tuning) out += "<a href=\"#tuning\">Learning-rate tuning</a>";
  if (has_models) out += "<a href=\"#comparison\">Default vs tuned</a>";
  if (has_regression) out += "<a href=\"#regression\">Predictions</a>";
  if (has_config) out += "<a href=\"#configuration\">Configuration</a>";
  out += "</nav>\n";

  if (has_data) out += data_section(in);
  if (has_range) out += range_test_section(in, charts);
  if (has_tuning) out += tuning_section(in, charts);
  if (has_models) out += comparison_section(in, charts);
  if (has_regression) out += regression_section(in, charts);
  if (has_config) {
    out += fmt::format("<section id=\"configuration\"><h2>Configuration</h2>\n<pre>{}</pre>\n</section>\n",
                       esc(in.configuration.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  out += "<footer>";
  if (!charts.empty()) {
    out +=
        "Charts were drawn with gnuplot; their data files and scripts are kept in the chart folder "
        "(run <code>gnuplot &lt;chart&gt;.gp</code> there to restyle and redraw them). ";
  }
  out += fmt::format("lrtune {}.</footer>\n</main>\n</body>\n</html>\n", esc(LRTUNE_VERSION));
  return out;
}

ReportOutput write_report(const std::filesystem::path& html_path, const ReportInputs& inputs,
                          const ReportOptions& options) {
  ReportOutput output;
  output.html = html_path;
  std::vector<EmbeddedChart> embedded;
  ReportInputs shown = inputs;
  if (options.draw_charts) {
    const std::filesystem::path folder = !options.chart_folder.empty()     ? options.chart_folder
                                         : html_path.parent_path().empty() ? std::filesystem::path("charts")
                                                                           : html_path.parent_path() / "charts";
    if (!gnuplot_available()) {
      output.gnuplot_missing = true;
      shown.notes.push_back(fmt::format("No charts: {}.", kGnuplotInstallHint));
    } else {
      try {
        for (auto& [chart, files] : draw_charts(inputs, folder, &output.warnings)) {
          embedded.push_back(chart);
          output.charts.push_back(std::move(files));
        }
      } catch (const GnuplotNotFound&) {
        output.gnuplot_missing = true;
        shown.notes.push_back(fmt::format("No charts: {}.", kGnuplotInstallHint));
      }
      for (const auto& w : output.warnings) shown.notes.push_back(w);
    }
  }
  write_text_atomically(html_path, render_report_html(shown, embedded));
  return output;
}

}  // namespace lrtune
