// safetensors: our writer's bytes checked by an independent reading of the format rules, round
// trips, and a decoder that turns every truncation, tampering and random mutation into
// SafetensorsError instead of a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

#include "lrtune/io/safetensors.hpp"

namespace lrtune {
namespace {

std::vector<SafetensorsTensor> sample_tensors() {
  return {{"dense/kernel", {2, 3}, {1.f, -2.f, 3.5f, 0.f, -0.f, 1e-30f}},
          {"dense/bias", {3}, {0.25f, 0.5f, -0.75f}},
          {"scalar", {}, {42.f}},
          {"empty", {0, 4}, {}}};
}

std::string le64(std::uint64_t n) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out;
}

// A file from a header we write by hand (for tampering tests).
std::string file_with_header(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

// The format read by its published rules, independently of decode_safetensors.
TEST(Safetensors, WriterOutputFollowsTheFormat) {
  const auto tensors = sample_tensors();
  const std::string bytes = encode_safetensors(tensors, {{"format", "test"}, {"k", "v"}});
  ASSERT_GE(bytes.size(), 8u);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  ASSERT_LE(8 + n, bytes.size());
  EXPECT_EQ(n % 8, 0u) << "header padded to 8 bytes";
  const std::string header_text = bytes.substr(8, n);
  EXPECT_EQ(header_text.front(), '{');
  const auto header = nlohmann::json::parse(header_text);  // trailing spaces are JSON whitespace
  ASSERT_TRUE(header.is_object());
  EXPECT_EQ(header["__metadata__"], (nlohmann::json{{"format", "test"}, {"k", "v"}}));
  const std::string data = bytes.substr(8 + n);
  std::uint64_t covered = 0;
  for (const auto& t : tensors) {
    const auto& entry = header.at(t.name);
    EXPECT_EQ(entry.size(), 3u) << "only dtype, shape, data_offsets";
    EXPECT_EQ(entry.at("dtype"), "F32");
    EXPECT_EQ(entry.at("shape").get<std::vector<std::int64_t>>(), t.shape);
    const auto begin = entry.at("data_offsets")[0].get<std::uint64_t>();
    const auto end = entry.at("data_offsets")[1].get<std::uint64_t>();
    ASSERT_EQ(end - begin, t.values.size() * 4);
    ASSERT_LE(end, data.size());
    EXPECT_EQ(begin, covered) << "packed in order without gaps";
    covered = end;
    for (std::size_t i = 0; i < t.values.size(); ++i) {
      // Little-endian IEEE 754 binary32, byte by byte.
      std::uint32_t bits = 0;
      for (int b = 3; b >= 0; --b) bits = (bits << 8) | static_cast<unsigned char>(data[begin + 4 * i + b]);
      float value;
      std::memcpy(&value, &bits, 4);
      EXPECT_EQ(std::memcmp(&value, &t.values[i], 4), 0) << t.name << "[" << i << "]";
    }
  }
  EXPECT_EQ(covered, data.size()) << "no trailing bytes";
  EXPECT_EQ(header.size(), tensors.size() + 1);
}

TEST(Safetensors, RoundTripsBitExactly) {
  const auto tensors = sample_tensors();
  const auto file = decode_safetensors(encode_safetensors(tensors, {{"a", "b"}}));
  ASSERT_EQ(file.tensors.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(file.tensors[i].name, tensors[i].name);
    EXPECT_EQ(file.tensors[i].shape, tensors[i].shape);
    ASSERT_EQ(file.tensors[i].values.size(), tensors[i].values.size());
    if (!tensors[i].values.empty()) {  // memcmp on an empty vector's null data is undefined
      EXPECT_EQ(std::memcmp(file.tensors[i].values.data(), tensors[i].values.data(), tensors[i].values.size() * 4), 0);
    }
  }
  EXPECT_EQ(file.metadata.at("a"), "b");
  ASSERT_NE(file.find("dense/bias"), nullptr);
  EXPECT_EQ(file.find("nope"), nullptr);
}

TEST(Safetensors, EncoderRejectsBadTensors) {
  EXPECT_THROW(encode_safetensors({{"a", {2}, {1.f}}}, {}), lrtune::UsageError);
  EXPECT_THROW(encode_safetensors({{"a", {1}, {1.f}}, {"a", {1}, {1.f}}}, {}), lrtune::UsageError);
  EXPECT_THROW(encode_safetensors({{"__metadata__", {1}, {1.f}}}, {}), lrtune::UsageError);
}

TEST(Safetensors, AcceptsAnyTensorOrderAndNoMetadata) {
  const std::string data = floats({1, 2, 3});
  const auto file = decode_safetensors(file_with_header(
      R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
      data));
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].name, "a");  // data order
  EXPECT_EQ(file.tensors[1].values, (std::vector<float>{2, 3}));
  EXPECT_TRUE(file.metadata.empty());
}

TEST(Safetensors, EveryTruncationIsAnError) {
  const std::string bytes = encode_safetensors(sample_tensors(), {{"format", "x"}});
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(decode_safetensors(std::string_view(bytes).substr(0, size)), SafetensorsError) << size;
  }
}

// {"a": [[[...]]]} nested `depth` deep.
std::string deep_json(std::size_t depth) {
  std::string text = "{\"a\":";
  text.append(depth, '[');
  text.append(depth, ']');
  text.push_back('}');
  return text;
}

struct Tampered {
  const char* what;
  std::string bytes;
  const char* message_part;
};

TEST(Safetensors, TamperedFilesGiveClearErrors) {
  const std::string one = floats({1});
  const std::vector<Tampered> cases = {
      {"huge header length", le64(std::uint64_t{1} << 62) + "{}", "cap"},
      {"header length past the end", le64(100) + "{}", "truncated"},
      {"not an object", file_with_header("[1,2]   ", ""), "start with"},
      {"not JSON", file_with_header("{\"a\":", ""), "not valid JSON"},
      {"bad UTF-8", file_with_header("{\"\xff\":1}", ""), "not valid JSON"},
      {"dtype F16", file_with_header(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", one),
       "expected \"F32\""},
      {"shape vs bytes", file_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", one),
       "needs 8 bytes"},
      {"negative shape", file_with_header(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", one),
       "non-negative"},
      {"float shape", file_with_header(R"({"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}})", one),
       "non-negative"},
      {"shape overflow",
       file_with_header(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", one),
       "too many"},
      {"offsets past the data", file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", one),
       "outside"},
      {"reversed offsets", file_with_header(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}})", one),
       "outside"},
      {"overlap",
       file_with_header(
           R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
           one),
       "overlaps"},
      {"gap", file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", floats({1, 2})), "gap"},
      {"trailing bytes", file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", floats({1, 2})),
       "trailing"},
      {"duplicate tensor",
       file_with_header(
           R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
           one),
       "duplicate"},
      {"duplicate field",
       file_with_header(R"({"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}})", one), "duplicate"},
      {"extra field", file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}})", one),
       "unexpected key"},
      {"missing field", file_with_header(R"({"a":{"dtype":"F32","shape":[1]}})", one), "lacks"},
      {"metadata not strings", file_with_header(R"({"__metadata__":{"a":1}})", ""), "not a string"},
      {"metadata not object", file_with_header(R"({"__metadata__":[]})", ""), "not an object"},
      {"deep nesting", file_with_header(deep_json(100000), ""), "deeper"},
      {"offsets not integers", file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}})", one),
       "data_offsets"},
  };
  for (const auto& c : cases) {
    try {
      decode_safetensors(c.bytes, "model.safetensors");
      ADD_FAILURE() << c.what << ": expected SafetensorsError";
    } catch (const SafetensorsError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("model.safetensors"), std::string::npos) << c.what << ": " << message;
      EXPECT_NE(message.find(c.message_part), std::string::npos) << c.what << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << c.what << ": one line";
    }
  }
}

// Random byte changes: the decoder either accepts the bytes or throws SafetensorsError; it never
// crashes, hangs or throws anything else (run under ASan/UBSan with LRTUNE_SANITIZE=ON).
TEST(Safetensors, RandomMutationsNeverCrash) {
  const std::string original =
      encode_safetensors(sample_tensors(), {{"format", "lrtune.model"}, {"x", "{\"a\":[1,2]}"}});
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string bytes = original;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const auto at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes.erase(at, 1 + rng() % 8); break;
        default: bytes.insert(at, 1, "{}[]\",:0-9e "[rng() % 12]); break;
      }
      if (bytes.empty()) bytes.push_back('x');
    }
    try {
      decode_safetensors(bytes);
    } catch (const SafetensorsError&) {
    } catch (const std::exception& error) {
      ADD_FAILURE() << "trial " << trial << ": unexpected exception " << error.what();
    }
  }
}

}  // namespace
}  // namespace lrtune
