// The data half of the recipe (SEED.md §1) with lrtune's public headers: read the wine
// table, drop missing rows, encode `type`, binary target quality >= 6, split 80:20 with
// seed 42, standard-scale on train. Prints the summary and the step log; training is not here.
#include <cstdio>
#include <exception>

#include "lrtune/data/preprocessing.hpp"

int main(int argc, char** argv) {
  const char* csv = argc > 1 ? argv[1] : "../shared/data/winequalityN.csv";
  try {
    lrtune::PrepareOptions options;
    options.target = "quality";
    options.target_rule = lrtune::TargetRule::parse(">=6");
    options.encoder.binary_name["type"] = "is_white_wine";  // 1 for "white"
    options.test_size = 0.2;
    options.split_seed = 42;
    const lrtune::PreparedData data = lrtune::prepare(csv, options);

    std::fputs(data.summary.to_text().c_str(), stdout);
    std::fputs(lrtune::to_text(data.steps).c_str(), stdout);
    std::printf("x_train (%ld, %ld), x_test (%ld, %ld)\n", static_cast<long>(data.x_train.rows()),
                static_cast<long>(data.x_train.cols()), static_cast<long>(data.x_test.rows()),
                static_cast<long>(data.x_test.cols()));
    std::printf("%s\n", data.preprocessing.to_json().dump().substr(0, 200).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
