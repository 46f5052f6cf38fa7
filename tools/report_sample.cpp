// report_sample FOLDER: writes FOLDER/report.html (charts beside it when gnuplot is on PATH) from
// the report tests' synthetic inputs, every section present, for people to look at. It checks
// nothing; tests/report/test_html_report.cpp does.
#include <cstdio>
#include <exception>
#include <filesystem>

#include "report/report_fixtures.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: report_sample FOLDER   (writes FOLDER/report.html)\n");
    return 2;
  }
  try {
    const std::filesystem::path folder = argv[1];
    std::filesystem::create_directories(folder);
    const lrtune::ReportOutput out = lrtune::write_report(folder / "report.html", lrtune::test::full_report_inputs());
    if (out.gnuplot_missing) std::fprintf(stderr, "report_sample: gnuplot not found, the report has no charts\n");
    for (const auto& warning : out.warnings) std::fprintf(stderr, "report_sample: %s\n", warning.c_str());
    std::printf("%s\n", out.html.string().c_str());
    return out.warnings.empty() ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "report_sample: %s\n", error.what());
    return 1;
  }
}
