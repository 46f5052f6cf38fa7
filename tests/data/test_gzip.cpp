// gzip input: recognised by its magic bytes whatever the file's name, read exactly as the plain
// text; corrupt, truncated, padded and oversized streams are one-line errors naming the file.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "lrtune/data/gzip.hpp"
#include "support/gzip_text.hpp"
#include "support/raw_table.hpp"

namespace {

using namespace lrtune;
using lrtune::testing::gzip_text;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kCsv = "a,b,kind\n1,2.5,red\n3,,blue\n5,6,red\n";

std::string error_of(const std::string& bytes, const CsvOptions& options = {}) {
  try {
    (void)parse_csv(bytes, options, "data.csv");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

void expect_same_table(const Table& a, const Table& b) {
  ASSERT_EQ(a.cols(), b.cols());
  ASSERT_EQ(a.rows(), b.rows());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].type, b.columns[c].type);
    EXPECT_EQ(a.columns[c].strings, b.columns[c].strings);
    EXPECT_EQ(a.columns[c].missing, b.columns[c].missing);
    ASSERT_EQ(a.columns[c].numbers.size(), b.columns[c].numbers.size());
    for (std::size_t r = 0; r < a.columns[c].numbers.size(); ++r) {
      const double x = a.columns[c].numbers[r], y = b.columns[c].numbers[r];
      EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << a.columns[c].name << " row " << r;
    }
  }
}

TEST(Gzip, MagicBytesAreTheSignNotTheName) {
  EXPECT_TRUE(is_gzip(gzip_text("a")));
  EXPECT_FALSE(is_gzip("\x1f"));
  EXPECT_FALSE(is_gzip("a,b\n1,2\n"));
}

TEST(Gzip, AFileNamedCsvHoldingGzipReadsAsThePlainText) {
  const std::string text = lrtune::testing::raw_passenger_table(200);
  const auto dir = std::filesystem::temp_directory_path() / "lrtune-test-gzip";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "plain.csv", std::ios::binary) << text;
  std::ofstream(dir / "packed.csv", std::ios::binary) << gzip_text(text);  // no .gz: the bytes decide
  expect_same_table(read_csv(dir / "plain.csv"), read_csv(dir / "packed.csv"));
  std::filesystem::remove_all(dir);
}

TEST(Gzip, ConcatenatedMembersAreOneText) {
  const std::string both = gzip_text("a,b\n1,2\n") + gzip_text("3,4\n5,6\n");
  const Table t = parse_csv(both, {}, "data.csv");
  EXPECT_EQ(t.rows(), 3);
  EXPECT_EQ(t.columns[1].numbers, (std::vector<double>{2, 4, 6}));
}

TEST(Gzip, ErrorsInTheTextNameTheFileAndLine) {
  EXPECT_THAT(error_of(gzip_text("a,b\n1,2\n3\n")),
              StartsWith("data.csv:3: expected 2 fields as in the header, found 1"));
}

TEST(Gzip, ATruncatedStreamIsOneLine) {
  const std::string packed = gzip_text(kCsv);
  const std::string message = error_of(packed.substr(0, packed.size() - 12));
  EXPECT_THAT(message, StartsWith("data.csv: the gzip stream ends early, after"));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(Gzip, ACorruptStreamIsOneLineWithZlibsReason) {
  std::string packed = gzip_text(lrtune::testing::raw_passenger_table(100));
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 8; ++i) packed[i] = static_cast<char>(~packed[i]);
  const std::string message = error_of(packed);
  EXPECT_THAT(message, StartsWith("data.csv: corrupt gzip stream at compressed byte "));
  EXPECT_THAT(message, HasSubstr("(zlib: "));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(Gzip, BytesAfterTheLastMemberThatAreNotGzipAreAnError) {
  EXPECT_THAT(error_of(gzip_text(kCsv) + "junk"),
              HasSubstr("data.csv: 4 bytes after the end of the gzip data at compressed byte"));
}

TEST(Gzip, TheSizeCapCountsTheDecompressedText) {
  const std::string text = lrtune::testing::raw_passenger_table(100);
  CsvOptions small;
  small.max_bytes = text.size() - 1;  // one byte short of the text; the compressed bytes are far fewer
  EXPECT_THAT(error_of(gzip_text(text), small),
              StartsWith(fmt::format("data.csv: more than {} bytes once decompressed", text.size() - 1)));
  small.max_bytes = text.size();
  EXPECT_EQ(error_of(gzip_text(text), small), "");
}

}  // namespace
