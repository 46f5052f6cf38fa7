// Where a chart's text labels go so that none covers another: each label is placed next to the
// point it names, stacked above or below when that place is taken, with a leader line when it had
// to move. Pure geometry in pixels of the plot area; writing the positions into a gnuplot script is
// charts.cpp's, estimating a text's size is label_text_size's.
#pragma once

#include <string_view>
#include <vector>

namespace lrtune {

// A rectangle in pixels of the plot area: x to the right, y up, (0, 0) the bottom-left corner.
struct LabelBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// Whether two boxes share any area (touching edges do not count).
bool boxes_overlap(const LabelBox& a, const LabelBox& b);

// One label to place: the point it names and the size of its text, in pixels.
struct LabelRequest {
  double anchor_x = 0, anchor_y = 0;
  double width = 0, height = 0;
};

struct PlacedLabel {
  LabelBox box;
  bool leader = false;  // the label sits away from its point: draw a line from it to the point
};

// Places every label inside the area [0, width] x [0, height], none overlapping another nor any
// anchor's marker (a square of `marker` pixels around each anchor), trying for each label in turn
// (in order of anchor x): just above its point, just below, then one label height further out on
// each side, and so on; as a last resort any free place in the area. A label that fits nowhere (more
// labels than the area holds) is placed in the top-left corner and reported by overlaps_in.
std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& labels, double width, double height,
                                      double marker = 12.0);

// A point in pixels of the plot area that a label had better not cover (a sample of a drawn curve).
struct AvoidPoint {
  double x = 0, y = 0;
};
// As above, and each label also keeps clear of `avoid` where some slot allows (a label that finds
// no such slot is placed as above, over the curve, but never over another label).
std::vector<PlacedLabel> place_labels(const std::vector<LabelRequest>& labels, double width, double height,
                                      double marker, const std::vector<AvoidPoint>& avoid);

// The number of pairs of placed boxes that overlap (0 for any layout place_labels could solve).
int overlaps_in(const std::vector<PlacedLabel>& placed);

// The size in pixels a one-line label takes in the charts' font (Sans 10 pt in gnuplot's pngcairo
// and svg terminals): a generous 7 pixels a character and 16 pixels high, so an estimate never
// undershoots the drawn text (what the no-overlap guarantee needs).
struct TextSize {
  double width = 0, height = 0;
};
TextSize label_text_size(std::string_view text, double font_points = 10.0);

}  // namespace lrtune
