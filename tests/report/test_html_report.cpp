// report.html: one self-contained file with the charts embedded, sections present only when their
// inputs are, every user string escaped; and a report without gnuplot still written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "lrtune/report/html_report.hpp"
#include "report_fixtures.hpp"
#include "support/tuning_fixture.hpp"

namespace lrtune {
namespace {

using test::full_report_inputs;
using test::slurp;
using test::TempFolder;

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
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
  EXPECT_NE(html.find("refit: a fresh model trained at the picked rate on training + validation rows (1000 rows) for 5 epochs"),
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
