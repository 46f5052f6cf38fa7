// The CSV reader: every RFC 4180 case, type inference, number syntax, limits and every
// error path (each message must name the file, the line and the column or option).
#include <sys/stat.h>
#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lrtune/data/csv.hpp"
#include "lrtune/data/error.hpp"
#include "support/data_dir.hpp"

namespace {

using lrtune::ColumnType;
using lrtune::CsvOptions;
using lrtune::DataError;
using lrtune::parse_csv;
using ::testing::HasSubstr;

// The DataError message thrown by parsing `text`, or "" when it parses.
std::string error_of(std::string_view text, const CsvOptions& options = {}) {
  try {
    parse_csv(text, options, "t.csv");
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(Csv, ReadsHeaderTypesAndValues) {
  const auto t = parse_csv("a,b,c\n1,x,2.5\n3,y,-4e2\n");
  ASSERT_EQ(t.cols(), 3);
  ASSERT_EQ(t.rows(), 2);
  EXPECT_EQ(t.column_names(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(t.columns[0].type, ColumnType::numeric);
  EXPECT_EQ(t.columns[1].type, ColumnType::categorical);
  EXPECT_EQ(t.columns[0].numbers, (std::vector<double>{1, 3}));
  EXPECT_EQ(t.columns[1].strings, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.columns[2].numbers, (std::vector<double>{2.5, -400}));
  EXPECT_EQ(t.row_labels, (std::vector<lrtune::Index>{0, 1}));
}

TEST(Csv, NoTrailingNewlineIsFine) {
  const auto t = parse_csv("a,b\n1,2");
  ASSERT_EQ(t.rows(), 1);
  EXPECT_EQ(t.columns[1].numbers[0], 2.0);
}

TEST(Csv, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  const auto t = parse_csv("name,note\n\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",\"\"\n\"x\",\"1\"\"\"\n");
  ASSERT_EQ(t.rows(), 3);
  const auto& name = t.columns[0];
  const auto& note = t.columns[1];
  EXPECT_EQ(name.strings, (std::vector<std::string>{"a,b", "multi\nline", "x"}));
  EXPECT_EQ(note.strings[0], "say \"hi\"");
  EXPECT_TRUE(note.is_missing(1));  // "" is an empty field, hence missing, as in pandas
  EXPECT_EQ(note.strings[2], "1\"");
}

TEST(Csv, QuotedHeaderAndQuotedNumbers) {
  const auto t = parse_csv("\"a,1\",\"b\"\"q\"\n\"1.5\",\"2\"\n");
  EXPECT_EQ(t.column_names(), (std::vector<std::string>{"a,1", "b\"q"}));
  EXPECT_EQ(t.columns[0].type, ColumnType::numeric);  // pandas parses quoted numbers too
  EXPECT_EQ(t.columns[0].numbers[0], 1.5);
}

TEST(Csv, LineNumbersCountNewlinesInsideQuotes) {
  // The bad value sits on physical line 4 (the quoted field spans lines 2-3).
  CsvOptions forced;
  forced.column_types = {{"b", ColumnType::numeric}};
  const std::string msg = error_of("a,b\n\"x\ny\",1\nz,w\n", forced);
  EXPECT_THAT(msg, HasSubstr("t.csv:4: column 2 (\"b\")"));
}

TEST(Csv, CrlfAndBomGiveTheSameTableAsLf) {
  const std::string lf = "a,b,c\n1,\"x\ny\",2\n3,z,\n";
  std::string crlf =
      "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x\ny\",2\r\n3,z,\r\n";
  const auto t1 = parse_csv(lf);
  const auto t2 = parse_csv(crlf);
  ASSERT_EQ(t1.column_names(), t2.column_names());
  ASSERT_EQ(t1.rows(), t2.rows());
  EXPECT_EQ(t2.column_names()[0], "a");  // the BOM is not part of the name
  EXPECT_EQ(t1.columns[0].numbers, t2.columns[0].numbers);
  EXPECT_EQ(t1.columns[1].strings, t2.columns[1].strings);
  EXPECT_TRUE(std::isnan(t2.columns[2].numbers[1]));
  EXPECT_EQ(t2.columns[2].numbers[0], 2.0);
}

TEST(Csv, LoneCarriageReturnEndsARecord) {
  const auto t = parse_csv("a,b\r1,2\r3,4");
  ASSERT_EQ(t.rows(), 2);
  EXPECT_EQ(t.columns[1].numbers, (std::vector<double>{2, 4}));
}

TEST(Csv, BlankLinesAreSkippedAsPandasDoes) {
  const auto t = parse_csv("\na,b\n\n1,2\n\r\n3,4\n\n");
  ASSERT_EQ(t.rows(), 2);
  EXPECT_EQ(t.row_labels, (std::vector<lrtune::Index>{0, 1}));
}

TEST(Csv, DelimitersByOptionAndDetected) {
  for (const char d : {',', ';', '\t'}) {
    const std::string text = fmt::format("a{0}b{0}c\n1{0}2,5{0}x\n", d);
    if (d == ',') continue;  // "2,5" would split; covered below
    const auto detected = parse_csv(text);
    ASSERT_EQ(detected.cols(), 3) << int(d);
    EXPECT_EQ(detected.columns[1].strings[0], "2,5");  // a comma inside a ';' or tab file is text
    CsvOptions options;
    options.delimiter = d;
    EXPECT_EQ(parse_csv(text, options).cols(), 3);
  }
  EXPECT_EQ(parse_csv("a,b\n1,2\n").cols(), 2);
  EXPECT_EQ(parse_csv("a\n1\n").cols(), 1);
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  EXPECT_EQ(parse_csv("a,b\n1,2\n", semicolon).cols(), 1);  // forced: the comma is not a delimiter
  CsvOptions pipe;
  pipe.delimiter = '|';
  EXPECT_THAT(error_of("a|b\n1|2\n", pipe), HasSubstr("expected ',', ';' or tab"));
}

TEST(Csv, MissingTokensDefaultAndConfigurable) {
  const auto t = parse_csv("a,b\n,x\nNA,NA\nN/A,y\nNaN,null\nnan,NULL\n?,?\n\"\",z\n 7 ,w\n");
  const auto& a = t.columns[0];
  const auto& b = t.columns[1];
  ASSERT_EQ(a.type, ColumnType::numeric);
  EXPECT_EQ(a.missing_count(), 7);
  EXPECT_EQ(a.numbers[7], 7.0);
  ASSERT_EQ(b.type, ColumnType::categorical);
  EXPECT_EQ(b.missing_count(), 4);
  EXPECT_EQ(b.levels(), (std::vector<std::string>{"w", "x", "y", "z"}));

  CsvOptions options;
  options.missing_tokens = {"-999"};
  const auto u = parse_csv("a,b\n-999,\n1,2\n", options);
  EXPECT_TRUE(u.columns[0].is_missing(0));
  EXPECT_FALSE(u.columns[1].is_missing(0));  // "" is no longer missing: the column turns categorical
  EXPECT_EQ(u.columns[1].type, ColumnType::categorical);
}

// Found by fuzz/fuzz_csv_reader: with "" not a missing token, an empty last cell was read one
// byte past the end of the text (ASan: heap-buffer-overflow in parse_trimmed).
TEST(Csv, EmptyCellThatIsNotMissingAtTheVeryEndOfTheText) {
  CsvOptions options;
  options.missing_tokens = {"NA"};
  const std::string text = "a,b\n1,2\n3,";
  const std::vector<char> exact(text.begin(), text.end());  // no terminator after the last cell
  const auto t = parse_csv(std::string_view(exact.data(), exact.size()), options);
  ASSERT_EQ(t.columns[1].type, ColumnType::categorical);
  EXPECT_EQ(t.columns[1].strings[1], "");
  EXPECT_FALSE(t.columns[1].is_missing(1));
}

TEST(Csv, NumberSyntaxChoices) {
  using lrtune::parse_number;
  EXPECT_EQ(parse_number("1e5"), 1e5);
  EXPECT_EQ(parse_number(" 3.2 "), 3.2);
  EXPECT_EQ(parse_number("\t-0.5\t"), -0.5);
  EXPECT_EQ(parse_number("+1.5"), 1.5);
  EXPECT_EQ(parse_number(".5"), 0.5);
  EXPECT_EQ(parse_number("1."), 1.0);
  EXPECT_EQ(parse_number("1E-3"), 1e-3);
  EXPECT_EQ(parse_number("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_number("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(parse_number("1,000"));  // no thousands separator
  EXPECT_FALSE(parse_number("3,5"));    // no decimal comma
  EXPECT_FALSE(parse_number("0x1A"));   // no hex
  EXPECT_FALSE(parse_number("1 000"));
  EXPECT_FALSE(parse_number("+-1"));
  EXPECT_FALSE(parse_number("++1"));
  EXPECT_FALSE(parse_number("+"));
  EXPECT_FALSE(parse_number("1e"));
  EXPECT_FALSE(parse_number("abc"));
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("true"));
}

TEST(Csv, NumbersRoundTripExactly) {
  std::mt19937_64 bits(7);
  std::string text = "x\n";
  std::vector<double> expected;
  for (int i = 0; i < 20000; ++i) {
    double v;
    do {
      const std::uint64_t b = bits();
      std::memcpy(&v, &b, sizeof v);
    } while (!std::isfinite(v));
    expected.push_back(v);
    text += fmt::format("{}\n", v);  // shortest round-trip form
  }
  for (const double v : {5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 9007199254740993.0}) {
    expected.push_back(v);
    text += fmt::format("{:.17g}\n", v);
  }
  const auto t = parse_csv(text);
  ASSERT_EQ(t.columns[0].numbers.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(t.columns[0].numbers[i], expected[i]) << "row " << i;
  }
}

TEST(Csv, InferenceIsPerColumnAndKeepsTextVerbatim) {
  // A column that starts numeric and meets text late becomes categorical with its text as written.
  const auto t = parse_csv("a,b\n1,1.0\n2,01\n3,x\n");
  EXPECT_EQ(t.columns[0].type, ColumnType::numeric);
  ASSERT_EQ(t.columns[1].type, ColumnType::categorical);
  EXPECT_EQ(t.columns[1].strings, (std::vector<std::string>{"1.0", "01", "x"}));
}

// A numeric column with a few cells that are not numbers (a typo, a thousands separator) is
// not silently made categorical: the error names the cells and their lines.
TEST(CsvErrors, MostlyNumericColumnNamesTheCellsThatAreNotNumbers) {
  std::string text = "id,a,b\n";  // line 1
  for (int i = 0; i < 30; ++i) {
    const std::string a = i == 3 ? "abc" : i == 7 ? "\"1,234\"" : i == 9 ? "NA" : fmt::format("{}.5", i);
    text += fmt::format("{},{},x{}\n", i, a, i);  // data row i is on line i + 2
  }
  EXPECT_EQ(error_of(text),
            "t.csv: column 2 (\"a\"): 27 of 29 values are numbers but 2 are not: line 5 \"abc\", "
            "line 9 \"1,234\"; expected a number (no thousands separators, '.' as the decimal point), "
            "or read such cells as missing with --na-values abc");
  // Named as missing, they are missing; the column stays numeric.
  CsvOptions options;
  options.missing_tokens.push_back("abc");
  options.missing_tokens.push_back("1,234");
  const auto t = parse_csv(text, options);
  ASSERT_EQ(t.columns[1].type, ColumnType::numeric);
  EXPECT_EQ(t.columns[1].missing_count(), 3);
  // Forced categorical, it is categorical; a column the caller will not use is typed as pandas would.
  options = {};
  options.column_types = {{"a", ColumnType::categorical}};
  EXPECT_EQ(parse_csv(text, options).columns[1].type, ColumnType::categorical);
  options = {};
  options.lenient_columns = {"a", "not-in-the-header"};
  EXPECT_EQ(parse_csv(text, options).columns[1].type, ColumnType::categorical);
  options = {};
  options.lenient_unforced = true;
  options.column_types = {{"id", ColumnType::numeric}};
  EXPECT_EQ(parse_csv(text, options).columns[1].type, ColumnType::categorical);
}

TEST(CsvErrors, MostlyNumericNamesTheFirstThreeCells) {
  std::string text = "a\n";
  for (int i = 0; i < 50; ++i) text += i % 10 == 1 ? fmt::format("x{}\n", i) : fmt::format("{}\n", i);
  EXPECT_THAT(error_of(text), HasSubstr("t.csv: column 1 (\"a\"): 45 of 50 values are numbers but 5 are not: line 3 "
                                        "\"x1\", line 13 \"x11\", line 23 \"x21\", ...; expected a number"));
  EXPECT_THAT(error_of(text), HasSubstr("--na-values x1,x11,x21"));
}

// The threshold: 9 numbers in 10 values is a numeric column with a bad cell; 8 in 9 is a
// categorical column (number-like codes and a text level), as before.
TEST(Csv, MostlyNumericThresholdIsNineInTen) {
  std::string nine = "a\nx\n";
  for (int i = 0; i < 9; ++i) nine += fmt::format("{}\n", i);
  EXPECT_THAT(error_of(nine),
              HasSubstr("t.csv: column 1 (\"a\"): 9 of 10 values are numbers but 1 is not: line 2 \"x\""));
  std::string eight = "a\nx\n";
  for (int i = 0; i < 8; ++i) eight += fmt::format("{}\n", i);
  EXPECT_EQ(parse_csv(eight).columns[0].type, ColumnType::categorical);
  // Missing cells do not count either way; a bad cell that is not UTF-8 is shown escaped.
  EXPECT_THAT(error_of("a\n1\n2\n3\n4\n5\n6\n7\n8\n9\n\n?\nNA\nx\xe9\n"),
              HasSubstr("9 of 10 values are numbers but 1 is not: line 14 \"x\\xE9\"; expected a number"));
}

TEST(Csv, TypeOverride) {
  CsvOptions options;
  options.column_types = {{"code", ColumnType::categorical}};
  const auto t = parse_csv("code,v\n10,1\n20,2\n", options);
  ASSERT_EQ(t.columns[0].type, ColumnType::categorical);
  EXPECT_EQ(t.columns[0].strings, (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(t.columns[1].type, ColumnType::numeric);
}

TEST(Csv, UnnamedColumnsAreNamedAsPandasDoes) {
  const auto t = parse_csv(",a\n0,1\n");
  EXPECT_EQ(t.column_names(), (std::vector<std::string>{"Unnamed: 0", "a"}));
}

// ---- error paths: each names the file, the line and the column or option ----

TEST(CsvErrors, UnterminatedQuote) {
  EXPECT_THAT(error_of("a,b\n1,2\n3,\"oops\n4,5\n"), HasSubstr("t.csv:3: column 2: unterminated quoted field"));
}

TEST(CsvErrors, TextAfterClosingQuote) {
  EXPECT_THAT(error_of("a,b\n\"x\"y,2\n"), HasSubstr("t.csv:2: column 1: expected a delimiter or the end of the line"));
}

TEST(CsvErrors, RaggedRowsAreNeverPaddedOrTruncated) {
  EXPECT_THAT(error_of("a,b,c\n1,2,3\n4,5\n"), HasSubstr("t.csv:3: expected 3 fields as in the header, found 2"));
  EXPECT_THAT(error_of("a,b,c\n1,2,3,4\n"),
              HasSubstr("t.csv:2: column 4: expected 3 fields as in the header, found more"));
  EXPECT_THAT(error_of("a,b\n1,2\n3\n"), HasSubstr("t.csv:3: expected 2 fields"));
}

TEST(CsvErrors, NonNumericInAForcedNumericColumn) {
  CsvOptions options;
  options.column_types = {{"b", ColumnType::numeric}};
  EXPECT_EQ(error_of("a,b\nx,1\ny,2.5e3\n", options), "");
  EXPECT_EQ(error_of("a,b\nx,1\ny,\n", options), "");  // missing is fine
  EXPECT_THAT(error_of("a,b\nx,1\ny,1,5\n", options), HasSubstr("ragged"));
  EXPECT_THAT(error_of("a,b\nx,1\ny,\"1,5\"\n", options),
              HasSubstr("t.csv:3: column 2 (\"b\"): expected a number (the column is forced numeric), found \"1,5\""));
}

TEST(CsvErrors, EmptyFileAndHeaderOnly) {
  EXPECT_THAT(error_of(""), HasSubstr("t.csv: empty file"));
  EXPECT_THAT(error_of("\xEF\xBB\xBF\n\r\n"), HasSubstr("t.csv: empty file"));
  EXPECT_THAT(error_of("a,b\n"), HasSubstr("t.csv: header only"));
  EXPECT_THAT(error_of("a,b\n\n\n"), HasSubstr("t.csv: header only"));
}

TEST(CsvErrors, DuplicateColumnNames) {
  EXPECT_THAT(error_of("a,b,a\n1,2,3\n"), HasSubstr("t.csv:1: column 3: duplicate column name \"a\""));
}

TEST(CsvErrors, UnknownColumnNamedByTheUser) {
  CsvOptions options;
  options.column_types = {{"nope", ColumnType::numeric}};
  EXPECT_THAT(error_of("a,b\n1,2\n", options), HasSubstr("unknown column \"nope\" named in column_types"));
  const auto t = parse_csv("a,b\n1,2\n", {}, "t.csv");
  try {
    (void)t.select({"a", "zz"});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("t.csv: unknown column \"zz\" named in select; expected one of: \"a\", \"b\""));
  }
  EXPECT_THROW((void)t.drop({"zz"}), DataError);
}

TEST(CsvErrors, TooManyColumns) {
  std::string header;
  for (lrtune::Index i = 0; i <= lrtune::kMaxCsvColumns; ++i) header += fmt::format("{}c{}", i ? "," : "", i);
  EXPECT_THAT(error_of(header + "\n"), HasSubstr("t.csv:1: more than 1000000 columns"));
}

TEST(CsvErrors, LineLongerThanTheLimit) {
  std::string text = "a,b\n1,\"";
  text.append(lrtune::kMaxCsvLineBytes, 'x');
  text += "\"\n";
  EXPECT_THAT(error_of(text), HasSubstr("t.csv:2: record longer than 16777216 bytes"));
}

TEST(CsvErrors, HeaderCellNotUtf8) {
  EXPECT_THAT(error_of("a,b\xff\xfe,c\n1,2,3\n"),
              HasSubstr("t.csv:1: column 2: the header cell is not UTF-8 (byte 0xFF at offset 1 of the cell)"));
  // Overlong encodings and surrogates are not UTF-8 either; accented names are.
  EXPECT_THAT(error_of("\xc0\xaf\n1\n"), HasSubstr("t.csv:1: column 1: the header cell is not UTF-8"));
  EXPECT_THAT(error_of("x,\xed\xa0\x80\n1,2\n"), HasSubstr("t.csv:1: column 2: the header cell is not UTF-8"));
  EXPECT_EQ(parse_csv("caf\xc3\xa9,\xe2\x82\xac,\xf0\x9f\x8d\xb7\n1,2,3\n").columns[0].name, "caf\xc3\xa9");
}

TEST(CsvErrors, TextValueNotUtf8) {
  EXPECT_THAT(error_of("a,b\n1,red\n2,r\xe9"
                       "d\n"),
              HasSubstr("t.csv:3: column 2 (\"b\"): the value is not UTF-8 (byte 0xE9 at offset 1 of the cell)"));
  // Found in the second pass too (the column turned categorical after line 2).
  EXPECT_THAT(error_of("a,b\n1,caf\xe9\n2,x\n"), HasSubstr("t.csv:2: column 2 (\"b\"): the value is not UTF-8"));
  EXPECT_EQ(parse_csv("a,b\n1,caf\xc3\xa9\n").columns[1].strings[0], "caf\xc3\xa9");
}

TEST(CsvErrors, BinaryFile) {
  using namespace std::string_literals;
  // The start of a gzip file is read as gzip (test_gzip.cpp); other binary bytes are refused.
  EXPECT_THAT(error_of("\x1f\x8b\x08\x00\x00\x00"s), HasSubstr("t.csv: the gzip stream ends early"));
  EXPECT_THAT(error_of("PK\x03\x04\x00\x00"s),
              HasSubstr("t.csv:1: a NUL byte (file offset 4): this looks like a binary"));
  EXPECT_THAT(error_of("a,b\n1,2\n3,\x00\n"s), HasSubstr("t.csv:3: a NUL byte (file offset 10)"));
}

TEST(CsvErrors, MissingFile) { EXPECT_THROW(lrtune::read_csv("/nonexistent/x.csv"), DataError); }

TEST(Csv, ReadsTheWineTable) {
  const auto t = lrtune::read_csv(lrtune::testing::data_file("winequalityN.csv"));
  EXPECT_EQ(t.rows(), 6497);
  ASSERT_EQ(t.cols(), 13);
  EXPECT_EQ(t.columns[0].name, "type");
  EXPECT_EQ(t.columns[0].type, ColumnType::categorical);
  EXPECT_EQ(t.columns[0].levels(), (std::vector<std::string>{"red", "white"}));
  lrtune::Index missing = 0;
  for (const auto& c : t.columns) {
    if (c.name != "type") {
      EXPECT_EQ(c.type, ColumnType::numeric) << c.name;
    }
    missing += c.missing_count();
  }
  EXPECT_EQ(missing, 38);
  EXPECT_EQ(t.column("fixed acidity").numbers[0], 7.0);
  EXPECT_EQ(t.column("density").numbers[0], 1.001);
}

}  // namespace

namespace {

// pandas.read_csv's reading of tests/resources/data/pandas_cases.csv (tools/gen_data_golden.py):
// same types, same values, same missing cells.
TEST(Csv, AgreesWithPandasOnTheRfcCases) {
  std::ifstream in(lrtune::testing::resource_file("data/golden.json"));
  const auto golden = nlohmann::json::parse(in)["pandas_cases"];
  const auto t = lrtune::read_csv(lrtune::testing::resource_file("data/pandas_cases.csv"));
  ASSERT_EQ(t.cols(), static_cast<lrtune::Index>(golden.size()));
  for (const auto& column : t.columns) {
    SCOPED_TRACE(column.name);
    const auto& g = golden.at(column.name);
    ASSERT_EQ(column.type == ColumnType::numeric, g["numeric"].get<bool>());
    ASSERT_EQ(column.size(), static_cast<lrtune::Index>(g["values"].size()));
    for (lrtune::Index r = 0; r < column.size(); ++r) {
      const auto& v = g["values"][static_cast<std::size_t>(r)];
      ASSERT_EQ(column.is_missing(r), v.is_null()) << "row " << r;
      if (v.is_null()) continue;
      if (column.type == ColumnType::numeric) {
        EXPECT_EQ(column.numbers[static_cast<std::size_t>(r)], v.get<double>()) << "row " << r;
      } else {
        EXPECT_EQ(column.strings[static_cast<std::size_t>(r)], v.get<std::string>()) << "row " << r;
      }
    }
  }
}

}  // namespace

namespace {

TEST(Csv, QuoteInsideAnUnquotedFieldIsKeptLiterally) {
  const auto t = lrtune::parse_csv("a,b\nab\"c,1\n");  // as pandas does; RFC 4180 leaves it undefined
  EXPECT_EQ(t.columns[0].strings[0], "ab\"c");
}

TEST(Csv, CrlfBomFileEqualsItsLfTwinOnDisk) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("lrtune_csv_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string lf = "type,x,\"note\"\nred,1.5,\"a\nb\"\nwhite,,\"c,d\"\n";
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  std::ofstream(dir / "lf.csv", std::ios::binary) << lf;
  std::ofstream(dir / "crlf.csv", std::ios::binary) << crlf;
  const auto a = lrtune::read_csv(dir / "lf.csv");
  const auto b = lrtune::read_csv(dir / "crlf.csv");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(a.column_names(), b.column_names());
  ASSERT_EQ(a.rows(), 2);
  ASSERT_EQ(b.rows(), 2);
  EXPECT_EQ(a.columns[0].strings, b.columns[0].strings);
  EXPECT_EQ(a.columns[1].numbers[0], b.columns[1].numbers[0]);
  EXPECT_TRUE(std::isnan(b.columns[1].numbers[1]));
  // A newline inside quotes is data: CRLF there stays CRLF, as pandas keeps it.
  EXPECT_EQ(a.columns[2].strings[0], "a\nb");
  EXPECT_EQ(b.columns[2].strings[0], "a\r\nb");
  EXPECT_EQ(a.columns[2].strings[1], b.columns[2].strings[1]);
}

// Streams (issue 11): a FIFO is read to its end as a file is; /dev/zero is refused as binary
// after its first 64 KiB, not read up to the 4 GiB cap.
TEST(CsvStreams, ReadsAFifoAsAFile) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("lrtune_csv_fifo_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto fifo = dir / "data.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string text = "a,b,kind\n";
  for (int i = 0; i < 20'000; ++i) text += fmt::format("{},{}.5,{}\n", i, i, i % 2 ? "x" : "y");
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  const auto t = lrtune::read_csv(fifo);
  writer.join();
  std::filesystem::remove_all(dir);
  EXPECT_EQ(t.rows(), 20'000);
  EXPECT_EQ(t.columns[1].numbers[19'999], 19'999.5);
  EXPECT_EQ(t.columns[2].strings[0], "y");
}

TEST(CsvStreams, DevZeroIsBinaryAfterItsFirst64KiB) {
  try {
    (void)lrtune::read_csv("/dev/zero");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/dev/zero:1: a NUL byte (file offset 0): this looks like a binary"));
  }
}

// The file was memory-mapped: truncated while read, it killed the process with SIGBUS. Now the
// read either ends before the truncation (the whole table) or is a one-line error. Timing
// decides which; neither may crash.
TEST(CsvStreams, AFileTruncatedWhileReadIsATableOrAnErrorNeverACrash) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("lrtune_csv_trunc_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const auto path = dir / "big.csv";
  std::string text = "a,b,c,d\n";
  for (int i = 0; text.size() < 28'000'000; ++i) text += fmt::format("{},{}.25,{},{}e-3\n", i, i % 977, i * 7, i % 13);
  const auto rows = std::count(text.begin(), text.end(), '\n') - 1;
  for (int delay_us : {0, 500, 2000, 8000}) {
    SCOPED_TRACE(delay_us);
    std::ofstream(path, std::ios::binary) << text;
    std::thread truncator([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
      std::filesystem::resize_file(path, 1000);
    });
    try {
      const auto t = lrtune::read_csv(path);
      EXPECT_TRUE(t.rows() == rows || t.rows() < 100) << t.rows();  // read before or after the truncation
    } catch (const DataError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_THAT(message, HasSubstr("big.csv"));
    }
    truncator.join();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

namespace {

// skip_rows and header (issue 15): a count or title line above the header, files without one.
TEST(CsvSkipRows, LinesAboveTheHeaderAreSkippedAndLinesKeepTheirFileNumbers) {
  CsvOptions o;
  o.skip_rows = 2;
  const lrtune::Table t = parse_csv("Passenger list 1912\n3\na;b\n1;2\n3;4\n5;x\n", o, "t.csv");
  ASSERT_EQ(t.column_names(), (std::vector<std::string>{"a", "b"}));  // ';' detected on the header, not line 1
  EXPECT_EQ(t.rows(), 3);
  EXPECT_EQ(t.columns[1].type, ColumnType::categorical);
  o.skip_rows = 1;
  EXPECT_THAT(error_of("3\na,b\n1,2\n3\n", o), HasSubstr("t.csv:4: expected 2 fields as in the header, found 1"));
}

TEST(CsvSkipRows, ACountLineAboveTheHeaderFailsWithTheHint) {
  EXPECT_THAT(error_of("3\na,b,c\n1,2,3\n"),
              HasSubstr("t.csv:2: column 2: expected 1 fields as in the header, found more (ragged row); if line 1 is "
                        "not the header (a title or a row count above it), --skip-rows 1 skips it"));
  // Later rows that are too wide are not blamed on the header.
  EXPECT_THAT(error_of("a,b\n1,2\n1,2,3\n"), ::testing::Not(HasSubstr("--skip-rows")));
}

TEST(CsvSkipRows, SkippingEverythingIsAnError) {
  CsvOptions o;
  o.skip_rows = 3;
  EXPECT_EQ(error_of("a,b\n1,2\n", o),
            "t.csv: skip_rows 3 (--skip-rows) leaves nothing to read; expected a header row after the skipped lines");
  o.skip_rows = 2;
  EXPECT_THAT(error_of("a,b\n1,2\n\n  \n", o), HasSubstr("leaves nothing to read"));
  o.skip_rows = 1;  // CRLF and lone CR end lines too
  EXPECT_EQ(parse_csv("title\r\na,b\r\n1,2\r\n", o, "t.csv").rows(), 1);
  EXPECT_EQ(parse_csv("title\ra,b\r1,2\r", o, "t.csv").rows(), 1);
}

TEST(CsvNoHeader, ColumnsAreNamedByPositionAndTheFirstRowIsData) {
  CsvOptions o;
  o.header = false;
  const lrtune::Table t = parse_csv("1,red,0.5\n2,blue,\n3,red,1.5\n", o, "t.csv");
  EXPECT_EQ(t.column_names(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(t.rows(), 3);
  EXPECT_EQ(t.columns[0].numbers, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(t.columns[1].type, ColumnType::categorical);
  EXPECT_TRUE(std::isnan(t.columns[2].numbers[1]));
  EXPECT_THAT(error_of("1,2\n3\n", o), HasSubstr("t.csv:2: expected 2 fields as in the first row, found 1"));
  o.skip_rows = 1;
  EXPECT_EQ(parse_csv("# exported\n1,2\n3,4\n", o, "t.csv").rows(), 2);
}

}  // namespace
