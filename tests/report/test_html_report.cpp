// report.html: one self-contained file with the charts embedded, sections present only when their
// inputs are, every user string escaped; and a report without gnuplot still written. Multiclass
// reports have a per-class table (and no heatmap past 26 classes), regression ones a predictions
// section with its charts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include <fmt/format.h>

#include "lrtune/report/html_report.hpp"
#include "report_fixtures.hpp"
#include "support/tuning_fixture.hpp"

namespace lrtune {
namespace {

using test::full_report_inputs;
using test::slurp;
using test::TempFolder;

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST(HtmlReport, EscapesUserStringsEverywhere) {
  const std::string html = render_report_html(full_report_inputs());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Wine quality &lt;report&gt;"), std::string::npos);
  EXPECT_EQ(html.find("</pre><b>x</b>"), std::string::npos);
}

TEST(HtmlReport, HasEverySectionAndMarksTheDefault) {
  const auto in = full_report_inputs();
  const std::string html = render_report_html(in);
  for (const char* id : {"id=\"data\"", "id=\"range-test\"", "id=\"comparison\"", "id=\"configuration\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<span class=\"badge\">default</span>"), std::string::npos);
  EXPECT_NE(html.find("0.7700 ± 0.0100"), std::string::npos);  // mean ± sample std of 0.76, 0.77, 0.78
  EXPECT_NE(html.find("676"), std::string::npos);
  EXPECT_NE(html.find("drop_missing"), std::string::npos);
}

TEST(HtmlReport, LeavesOutAbsentSections) {
  ReportInputs in;
  in.models.push_back({"only", 0.01, "", {ModelEvaluation{}}, std::nullopt});
  const std::string html = render_report_html(in);
  EXPECT_EQ(html.find("id=\"data\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"range-test\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"configuration\""), std::string::npos);
  EXPECT_NE(html.find("id=\"comparison\""), std::string::npos);
}

TEST(HtmlReport, OneSelfContainedFileWithEmbeddedCharts) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempFolder dir("report");
  const auto out = write_report(dir.path / "report.html", full_report_inputs());
  EXPECT_FALSE(out.gnuplot_missing);
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  EXPECT_EQ(out.charts.size(), 4u);  // per-epoch, loss vs lr, training comparison, confusion
  const std::string html = slurp(dir.path / "report.html");
  std::size_t images = 0;
  for (std::size_t at = html.find("src=\"data:image/svg+xml;base64,"); at != std::string::npos;
       at = html.find("src=\"data:image/svg+xml;base64,", at + 1)) {
    ++images;
  }
  EXPECT_EQ(images, 4u);
  // No external resources: no http(s) URL, no src or href pointing at a file.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("src=\"(?!data:)")));
  EXPECT_FALSE(std::regex_search(html, std::regex("href=\"(?!#)")));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const auto& c : out.charts) EXPECT_TRUE(std::filesystem::exists(c.png));
}

// Standard base64 (the page's data URIs) back to bytes.
std::string from_base64(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, buffer = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto value = alphabet.find(c);
    if (value == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<int>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// The decoded SVG of the figure captioned `caption`; empty when the page has none.
std::string embedded_svg(const std::string& html, const std::string& caption) {
  const std::string prefix = fmt::format("<figure><img alt=\"{}\" src=\"data:image/svg+xml;base64,", caption);
  const auto at = html.find(prefix);
  if (at == std::string::npos) return {};
  const auto start = at + prefix.size();
  return from_base64(html.substr(start, html.find('"', start) - start));
}

TEST(HtmlReport, ConfusionSvgIsVectorCellsWithCountsAndNoRaster) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempFolder dir("report_confusion_vector");
  write_report(dir.path / "report.html", full_report_inputs());
  const std::string html = slurp(dir.path / "report.html");
  EXPECT_EQ(html.find("data:image/png"), std::string::npos) << "every chart is embedded as SVG";
  const std::string svg = embedded_svg(html, "Confusion matrices on the test set");
  ASSERT_FALSE(svg.empty()) << "no confusion figure in the page";
  EXPECT_EQ(svg.find("<image"), std::string::npos) << "a bitmap inside the SVG is smoothed into a gradient";
  EXPECT_EQ(svg.find("data:image/png"), std::string::npos);
  std::size_t cells = 0;
  for (auto at = svg.find("<polygon"); at != std::string::npos; at = svg.find("<polygon", at + 1)) ++cells;
  EXPECT_EQ(cells, 8u);  // two 2x2 matrices, one filled polygon per cell
  for (const char* count : {"383", "99", "214", "597", "348", "134", "135", "676"}) {
    EXPECT_NE(svg.find(fmt::format("<text>{}</text>", count)), std::string::npos) << count;
  }
}

TEST(HtmlReport, WithoutGnuplotSaysHowToGetCharts) {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent-lrtune-test", 1);
  TempFolder dir("report_nognuplot");
  const auto out = write_report(dir.path / "report.html", full_report_inputs());
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_TRUE(out.gnuplot_missing);
  EXPECT_TRUE(out.charts.empty());
  const std::string html = slurp(dir.path / "report.html");
  EXPECT_NE(html.find("apt-get install gnuplot-nox"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "charts"));
}

TEST(HtmlReport, ChartsCanBeSkipped) {
  TempFolder dir("report_nocharts");
  const auto out = write_report(dir.path / "report.html", full_report_inputs(), {.draw_charts = false});
  EXPECT_TRUE(out.charts.empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path / "report.html"));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "charts"));
}

// How often `what` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The text of the first <table class="per-class"> ... </table>, or empty.
std::string per_class_table(const std::string& html) {
  const auto start = html.find("<table class=\"per-class\">");
  if (start == std::string::npos) return {};
  return html.substr(start, html.find("</table>", start) - start);
}

// A model evaluated as a multiclass classifier with `confusion`; accuracy and macro F1 from it.
ModelEvaluation multiclass_evaluation(const ConfusionMatrix& confusion) {
  ModelEvaluation e;
  e.confusion = confusion;
  e.per_class = per_class_scores(confusion);
  e.accuracy = static_cast<double>(confusion.trace()) / static_cast<double>(confusion.sum());
  e.macro_f1 = macro_f1(confusion);
  e.loss = 0.4;
  e.epochs = 10;
  return e;
}

ConfusionMatrix four_class_confusion() {
  ConfusionMatrix m(4, 4);
  m << 10, 2, 0, 0,  //
      1, 7, 1, 1,    //
      0, 0, 3, 0,    //
      2, 0, 0, 6;
  return m;
}

TEST(HtmlReport, MulticlassHasAPerClassTableWithOneRowPerClass) {
  ReportInputs in;
  in.class_names = {"cat", "dog", "<fox>", "owl"};
  const ConfusionMatrix tuned = four_class_confusion();
  ConfusionMatrix other = tuned;
  other(0, 0) = 4;  // the default model takes class 0 for class 1 more often (same test rows)
  other(0, 1) = 8;
  in.models.push_back({"default", 0.001, "", {multiclass_evaluation(other)}, std::nullopt});
  in.models.push_back({"tuned", 0.01, "", {multiclass_evaluation(tuned)}, std::nullopt});
  const std::string html = render_report_html(in);
  const std::string table = per_class_table(html);
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(occurrences(table, "<tr><td>"), 4u);  // one row per class, and the macro F1 row
  EXPECT_EQ(occurrences(table, "<tr class=\"total\"><th>macro F1</th>"), 1u);
  const ClassScores d = per_class_scores(other), t = per_class_scores(tuned);
  for (std::size_t c = 0; c < 4; ++c) {
    const std::string row = fmt::format(
        "<tr><td>{}</td><td class=\"num\">{:.4f}</td><td class=\"num\">{:.4f}</td><td class=\"num\">{:.4f}</td>"
        "<td class=\"num\">{:.4f}</td><td class=\"num\">{:.4f}</td><td class=\"num\">{:.4f}</td><td "
        "class=\"num\">{}</td></tr>",
        html_escape(in.class_names[c]), d.precision[c], d.recall[c], d.f1[c], t.precision[c], t.recall[c], t.f1[c],
        t.support[c]);
    EXPECT_NE(table.find(row), std::string::npos) << row << "\n" << table;
  }
  // By hand: dog (column 1) is predicted 15 times by the default model, 7 of them right (precision
  // 7/15), 9 times by the tuned one (7/9); both find 7 of its 10 rows (recall 0.7).
  EXPECT_NE(
      table.find(
          "<tr><td>dog</td><td class=\"num\">0.4667</td><td class=\"num\">0.7000</td><td class=\"num\">0.5600</td>"
          "<td class=\"num\">0.7778</td><td class=\"num\">0.7000</td><td class=\"num\">0.7368</td><td "
          "class=\"num\">10</td></tr>"),
      std::string::npos);
  EXPECT_NE(table.find(fmt::format("<td class=\"num\">{:.4f}</td><td class=\"num\">{}</td></tr>", macro_f1(tuned),
                                   tuned.sum())),
            std::string::npos);
  // The comparison's metric rows stay.
  EXPECT_NE(html.find("<tr><th>macro F1</th>"), std::string::npos);
  EXPECT_EQ(html.find("No confusion heatmap"), std::string::npos);
}

TEST(HtmlReport, PerClassValuesAreMeanAndStdOverSeeds) {
  ReportInputs in;
  ConfusionMatrix a = four_class_confusion(), b = four_class_confusion();
  b(1, 1) = 9;  // recall of class 1: 7/10 and 9/12
  in.models.push_back({"tuned", 0.01, "", {multiclass_evaluation(a), multiclass_evaluation(b)}, std::nullopt});
  const std::string table = per_class_table(render_report_html(in));
  const double r0 = 0.7, r1 = 0.75;
  const double mean = (r0 + r1) / 2, sd = std::sqrt(((r0 - mean) * (r0 - mean) + (r1 - mean) * (r1 - mean)) / 1.0);
  EXPECT_NE(table.find(fmt::format("<td class=\"num\">{:.4f} ± {:.4f}</td>", mean, sd)), std::string::npos) << table;
}

TEST(HtmlReport, BinaryReportsHaveNoPerClassTable) {
  const std::string html = render_report_html(full_report_inputs());
  EXPECT_EQ(html.find("per-class"), std::string::npos);
  EXPECT_EQ(html.find("Per class"), std::string::npos);
}

TEST(HtmlReport, PastTwentySixClassesNoHeatmapButANoteAndThePerClassTable) {
  ReportInputs in;
  ConfusionMatrix m = ConfusionMatrix::Zero(27, 27);
  for (Index c = 0; c < 27; ++c) m(c, c) = 5 + c;
  m(3, 4) = 2;
  in.models.push_back({"tuned", 0.01, "", {multiclass_evaluation(m)}, std::nullopt});
  const std::string html = render_report_html(in);
  EXPECT_NE(html.find("No confusion heatmap or matrix table: 27 classes are more than the 26"), std::string::npos);
  EXPECT_EQ(html.find("table class=\"confusion\""), std::string::npos);
  EXPECT_EQ(occurrences(per_class_table(html), "<tr><td>"), 27u);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempFolder dir("report_27_classes");
  const auto out = write_report(dir.path / "report.html", in);
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  EXPECT_FALSE(std::filesystem::exists(dir.path / "charts" / "confusion_matrices.svg"));
}

TEST(HtmlReport, TwentySixClassesGetTheHeatmap) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  ReportInputs in;
  ConfusionMatrix m = ConfusionMatrix::Zero(26, 26);
  for (Index c = 0; c < 26; ++c) m(c, c) = 5 + c;
  in.models.push_back({"tuned", 0.01, "", {multiclass_evaluation(m)}, std::nullopt});
  TempFolder dir("report_26_classes");
  const auto out = write_report(dir.path / "report.html", in);
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  ASSERT_EQ(out.charts.size(), 1u);
  EXPECT_EQ(out.charts.front().svg.filename(), "confusion_matrices.svg");
  EXPECT_EQ(slurp(dir.path / "report.html").find("No confusion heatmap"), std::string::npos);
}

// Two regression models on a five-row test split.
ReportInputs regression_inputs() {
  ReportInputs in;
  DataSummary d;
  d.source = "diabetes.csv";
  TargetSummary t;
  t.column = "progression";
  t.kind = TargetKind::regression;
  d.target = t;
  in.data = d;
  in.test_actual = {151.0, 75.0, 141.0, 206.0, 135.0};
  for (const auto& [label, rmse, predicted] :
       {std::tuple{"default", 12.5, std::vector<double>{140.0, 90.0, 139.0, 180.0, 130.0}},
        std::tuple{"tuned", 3.25, std::vector<double>{149.0, 80.0, 142.0, 201.0, 136.0}}}) {
    ModelEvaluation e;
    e.rmse = rmse;
    e.mae = rmse * 0.8;
    e.r2 = 1.0 - rmse / 100.0;
    e.loss = 0.3;
    in.models.push_back({label, 0.001, "", {e}, std::nullopt, predicted});
  }
  return in;
}

TEST(HtmlReport, RegressionHasAPredictionsSectionStatingEachModelsErrors) {
  const std::string html = render_report_html(regression_inputs());
  EXPECT_NE(html.find("<section id=\"regression\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#regression\">Predictions</a>"), std::string::npos);
  EXPECT_NE(html.find("5 test rows, in the units of <code>progression</code>"), std::string::npos);
  EXPECT_NE(html.find("default: RMSE 12.5000, MAE 10.0000, R² 0.8750; tuned: RMSE 3.2500, MAE 2.6000, R² 0.9675"),
            std::string::npos);
  EXPECT_EQ(html.find("per-class"), std::string::npos);
}

TEST(HtmlReport, NoRegressionInputsNoRegressionSection) {
  for (const ReportInputs& in : {full_report_inputs(),
                                 [] {
                                   ReportInputs r = regression_inputs();
                                   r.test_actual.clear();  // predictions without the actual values
                                   return r;
                                 }(),
                                 [] {
                                   ReportInputs r = regression_inputs();
                                   for (auto& m : r.models) m.test_predicted.pop_back();  // rows that do not match
                                   return r;
                                 }()}) {
    const std::string html = render_report_html(in);
    EXPECT_EQ(html.find("id=\"regression\""), std::string::npos);
    EXPECT_EQ(html.find("#regression"), std::string::npos);
  }
}

TEST(HtmlReport, RegressionChartsAreEmbeddedWithTheErrorsInTheirCaptions) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempFolder dir("report_regression");
  const auto out = write_report(dir.path / "report.html", regression_inputs());
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  ASSERT_EQ(out.charts.size(), 2u);
  EXPECT_EQ(out.charts[0].svg.filename(), "predicted_vs_actual.svg");
  EXPECT_EQ(out.charts[1].svg.filename(), "residuals.svg");
  const std::string html = slurp(dir.path / "report.html");
  EXPECT_EQ(occurrences(html, "src=\"data:image/svg+xml;base64,"), 2u);
  EXPECT_EQ(occurrences(html,
                        "<figcaption>Predicted against actual progression on the test split, 5 rows (dashed: y = x). "
                        "default: RMSE 12.5000"),
            1u);
  EXPECT_EQ(occurrences(html, "<figcaption>Residuals (predicted − actual) against predicted progression, 5 rows"), 1u);
  EXPECT_EQ(slurp(dir.path / "charts" / "predicted_vs_actual_1.dat"),
            "# tuned (lr 0.001): actual predicted residual\n151 149 -2\n75 80 5\n141 142 1\n206 201 -5\n135 136 1\n");
}

TEST(HtmlReport, TuningSectionExplainsThePickWithCandidatesAndCosts) {
  ReportInputs in;
  in.tuning = testing::small_tuning_result();
  std::string html = render_report_html(in);
  EXPECT_NE(html.find("id=\"tuning\""), std::string::npos);
  EXPECT_NE(html.find("Learning-rate tuning"), std::string::npos);
  // The explanation, escaped; the pick's row marked; every rung a column; costs against the grid.
  EXPECT_NE(html.find("of the 2 candidates left after rung 1 &lt;b&gt;."), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge\">pick</span>"), std::string::npos);
  EXPECT_NE(html.find("rung 1 (8 ep.)"), std::string::npos);
  EXPECT_NE(html.find("the search used 69 %"), std::string::npos);  // 22 of 32 epochs
  EXPECT_NE(html.find("restored best weights"), std::string::npos);
  EXPECT_EQ(html.find("refit:"), std::string::npos);
  EXPECT_NE(html.find("cut at rung 0"), std::string::npos);
  in.tuning->refit = true;
  html = render_report_html(in);
  EXPECT_NE(
      html.find(
          "refit: a fresh model trained at the picked rate on training + validation rows (1000 rows) for 5 epochs"),
      std::string::npos);
  EXPECT_EQ(html.find("restored best weights"), std::string::npos);
}

TEST(HtmlReport, TuningChartIsEmbedded) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not installed";
  TempFolder dir("report_tuning");
  ReportInputs in;
  in.tuning = testing::small_tuning_result();
  in.range_test = in.tuning->range_test;
  const auto out = write_report(dir.path / "report.html", in);
  EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
  ASSERT_EQ(out.charts.size(), 2u);  // loss vs learning rate, tuning
  EXPECT_EQ(out.charts.back().svg.filename(), "tuning.svg");
}

}  // namespace
}  // namespace lrtune
