// What `lrtune run` does, with the library's experiment API: wine, quality >= 6, the command's
// default options; prints the comparison (comparison.json's content). Run:
// ./build/run_experiment [winequalityN.csv [epochs candidates range-test-points search-max-epochs]]
#include <cstdio>
#include <exception>
#include <string>

#include "lrtune/experiment/experiment.hpp"

int main(int argc, char** argv) try {
  lrtune::ExperimentOptions options;  // `lrtune run`'s defaults
  options.data.path = argc > 1 ? argv[1] : "../shared/data/winequalityN.csv";
  options.data.target = "quality";
  options.data.positive = ">=6";
  if (argc > 5) {  // a shorter run (the test's): --epochs, --candidates, --finder-points, --max-epochs
    options.comparison.epochs = std::stoi(argv[2]);
    options.search.candidates = std::stoul(argv[3]);
    options.range_test.points = std::stoul(argv[4]);
    options.search.max_epochs = std::stoi(argv[5]);
  }
  const lrtune::ExperimentResult result = lrtune::run_experiment(options);
  std::printf("%s\n", nlohmann::json(result).dump(2).c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "run_experiment: %s\n", e.what());
  return 1;
}
