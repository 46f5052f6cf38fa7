// RatePick's and TrainingSchedule's names.
#include "lrtune/experiment/comparison_options.hpp"

#include "lrtune/core/name_table.hpp"

namespace lrtune {
namespace {
constexpr NameTable<RatePick, 2> kRatePickNames = {{{"tuner", RatePick::tuner}, {"finder", RatePick::finder}}};
constexpr NameTable<TrainingSchedule, 3> kTrainingScheduleNames = {{{"constant", TrainingSchedule::constant},
                                                                    {"one-cycle", TrainingSchedule::one_cycle},
                                                                    {"cosine", TrainingSchedule::cosine}}};
}  // namespace

std::string_view rate_pick_name(RatePick pick) { return name_of_value(kRatePickNames, pick, "rate pick"); }
RatePick parse_rate_pick(std::string_view name) { return value_from_name(kRatePickNames, name, "rate pick"); }
std::string_view training_schedule_name(TrainingSchedule schedule) {
  return name_of_value(kTrainingScheduleNames, schedule, "training schedule");
}
TrainingSchedule parse_training_schedule(std::string_view name) {
  return value_from_name(kTrainingScheduleNames, name, "training schedule");
}

}  // namespace lrtune
