// The validated learning-rate search on the recipe's wine task with the public C++ API: prepare
// the table, run the Tuner on the training rows (it holds its own validation part out of them),
// print the interval, each rung, the pick and the costs, then score the returned model on the test
// split once. Run: ./build/tune_wine [winequalityN.csv] [threads]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "lrtune/data/preprocessing.hpp"
#include "lrtune/nn/sequential.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/train/fit.hpp"
#include "lrtune/tune/tuner.hpp"

// Prints the interval and each rung as the search goes.
class Progress final : public lrtune::TunerCallback {
 public:
  void on_interval(const lrtune::TuningResult& r) override {
    std::printf("interval [%.3g, %.3g]\n  %s\n  %s\n", r.low, r.high, r.high_reason.c_str(), r.low_reason.c_str());
  }
  void on_rung_end(const lrtune::TuningRung& rung, const lrtune::TuningResult& r) override {
    std::printf(
        "rung %zu: %d epochs, %zu candidates, %zu promoted, %zu kept improving, cut-off %.4f, %g epochs, "
        "%.1f s\n",
        r.rungs.size() - 1, rung.epochs, rung.candidates.size(), rung.promoted.size(), rung.kept_improving.size(),
        rung.cutoff_score, rung.epochs_cost, rung.seconds);
  }
};

int main(int argc, char** argv) {
  const char* csv = argc > 1 ? argv[1] : "../shared/data/winequalityN.csv";
  const std::size_t threads = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
  try {
    lrtune::PrepareOptions data_options;
    data_options.target = "quality";
    data_options.target_rule = lrtune::TargetRule::parse(">=6");
    const lrtune::PreparedData data = lrtune::prepare(csv, data_options);
    const lrtune::Matrix &X_train = data.x_train, &X_test = data.x_test;  // float32 already
    const lrtune::Vector y_train = lrtune::to_float(data.y_train), y_test = lrtune::to_float(data.y_test);

    const lrtune::Sequential model(12,
                                   {lrtune::Dense(128, "relu"), lrtune::Dense(256, "relu"), lrtune::Dense(256, "relu"),
                                    lrtune::Dense(1, "sigmoid")},
                                   0);
    const lrtune::Adam adam;
    const auto loss = lrtune::Loss::binary_crossentropy;

    Progress progress;
    lrtune::TunerOptions options;  // the defaults: 10 candidates, rungs of 4, 8, 16, ... up to 100 epochs
    options.threads = threads;
    options.callbacks = {&progress};
    lrtune::Tuner tuner(model, adam, loss, X_train, y_train, options);
    const lrtune::TuningResult result = tuner.run();

    for (const auto& c : result.candidates) {
      std::printf("  lr %-9.3g score %-8.4f epochs %-4d %-13s %s\n", c.learning_rate, c.score, c.epochs_trained[0],
                  std::string(lrtune::candidate_status_name(c.status)).c_str(), c.reason.c_str());
    }
    std::printf("pick %.3g (best epoch %d, validation loss %.4f)\n", result.learning_rate, result.best_epoch + 1,
                result.validation_loss);
    std::printf("epochs %g of %g for the full grid; range test %.1f s, search %.1f s, total %.1f s on %zu threads\n",
                result.epochs_cost, result.grid_epochs_bound, result.range_test_seconds, result.search_seconds,
                result.total_seconds, result.threads);
    std::printf("%s\n", result.explanation.c_str());

    lrtune::Sequential picked = tuner.model();
    const lrtune::Logs test = lrtune::evaluate(picked, loss, X_test, y_test, {"accuracy"});
    std::printf("test accuracy %.4f, test loss %.4f\n", test.at("accuracy"), test.at("loss"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tune_wine: %s\n", e.what());
    return 1;
  }
  return 0;
}
