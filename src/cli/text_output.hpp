// Text for people: aligned tables of results and suggestions (the text chart of loss against
// learning rate is report's text_loss_chart). Pure functions returning strings; printing is the caller's.
#pragma once

#include <string>
#include <vector>

#include "lrtune/finder/curve.hpp"

namespace lrtune::cli {

// Columns padded to their widest cell; the first row is the header, underlined.
std::string table(const std::vector<std::vector<std::string>>& rows);

// The suggestions as a table: method, learning rate, explanation; the default marked with '*';
// then collapse_note.
std::string suggestion_table(const RangeTestCurve& curve, const std::string& chosen_rule);
// Where the rules stopped reading a curve that collapsed, and why, wrapped; empty when it did not.
std::string collapse_note(const RangeTestCurve& curve);

}  // namespace lrtune::cli
