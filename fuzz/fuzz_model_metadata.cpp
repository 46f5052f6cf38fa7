// Fuzz target: the model loader on hostile metadata, structure-aware. The input is not the file
// but a program of edits to a valid model's metadata JSON: byte 0 picks one of three base models
// (trained-free, built by prepare() on the table below), then each 4-byte op [what, where, which,
// arg] picks a field under one of kAnchors and changes its value, type, array length, levels or
// names. The edited metadata is framed again around the base's tensors (valid safetensors), so
// every input reaches the metadata checks; fuzz_model_file covers the bytes and the framing.
// Expected: ModelFileError (one line); or a model whose preprocessing applies to the base table (DataError
// allowed: a renamed column, an unseen level), makes exactly the model's input width and, when
// the scaled inputs are moderate (|x| <= 1e6: no float overflow with these weights), predicts
// finite outputs; and which saves and loads back. Anything else is a finding.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "fuzz_targets.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/preprocessing.hpp"
#include "lrtune/io/model_file.hpp"
#include "lrtune/io/safetensors.hpp"

namespace lrtune::fuzz {
namespace {

using nlohmann::json;

// Numeric a, b; categorical kind (3 levels: one-hot) and flag (2: binary); target y; a few
// missing cells for the imputing bases.
constexpr std::string_view kTable =
    "a,b,kind,flag,y\n"
    "1.5,20,red,yes,1\n2.0,18,blue,no,0\n0.5,25,green,yes,1\n3.1,,red,no,0\n2.2,21,blue,yes,1\n"
    "1.1,19,green,no,0\n,23,red,yes,1\n2.8,17,blue,,0\n0.9,22,green,yes,1\n1.7,24,red,no,0\n"
    "2.5,16,blue,yes,1\n1.3,20,green,no,0\n3.3,26,red,yes,1\n0.7,15,blue,no,0\n2.1,21,,yes,1\n"
    "1.9,19,red,no,0\n2.6,23,blue,yes,1\n1.2,18,green,no,0\n";

struct Base {
  std::vector<SafetensorsTensor> tensors;
  json metadata;  // the metadata map, JSON-valued entries parsed
};

PrepareOptions base_options(int which) {
  PrepareOptions o;
  o.target = std::string("y");  // not = "y": GCC 12 warns falsely (-Wrestrict) on that assignment
  o.target_rule = TargetRule::parse(">=1");
  o.test_size = 0.25;
  if (which == 0) return o;  // drop rows, standard scaler, unknown levels are errors
  o.missing = MissingPolicy::impute;
  o.encoder.unknown = UnknownLevel::all_zero;
  if (which == 1) {
    o.scaler = ScalerKind::min_max;
  } else {
    o.scaler = ScalerKind::none;
    o.impute.numeric = ImputeStrategy::constant;
    o.impute.categorical = ImputeStrategy::constant;
  }
  return o;
}

const std::vector<Base>& bases() {
  static const std::vector<Base> kBases = [] {
    std::vector<Base> out;
    const Table table = parse_csv(kTable, {}, "<base>");
    for (int which = 0; which < 3; ++which) {
      const PreparedData data = prepare(table, base_options(which));
      const Sequential model(static_cast<Index>(data.feature_names.size()),
                             {Dense(4, "relu"), Dropout(0.25), Dense(1, "sigmoid")}, 7);
      SafetensorsFile file = decode_safetensors(
          encode_model(model, Loss::binary_crossentropy, data.preprocessing, {{"epochs", 1}, {"seed", 7}}));
      Base base;
      base.tensors = std::move(file.tensors);
      for (const auto& [key, value] : file.metadata) {
        const bool is_json = key == "architecture" || key == "preprocessing" || key == "settings";
        base.metadata[key] = is_json ? json::parse(value) : json(value);
      }
      out.push_back(std::move(base));
    }
    return out;
  }();
  return kBases;
}

// Where an op acts: a field and everything below it (JSON pointers into the metadata map).
constexpr std::array<const char*, 20> kAnchors = {
    "",
    "/preprocessing",
    "/preprocessing/source_columns",
    "/preprocessing/numeric_features",
    "/preprocessing/feature_names",
    "/preprocessing/encoder",
    "/preprocessing/encoder/columns",
    "/preprocessing/encoder/columns/0",
    "/preprocessing/encoder/columns/0/levels",
    "/preprocessing/encoder/columns/0/outputs",
    "/preprocessing/encoder/columns/1",
    "/preprocessing/encoder/columns/1/levels",
    "/preprocessing/scaler",
    "/preprocessing/scaler/offset",
    "/preprocessing/scaler/scale",
    "/preprocessing/imputer",
    "/preprocessing/target",
    "/architecture",
    "/architecture/layers",
    "/settings",
};

// Strings that stand for what JSON text can hold but a json value cannot (replaced after dumping).
constexpr std::string_view kInfinity = "\x01inf";
constexpr std::string_view kMinusInfinity = "\x01-inf";
constexpr std::string_view kNaN = "\x01nan";

const std::vector<json>& numbers() {
  static const std::vector<json> kNumbers = {0,
                                             -0.0,
                                             1,
                                             -1,
                                             2,
                                             3,
                                             0.5,
                                             1e-310,
                                             std::numeric_limits<double>::min(),
                                             1e-300,
                                             1e300,
                                             std::numeric_limits<double>::max(),
                                             1e6,
                                             std::int64_t{2147483648},
                                             std::int64_t{9007199254740993},
                                             std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::uint64_t>::max(),
                                             6,
                                             1024,
                                             16777217,
                                             json(kInfinity),
                                             json(kMinusInfinity),
                                             json(kNaN)};
  return kNumbers;
}

const std::vector<std::string>& strings() {
  static const std::vector<std::string> kStrings = {"",
                                                    "a",
                                                    "b",
                                                    "kind",
                                                    "flag",
                                                    "y",
                                                    "blue",
                                                    "green",
                                                    "red",
                                                    "no",
                                                    "yes",
                                                    "kind_red",
                                                    "flag_yes",
                                                    "numeric",
                                                    "categorical",
                                                    "binary",
                                                    "multiclass",
                                                    "regression",
                                                    "standard",
                                                    "minmax",
                                                    "none",
                                                    "error",
                                                    "all_zero",
                                                    "impute",
                                                    "drop_rows",
                                                    "mean",
                                                    "median",
                                                    "most_frequent",
                                                    "constant",
                                                    "dense",
                                                    "dropout",
                                                    "relu",
                                                    "sigmoid",
                                                    "linear",
                                                    "softmax",
                                                    "tanh",
                                                    ">=",
                                                    "=~",
                                                    "lrtune.preprocessing",
                                                    "lrtune.model",
                                                    "1",
                                                    "2",
                                                    "binary_crossentropy",
                                                    "categorical_crossentropy",
                                                    "mean_squared_error",
                                                    std::string("a\0b", 3),
                                                    "\xff",
                                                    std::string(kInfinity)};
  return kStrings;
}

// Preorder, at most kMaxNodes (a grown array may hold thousands of entries).
constexpr std::size_t kMaxNodes = 4096;
void collect(json& node, std::vector<json*>& out) {
  if (out.size() >= kMaxNodes) return;
  out.push_back(&node);
  if (node.is_structured()) {
    for (auto& child : node) collect(child, out);
  }
}

// Ops that add entries stop at this many nodes in the whole metadata: grown arrays compound (a
// level list grown, its encoding repeated 4,096 times, the map copied into itself) and a
// 10-million-node document took 34 s to parse under ASan. 4,096 extra levels stay possible.
constexpr std::size_t kMaxDocNodes = 20'000;

std::size_t count_nodes(const json& node, std::size_t limit = kMaxDocNodes + 1) {
  std::size_t count = 1;
  if (node.is_structured()) {
    for (const auto& child : node) {
      if (count >= limit) break;
      count += count_nodes(child, limit - count);
    }
  }
  return count;
}

// How many copies of `entry` the document has room for.
std::size_t room_for(const json& doc, const json& entry) {
  const std::size_t used = count_nodes(doc);
  return used >= kMaxDocNodes ? 0 : (kMaxDocNodes - used) / count_nodes(entry);
}

json& anchor(json& doc, std::uint8_t where) {
  const json::json_pointer pointer(kAnchors[where % kAnchors.size()]);
  return doc.contains(pointer) ? doc[pointer] : doc;
}

// One op on `node`; `doc` is the whole metadata (for copies).
void apply_op(json& doc, json& node, std::uint8_t what, std::uint8_t arg) {
  const std::size_t size = node.is_structured() ? node.size() : 0;
  switch (what % 10) {
    case 0: node = numbers()[arg % numbers().size()]; break;
    case 1: node = strings()[arg % strings().size()]; break;
    case 2: {
      const json kinds[] = {nullptr, true, false, json::array(), json::object(), 0, ""};
      node = kinds[arg % 7];
      break;
    }
    case 3:  // remove an entry
      if (node.is_array() && size > 0)
        node.erase(arg % size);
      else if (node.is_object() && size > 0)
        node.erase(std::next(node.begin(), arg % size).key());
      break;
    case 4:  // repeat an entry
      if (node.is_array() && size > 0 && room_for(doc, node[arg % size]) > 0) node.push_back(json(node[arg % size]));
      break;
    case 5:  // swap two entries
      if (node.is_array() && size > 1) std::swap(node[arg % size], node[(arg / 16) % size]);
      break;
    case 6:  // grow by 2^k entries, k <= 12 (and kMaxDocNodes); strings stay distinct and sorted
      // after the last one. (2^16 copies of a layer object took 13 s under ASan: past the timeout.)
      if (node.is_array() && size > 0) {
        const json last = node.back();
        const std::size_t copies = std::min<std::size_t>(std::size_t{1} << (arg % 13), room_for(doc, last));
        for (std::size_t k = 0; k < copies; ++k) {
          node.push_back(last.is_string() ? json(fmt::format("{}~{:06}", last.get<std::string>(), k)) : last);
        }
      }
      break;
    case 7:  // shorten
      if (node.is_array()) {
        while (node.size() > static_cast<std::size_t>(arg) % (size + 1)) node.erase(node.size() - 1);
      }
      break;
    case 8:  // nudge: scale a number by 2^(arg - 128), flip a bool, extend a string
      if (node.is_number())
        node = std::ldexp(node.get<double>(), static_cast<int>(arg) - 128) * ((arg & 1) ? -1 : 1);
      else if (node.is_boolean())
        node = !node.get<bool>();
      else if (node.is_string())
        node = node.get<std::string>() + static_cast<char>("_~ aZ\t"[arg % 6]);
      break;
    default: {  // copy another field here (an encoding over another, a column entry over a name)
      std::vector<json*> all;
      collect(doc, all);
      json copy = *all[arg % all.size()];
      if (room_for(doc, copy) > 0) node = std::move(copy);
    }
  }
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The metadata map as the file stores it: JSON-valued entries dumped, strings verbatim.
std::map<std::string, std::string> metadata_strings(const json& doc) {
  std::map<std::string, std::string> out;
  if (!doc.is_object()) return out;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) {
      out[key] = value.get<std::string>();
      continue;
    }
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    replace_all(text, "\"\\u0001inf\"", "1e999");
    replace_all(text, "\"\\u0001-inf\"", "-1e999");
    replace_all(text, "\"\\u0001nan\"", "NaN");
    out[key] = std::move(text);
  }
  return out;
}

json edited_metadata(const std::uint8_t* data, std::size_t size) {
  json doc = bases()[size > 0 ? data[0] % bases().size() : 0].metadata;
  constexpr std::size_t kMaxOps = 64;
  for (std::size_t at = 1, ops = 0; at + 4 <= size && ops < kMaxOps; at += 4, ++ops) {
    std::vector<json*> nodes;
    collect(anchor(doc, data[at + 1]), nodes);
    apply_op(doc, *nodes[data[at + 2] % nodes.size()], data[at], data[at + 3]);
  }
  return doc;
}

// The properties of a model that loaded.
void check_loaded(const SavedModel& saved) {
  std::optional<AppliedData> applied;
  try {
    const Table table = parse_csv(kTable, saved.preprocessing.csv_options(), "<base>");
    applied.emplace(saved.preprocessing.apply(table));
  } catch (const DataError&) {}
  if (applied) {
    expect(applied->x.cols() == saved.model.input_dim(),
           fmt::format("the loaded preprocessing makes {} features, the model reads {}", applied->x.cols(),
                       saved.model.input_dim()));
    const bool moderate = applied->x.allFinite() && (applied->x.size() == 0 || applied->x.cwiseAbs().maxCoeff() <= 1e6);
    if (moderate && applied->x.rows() > 0) {
      Sequential model = saved.model;
      expect(model.predict(to_float(applied->x), 64).allFinite(), "moderate inputs give non-finite predictions");
    }
  }
  const std::string bytes = encode_model(saved.model, saved.loss, saved.preprocessing, saved.settings);
  try {
    check_loads_back(bytes, saved.model, saved.loss, saved.preprocessing, "<fuzz re-encoded>");
  } catch (const ModelFileError& e) {
    throw FuzzFinding(std::string("a loaded model does not load back once saved: ") + e.what());
  }
}

}  // namespace

std::string model_metadata_after_edits(const std::uint8_t* data, std::size_t size) {
  std::string out;
  for (const auto& [key, value] : metadata_strings(edited_metadata(data, size))) out += key + ": " + value + "\n";
  return out;
}

int fuzz_model_metadata(const std::uint8_t* data, std::size_t size) {
  const json doc = edited_metadata(data, size);
  const Base& base = bases()[size > 0 ? data[0] % bases().size() : 0];
  const std::string bytes = encode_safetensors(base.tensors, metadata_strings(doc));
  std::optional<SavedModel> saved;  // Sequential has no empty state
  try {
    saved.emplace(decode_model(bytes, "<fuzz>"));
  } catch (const ModelFileError& e) {
    const std::string_view message = e.what();
    expect(message.find_first_of("\n\r") == std::string_view::npos, "a multi-line error: " + std::string(message));
    return 0;
  }
  check_loaded(*saved);
  return 0;
}

}  // namespace lrtune::fuzz

#ifdef LRTUNE_LIBFUZZER
LRTUNE_FUZZ_ENTRY(lrtune::fuzz::fuzz_model_metadata)
#endif
