// CSV and JSON files of results: training histories, range-test curves, repeated range tests.
// Numbers in CSV round-trip exactly (shortest representation that reads back to the same
// double), NaN as "nan", inf as "inf"/"-inf". Every write is atomic. Drawing them is report's job.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "lrtune/finder/curve.hpp"
#include "lrtune/finder/repeats.hpp"
#include "lrtune/train/history.hpp"

namespace lrtune {

// One CSV number: shortest round-trip form ("0.1", "1e-05", "0.0070000000000000001" never),
// "nan" for any NaN, "inf" / "-inf".
std::string format_csv_number(double value);
// A CSV field, quoted (RFC 4180, "" for a quote) when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

// History as CSV: header "epoch,<names in first-seen order>", then one row per finished epoch,
// the epoch 0-based as History and Keras' CSVLogger keep it; "nan" where an epoch lacks a value.
// Lines end with "\n". Example: "epoch,loss,accuracy\n0,0.52,0.73\n1,0.48,0.76\n".
std::string history_to_csv(const History& history);
void write_history_csv(const std::filesystem::path& path, const History& history);
// History::records_json() pretty-printed: one record per epoch, nothing else, so
// pandas.read_json(path) gives one row per epoch with the CSV's columns.
void write_history_json(const std::filesystem::path& path, const History& history);
// History::summary_json() pretty-printed: how the training ended (stop reason and message, best
// epoch, epochs run, seconds), the run-level values the per-epoch files leave out.
void write_history_summary_json(const std::filesystem::path& path, const History& history);
// The three files of one training in `folder`: <stem>.csv, <stem>.json (per epoch) and
// <stem>_summary.json (how it ended).
void write_history_files(const std::filesystem::path& folder, const std::string& stem, const History& history);

// Curve as CSV: "index,lr,loss,smoothed_loss[,val_loss][,<metric>...]" (metrics in
// name order), one row per recorded point, index 0-based. Suggestions and the stop reason are not
// in the CSV (they are in the JSON).
std::string curve_to_csv(const RangeTestCurve& curve);
void write_curve_csv(const std::filesystem::path& path, const RangeTestCurve& curve);
// The curve's to_json (NaN as "nan" strings), pretty-printed; reads back with from_json.
void write_curve_json(const std::filesystem::path& path, const RangeTestCurve& curve);

// The repeated range test's to_json (every run's curve, spreads, mean curve), pretty-printed.
void write_repeated_range_test_json(const std::filesystem::path& path, const RepeatedRangeTest& repeated);
// Per-rule spread as CSV: "rule,found,runs,median,q1,q3,min,max,iqr_decades,geometric_std,default".
std::string rule_spreads_to_csv(const RepeatedRangeTest& repeated);
// Mean curve as CSV: "index,lr,mean,std,count" (`lr` as in the history files).
std::string mean_curve_to_csv(const MeanCurve& curve);

}  // namespace lrtune
