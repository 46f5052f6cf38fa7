// Label layout and log-axis ticks: no two placed labels overlap, each stays in the area, labels
// that had to move get a leader line; tick labels clear each other at any axis length.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "lrtune/report/axis_ticks.hpp"
#include "lrtune/report/label_layout.hpp"

namespace lrtune {
namespace {

void expect_inside(const std::vector<PlacedLabel>& placed, double width, double height) {
  for (const auto& p : placed) {
    EXPECT_GE(p.box.x0, 0);
    EXPECT_GE(p.box.y0, 0);
    EXPECT_LE(p.box.x1, width);
    EXPECT_LE(p.box.y1, height);
  }
}

TEST(BoxesOverlap, SharedAreaOnly) {
  EXPECT_TRUE(boxes_overlap({0, 0, 10, 10}, {5, 5, 15, 15}));
  EXPECT_FALSE(boxes_overlap({0, 0, 10, 10}, {10, 0, 20, 10}));  // touching edges
  EXPECT_FALSE(boxes_overlap({0, 0, 10, 10}, {0, 11, 10, 20}));
}

TEST(PlaceLabels, OneLabelSitsJustAboveItsPointWithoutALeader) {
  const auto placed = place_labels({{100, 100, 80, 16}}, 500, 400);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_FALSE(placed[0].leader);
  EXPECT_GT(placed[0].box.y0, 100);
  EXPECT_LT(placed[0].box.y0, 120);
  EXPECT_DOUBLE_EQ((placed[0].box.x0 + placed[0].box.x1) / 2, 100);
}

TEST(PlaceLabels, CoincidingPointsGetStackedLabelsThatDoNotOverlap) {
  // The report's case: valley and stable-minimum at nearly the same rate and loss.
  std::vector<LabelRequest> labels;
  for (int k = 0; k < 5; ++k) labels.push_back({300.0 + k, 200.0, 150, 16});
  const auto placed = place_labels(labels, 560, 420);
  EXPECT_EQ(overlaps_in(placed), 0);
  expect_inside(placed, 560, 420);
  int leaders = 0;
  for (const auto& p : placed) leaders += p.leader ? 1 : 0;
  EXPECT_GE(leaders, 3) << "only the first label above and the first below touch their point";
}

TEST(PlaceLabels, LabelsNearTheEdgesStayInsideAndApart) {
  const std::vector<LabelRequest> labels = {{2, 2, 120, 16}, {5, 4, 120, 16}, {558, 418, 200, 16}, {550, 410, 90, 16}};
  const auto placed = place_labels(labels, 560, 420);
  EXPECT_EQ(overlaps_in(placed), 0);
  expect_inside(placed, 560, 420);
}

TEST(PlaceLabels, NoLabelCoversAnotherPointsMarker) {
  const auto placed = place_labels({{100, 100, 200, 16}, {150, 118, 60, 16}}, 500, 400);
  for (const auto& p : placed) {
    EXPECT_FALSE(boxes_overlap(p.box, {94, 94, 106, 106}));
    EXPECT_FALSE(boxes_overlap(p.box, {144, 112, 156, 124}));
  }
}

TEST(PlaceLabels, KeepClearOfACurveWhereThereIsRoom) {
  // A curve running just above the point, where the first slot would be: the label goes below.
  std::vector<AvoidPoint> curve;
  for (double x = 0; x <= 500; x += 2) curve.push_back({x, 118});
  const auto placed = place_labels({{100, 100, 80, 16}}, 500, 400, 12.0, curve);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_LT(placed[0].box.y1, 100);
  EXPECT_FALSE(placed[0].leader);
  // A curve through every slot: the label still gets a place, clear of other labels.
  std::vector<AvoidPoint> everywhere;
  for (double x = 0; x <= 500; x += 4)
    for (double y = 0; y <= 400; y += 4) everywhere.push_back({x, y});
  const auto crowded = place_labels({{100, 100, 80, 16}, {102, 100, 80, 16}}, 500, 400, 12.0, everywhere);
  EXPECT_EQ(overlaps_in(crowded), 0);
}

TEST(LabelTextSize, GrowsWithTheCharactersNotTheBytes) {
  EXPECT_DOUBLE_EQ(label_text_size("ab").width, label_text_size("\u00e9\u00e9").width);
  EXPECT_GT(label_text_size("stable-minimum 0.0054").width, label_text_size("valley 0.005").width);
}

void expect_clear_ticks(const std::vector<AxisTick>& ticks, double lo, double hi, double pixels) {
  for (std::size_t i = 0; i + 1 < ticks.size(); ++i) {
    const double a = log_axis_pixel(ticks[i].value, lo, hi, pixels);
    const double b = log_axis_pixel(ticks[i + 1].value, lo, hi, pixels);
    EXPECT_GE(b - a, label_text_size(ticks[i].label).width / 2 + label_text_size(ticks[i + 1].label).width / 2)
        << ticks[i].label << " and " << ticks[i + 1].label << " on " << pixels << " pixels";
  }
  for (const auto& t : ticks) {
    EXPECT_GE(t.value, lo);
    EXPECT_LE(t.value, hi);
  }
}

TEST(LogAxisTicks, DecadesOnAWideSweep) {
  const auto ticks = log_axis_ticks(1e-7, 10, 560);
  ASSERT_FALSE(ticks.empty());
  EXPECT_EQ(ticks.front().label, "1e-07");
  expect_clear_ticks(ticks, 1e-7, 10, 560);
}

TEST(LogAxisTicks, TwoAndFiveBetweenFewDecades) {
  const auto ticks = log_axis_ticks(9e-4, 0.06, 560);
  std::vector<std::string> labels;
  for (const auto& t : ticks) labels.push_back(t.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"0.001", "0.002", "0.005", "0.01", "0.02", "0.05"}));
}

TEST(LogAxisTicks, ThinnedUntilTheLabelsClearOnANarrowAxis) {
  for (const double pixels : {60.0, 120.0, 200.0, 400.0}) {
    const auto ticks = log_axis_ticks(1e-9, 100, pixels);
    EXPECT_FALSE(ticks.empty()) << pixels;
    expect_clear_ticks(ticks, 1e-9, 100, pixels);
  }
  EXPECT_TRUE(log_axis_ticks(1, 0.5, 100).empty());
}

}  // namespace
}  // namespace lrtune
