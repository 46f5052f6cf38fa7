// Text and JSON forms of the data steps' records.
#include "lrtune/data/step_log.hpp"

namespace lrtune {

std::string to_text(const StepLog& log) {
  std::string out;
  for (const auto& r : log) out += r.step + ": " + r.text + "\n";
  return out;
}

nlohmann::json to_json(const StepLog& log) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : log) out.push_back({{"step", r.step}, {"text", r.text}, {"details", r.details}});
  return out;
}

}  // namespace lrtune
