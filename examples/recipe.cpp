// The whole recipe of ../shared/docs/SEED.md with the public C++ API, as a user would write it:
// prepare the wine table, run the recipe's per-epoch range test, read the suggestions, train with
// the suggested rate and with Adam's default, evaluate both. Run: ./build/recipe [winequalityN.csv]
#include <cstdio>
#include <exception>
#include <initializer_list>

#include "lrtune/data/preprocessing.hpp"
#include "lrtune/finder/lr_finder.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"

int main(int argc, char** argv) {
  const char* csv = argc > 1 ? argv[1] : "../shared/data/winequalityN.csv";
  try {
    // 1. Data: dropna, is_white_wine, quality >= 6, split 80:20 (seed 42), standard scaling on train.
    lrtune::PrepareOptions data_options;
    data_options.target = "quality";
    data_options.target_rule = lrtune::TargetRule::parse(">=6");
    const lrtune::PreparedData data = lrtune::prepare(csv, data_options);
    const lrtune::Matrix &X_train = data.x_train, &X_test = data.x_test;  // float32 already
    const lrtune::Vector y_train = lrtune::to_float(data.y_train), y_test = lrtune::to_float(data.y_test);

    // 2. Model: Dense(128, relu) -> Dense(256, relu) -> Dense(256, relu) -> Dense(1, sigmoid).
    const lrtune::Sequential model(12,
                                   {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"),
                                    lrtune::Dense(1, "sigmoid")},
                                   /*seed=*/0);
    const auto loss = lrtune::Loss::binary_crossentropy;

    // 3. Range test: lr = 1e-3 * 10^(e/30) for 100 epochs; the model is left as it was.
    lrtune::Sequential probe = model;
    lrtune::Adam probe_adam;
    const lrtune::RangeTestCurve curve =
        lrtune::LRFinder(probe, probe_adam, loss, X_train, y_train, lrtune::LRFinderOptions::recipe_per_epoch()).run();
    for (const lrtune::Suggestion& s : curve.suggestions.suggestions) {
      std::printf("%-15s %-10.3g %s\n", s.name.c_str(), s.learning_rate, s.explanation.c_str());
    }
    const double suggested = curve.suggestions.default_suggestion().learning_rate;

    // 4. Train 100 epochs at the suggested rate and at Adam's default; evaluate on the test split.
    for (const double rate : {suggested, 0.001}) {
      lrtune::Sequential trained = model;
      lrtune::Adam adam(lrtune::AdamOptions{.learning_rate = rate});
      lrtune::fit(trained, adam, loss, X_train, y_train, {.epochs = 100, .batch_size = 32, .seed = 0});
      const lrtune::Logs test = lrtune::evaluate(trained, loss, X_test, y_test, {"accuracy"});
      std::printf("lr %.3g: test accuracy %.4f, test loss %.4f\n", rate, test.at("accuracy"), test.at("loss"));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recipe: %s\n", e.what());
    return 1;
  }
  return 0;
}
