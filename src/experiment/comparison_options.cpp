// RatePick's names.
#include "lrtune/experiment/comparison_options.hpp"

#include "lrtune/core/name_table.hpp"

namespace lrtune {
namespace {
constexpr NameTable<RatePick, 2> kRatePickNames = {{{"tuner", RatePick::tuner}, {"finder", RatePick::finder}}};
}  // namespace

std::string_view rate_pick_name(RatePick pick) { return name_of_value(kRatePickNames, pick, "rate pick"); }
RatePick parse_rate_pick(std::string_view name) { return value_from_name(kRatePickNames, name, "rate pick"); }

}  // namespace lrtune
