// Label placement for the charts: a greedy search over stacked slots above and below each point,
// then over the whole area. Small inputs (a handful of suggestions), so clarity beats speed.
#include "lrtune/report/label_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lrtune {

bool boxes_overlap(const LabelBox& a, const LabelBox& b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

namespace {

// Room kept between a label and its point, and between stacked labels.
constexpr double kGap = 4.0;

bool inside(const LabelBox& box, double width, double height) {
  return box.x0 >= 0 && box.y0 >= 0 && box.x1 <= width && box.y1 <= height;
}

// A box of the request's size with its horizontal centre on the anchor (moved in when that would
// leave the area) and its bottom at y0.
LabelBox box_at(const LabelRequest& r, double y0, double width) {
  double x0 = r.anchor_x - r.width / 2;
  x0 = std::clamp(x0, 0.0, std::max(0.0, width - r.width));
  return {x0, y0, x0 + r.width, y0 + r.height};
}

// The places tried for one label, nearest first: above, below, then one step further out each side.
std::vector<LabelBox> stacked_slots(const LabelRequest& r, double width, double height, double marker) {
  std::vector<LabelBox> slots;
  const double step = r.height + kGap;
  const int levels = static_cast<int>(std::ceil(height / step)) + 1;
  for (int level = 0; level < levels; ++level) {
    slots.push_back(box_at(r, r.anchor_y + marker / 2 + kGap + level * step, width));
    slots.push_back(box_at(r, r.anchor_y - marker / 2 - kGap - r.height - level * step, width));
  }
  return slots;
}

// Any place in the area, row by row from the top, for a label that found no stacked slot.
std::vector<LabelBox> grid_slots(const LabelRequest& r, double width, double height) {
  std::vector<LabelBox> slots;
  for (double y0 = height - r.height; y0 >= 0; y0 -= r.height / 2) {
    for (double x0 = 0; x0 + r.width <= width; x0 += 8.0) slots.push_back({x0, y0, x0 + r.width, y0 + r.height});
  }
  return slots;
}

bool free_place(const LabelBox& box, const std::vector<LabelBox>& taken, double width, double height) {
  if (!inside(box, width, height)) return false;
  return std::none_of(taken.begin(), taken.end(), [&](const LabelBox& t) { return boxes_overlap(box, t); });
}

}  // namespace

std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& labels, double width, double height,
                                      double marker) {
  return place_labels(labels, width, height, marker, {});
}

std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& labels, double width, double height,
                                      double marker, const std::vector<AvoidPoint>& avoid) {
  // Every marker is an obstacle, so no label hides another suggestion's point.
  std::vector<LabelBox> taken;
  taken.reserve(2 * labels.size());
  for (const auto& r : labels) {
    taken.push_back(
        {r.anchor_x - marker / 2, r.anchor_y - marker / 2, r.anchor_x + marker / 2, r.anchor_y + marker / 2});
  }
  const auto clear_of_curves = [&](const LabelBox& box) {
    return std::none_of(avoid.begin(), avoid.end(), [&](const AvoidPoint& p) {
      return p.x > box.x0 && p.x < box.x1 && p.y > box.y0 && p.y < box.y1;
    });
  };
  std::vector<std::size_t> order(labels.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return labels[a].anchor_x < labels[b].anchor_x; });
  std::vector<PlacedLabel> placed(labels.size());
  for (const std::size_t i : order) {
    const LabelRequest& r = labels[i];
    const std::vector<LabelBox> near = stacked_slots(r, width, height, marker);
    bool done = false;
    // First a slot clear of the curves too, then any slot clear of labels and markers.
    for (const bool mind_curves : {true, false}) {
      for (std::size_t k = 0; k < near.size() && !done; ++k) {
        if (!free_place(near[k], taken, width, height) || (mind_curves && !clear_of_curves(near[k]))) continue;
        // The first slot on either side touches its point; any other needs a line back to it.
        placed[i] = {near[k], k >= 2};
        done = true;
      }
      if (done || avoid.empty()) break;
    }
    if (!done) {
      for (const LabelBox& box : grid_slots(r, width, height)) {
        if (!free_place(box, taken, width, height)) continue;
        placed[i] = {box, true};
        done = true;
        break;
      }
    }
    if (!done) placed[i] = {{0, std::max(0.0, height - r.height), r.width, std::max(height, r.height)}, true};
    taken.push_back(placed[i].box);
  }
  return placed;
}

int overlaps_in(const std::vector<PlacedLabel>& placed) {
  int count = 0;
  for (std::size_t a = 0; a < placed.size(); ++a) {
    for (std::size_t b = a + 1; b < placed.size(); ++b) count += boxes_overlap(placed[a].box, placed[b].box) ? 1 : 0;
  }
  return count;
}

TextSize label_text_size(std::string_view text, double font_points) {
  std::size_t characters = 0;
  for (const char c : text) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  const double scale = font_points / 10.0;
  return {7.0 * scale * static_cast<double>(characters) + 4.0, 16.0 * scale};
}

}  // namespace lrtune
