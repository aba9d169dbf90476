#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/data/csv_reader.hpp>
#include <mlci/data/field_hash.hpp>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mlci;
using namespace mlci::data;

namespace {

// A folder of its own for each test, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<unsigned> counter{0};
        path = fs::temp_directory_path() /
               fmt::format("mlci-test-csv-{}-{}", ::getpid(), counter.fetch_add(1));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path write(const std::string& name, const std::string& content) const {
        auto p = path / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
};

using Rows = std::vector<std::vector<std::string>>;

// Every record of `reader`, copied out of the views.
Result<Rows> read_all(CsvReader& reader) {
    Rows rows;
    std::vector<std::string_view> row;
    for (;;) {
        MLCI_TRY_ASSIGN(more, reader.next(row));
        if (!more)
            return rows;
        rows.emplace_back(row.begin(), row.end());
    }
}

Rows read_text(const std::string& text) {
    auto reader = CsvReader::from_string(text);
    REQUIRE(reader);
    auto rows = read_all(*reader);
    REQUIRE(rows);
    return *rows;
}

Error read_error(const std::string& text) {
    auto reader = CsvReader::from_string(text, "t.csv");
    if (!reader)
        return reader.error();
    auto rows = read_all(*reader);
    REQUIRE_FALSE(rows);
    return rows.error();
}

} // namespace

TEST_CASE("csv reader reads a header and plain records with their line numbers") {
    TempDir dir;
    auto path = dir.write("a.csv", "id,name,score\n1,ann,3.5\n2,bob,4\n");
    auto reader = CsvReader::open(path);
    REQUIRE(reader);
    CHECK(reader->header() == std::vector<std::string>{"id", "name", "score"});
    std::vector<std::string_view> row;
    REQUIRE(reader->next(row).value());
    CHECK(row == std::vector<std::string_view>{"1", "ann", "3.5"});
    CHECK(reader->line() == 2);
    REQUIRE(reader->next(row).value());
    CHECK(row == std::vector<std::string_view>{"2", "bob", "4"});
    CHECK(reader->line() == 3);
    CHECK_FALSE(reader->next(row).value());
    CHECK_FALSE(reader->next(row).value()); // stays at the end
}

TEST_CASE("csv reader unquotes fields with commas, doubled quotes and line breaks") {
    auto reader = CsvReader::from_string("a,b,c\n"
                                         "\"x,y\",\"say \"\"hi\"\"\",\"\"\n"
                                         "\"line 1\nline 2\n\",plain,\"\"\"\"\n"
                                         "last,5'11\",z\n");
    REQUIRE(reader);
    std::vector<std::string_view> row;
    REQUIRE(reader->next(row).value());
    CHECK(row == std::vector<std::string_view>{"x,y", "say \"hi\"", ""});
    CHECK(reader->line() == 2);
    REQUIRE(reader->next(row).value());
    CHECK(row == std::vector<std::string_view>{"line 1\nline 2\n", "plain", "\""});
    CHECK(reader->line() == 3);
    REQUIRE(reader->next(row).value());
    // A quote inside an unquoted field is data, as most writers mean it.
    CHECK(row == std::vector<std::string_view>{"last", "5'11\"", "z"});
    CHECK(reader->line() == 6); // the record before spans lines 3 to 5
    CHECK_FALSE(reader->next(row).value());
}

TEST_CASE("csv reader accepts CRLF, a BOM, blank lines and a missing final line end") {
    CHECK(read_text("\xEF\xBB\xBFk,v\r\n1,\"a\r\nb\"\r\n\r\n2,c\r\n") ==
          Rows{{"1", "a\r\nb"}, {"2", "c"}});
    CHECK(read_text("k,v\n1,2") == Rows{{"1", "2"}});
    CHECK(read_text("k,v\n1,\"2\"") == Rows{{"1", "2"}});
    CHECK(read_text("k,v\r\n1,2\r") == Rows{{"1", "2"}});
    CHECK(read_text("k,v\n\n1,2\n\n\n") == Rows{{"1", "2"}});
    CHECK(read_text("k,v\n1,\n,\n") == Rows{{"1", ""}, {"", ""}});
    auto reader = CsvReader::from_string("\xEF\xBB\xBF\"id\",v\n");
    REQUIRE(reader);
    CHECK(reader->header() == std::vector<std::string>{"id", "v"});
}

TEST_CASE("csv reader refuses malformed records naming file and line") {
    SECTION("a record with too few or too many fields") {
        auto e = read_error("a,b\n1,2\n\n3\n");
        CHECK(e.code == Exit::usage);
        CHECK(e.message == "record at 't.csv:4' has 1 fields where the header has 2");
        CHECK(read_error("a,b\n1,2,3\n").message.find("'t.csv:2' has 3 fields") !=
              std::string::npos);
    }
    SECTION("a quoted field that never ends") {
        auto e = read_error("a,b\n1,2\n3,\"open\n4,5\n");
        CHECK(e.code == Exit::usage);
        CHECK(e.message.find("quoted field is not closed") != std::string::npos);
        CHECK(e.message.find("'t.csv:3'") != std::string::npos);
    }
    SECTION("text after a closing quote") {
        auto e = read_error("a,b\n\"x\ny\"z,1\n");
        CHECK(e.code == Exit::usage);
        CHECK(e.message.find("after a closing quote at 't.csv:3'") != std::string::npos);
    }
    SECTION("an empty file has no header") {
        auto e = read_error("");
        CHECK(e.code == Exit::usage);
        CHECK(e.message == "'t.csv' is empty (a CSV file starts with a header row)");
        CHECK(read_error("\n\n").message.find("is empty") != std::string::npos);
    }
    SECTION("a missing file is a runtime error") {
        TempDir dir;
        auto reader = CsvReader::open(dir.path / "missing.csv");
        REQUIRE_FALSE(reader);
        CHECK(reader.error().code == Exit::runtime);
        CHECK(reader.error().message.find("missing.csv") != std::string::npos);
    }
}

TEST_CASE("csv reader reads records that cross its buffer and records longer than it") {
    TempDir dir;
    // About 12 MB, three times the read buffer, so that quoted fields, doubled
    // quotes, CRLFs and line breaks fall on every kind of buffer boundary.
    std::string text = "n,text,tail\r\n";
    Rows expected;
    uint64_t line = 2; // where the next record starts
    for (int i = 0; text.size() < (size_t{12} << 20); ++i) {
        std::string value = fmt::format("v{}", i) + std::string(static_cast<size_t>(i % 13), 'x');
        if (i % 3 == 0) {
            expected.push_back({std::to_string(i), value + "\"q\"\nnext", "t"});
            text += fmt::format("{},\"{}\"\"q\"\"\nnext\",t\r\n", i, value);
            line += 2;
        } else {
            expected.push_back({std::to_string(i), value, ""});
            text += fmt::format("{},{},\r\n", i, value);
            line += 1;
        }
    }
    // One field of 9 MB, more than twice the buffer: read in pieces, and
    // given as its first k_max_field_bytes bytes with its size and hash.
    std::string huge(size_t{9} << 20, 'h');
    huge[4096] = '\n';
    huge[5 << 20] = '"';
    expected.push_back({"huge", huge.substr(0, CsvReader::k_max_field_bytes), "end"});
    std::string quoted = huge;
    quoted.replace(5 << 20, 1, "\"\"");
    text += "huge,\"" + quoted + "\",end\r\n";
    line += 2;
    expected.push_back({"after", "1", "2"});
    text += "after,1,2";

    auto reader = CsvReader::open(dir.write("big.csv", text));
    REQUIRE(reader);
    Rows rows;
    std::vector<std::string_view> row;
    for (;;) {
        auto more = reader->next(row);
        REQUIRE(more);
        if (!*more)
            break;
        rows.emplace_back(row.begin(), row.end());
        if (row[0] == "huge") {
            REQUIRE(reader->cut_fields().size() == 1);
            CHECK(reader->cut_fields()[0].index == 1);
            CHECK(reader->cut_fields()[0].size == huge.size());
            CHECK(reader->cut_fields()[0].hash == field_hash(huge));
        } else {
            CHECK(reader->cut_fields().empty());
        }
    }
    REQUIRE(rows.size() == expected.size());
    CHECK(rows == expected);
    CHECK(reader->line() == line);
}

TEST_CASE("csv reader cuts a long field the same way from memory") {
    std::string big(CsvReader::k_max_field_bytes + 10, 'b');
    auto reader = CsvReader::from_string("a,b\n1," + big + "\n");
    REQUIRE(reader);
    std::vector<std::string_view> row;
    REQUIRE(reader->next(row).value());
    CHECK(row[1] == std::string_view(big).substr(0, CsvReader::k_max_field_bytes));
    REQUIRE(reader->cut_fields().size() == 1);
    CHECK(reader->cut_fields()[0].size == big.size());
    CHECK(reader->cut_fields()[0].hash == field_hash(big));
}

TEST_CASE("csv reader gives the same records and errors in pieces as whole") {
    // Small buffers put records past twice the buffer (read in pieces) and
    // CRs, quotes and separators on every boundary.
    TempDir dir;
    std::string text = "a,b\r\n"
                       "plain\r,x\r\r\n"
                       "\"q\"\"uo\nted\",\"\"\r\n"
                       "\r\n"
                       "\"long " +
                       std::string(40, 'l') + "\"," + std::string(30, 'm') +
                       "\r\n"
                       "\"\",\r\n"
                       "x\rx,\"y\"\r";
    Rows expected = {{"plain\r", "x\r"},
                     {"q\"uo\nted", ""},
                     {"long " + std::string(40, 'l'), std::string(30, 'm')},
                     {"", ""},
                     {"x\rx", "y"}};
    CHECK(read_text(text) == expected);
    auto path = dir.write("pieces.csv", text);
    for (size_t size = 1; size <= text.size() + 1; ++size) {
        CAPTURE(size);
        auto reader = CsvReader::open(path, size);
        REQUIRE(reader);
        CHECK(reader->header() == std::vector<std::string>{"a", "b"});
        auto rows = read_all(*reader);
        if (!rows)
            FAIL(rows.error().message);
        CHECK(*rows == expected);
        CHECK(reader->line() == 8);
    }
    for (const std::string& bad : {"a,b\n1,2\n3,\"open " + std::string(50, 'o') + "\n4,5\n",
                                   "a,b\n\"x\ny" + std::string(50, 'y') + "\"z,1\n",
                                   "a,b\n\"x" + std::string(50, 'y') + "\"\rz,1\n"}) {
        auto whole = read_error(bad);
        auto file = dir.write("bad.csv", bad);
        for (size_t size = 1; size <= bad.size() + 1; ++size) {
            CAPTURE(bad, size);
            auto reader = CsvReader::open(file, size);
            REQUIRE(reader);
            auto rows = read_all(*reader);
            REQUIRE_FALSE(rows);
            auto message = rows.error().message;
            auto at = message.find(file.string());
            REQUIRE(at != std::string::npos);
            message.replace(at, file.string().size(), "t.csv");
            CHECK(message == whole.message);
        }
    }
}

TEST_CASE("csv reader gives the same records wherever its buffer ends") {
    TempDir dir;
    std::string text = "\xEF\xBB\xBF"
                       "a,b\r\n"
                       "\"x,\"\"y\"\"\r\nz\",2\r\n"
                       "\r\n"
                       "\"\",\"\"\"\"\"\"\n"
                       "plain,\"\"\r\n"
                       "3,\"4\"";
    Rows expected = {{"x,\"y\"\r\nz", "2"}, {"", "\"\""}, {"plain", ""}, {"3", "4"}};
    auto path = dir.write("small.csv", text);
    for (size_t size = 1; size <= text.size() + 1; ++size) {
        CAPTURE(size);
        auto reader = CsvReader::open(path, size);
        REQUIRE(reader);
        CHECK(reader->header() == std::vector<std::string>{"a", "b"});
        auto rows = read_all(*reader);
        if (!rows)
            FAIL(rows.error().message);
        CHECK(*rows == expected);
        CHECK(reader->line() == 7);
    }
}

TEST_CASE("null values are the usual spellings of missing") {
    for (const char* s : {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"})
        CHECK(is_null_value(s));
    for (const char* s : {" ", "na", "none", "Null", "0", "-", "NAN", "n/a"})
        CHECK_FALSE(is_null_value(s));
}

TEST_CASE("classify tells nulls, booleans, integers, numbers and strings apart") {
    double x = 0;
    CHECK(classify("", &x) == ValueType::null_value);
    CHECK(classify("NA") == ValueType::null_value);
    CHECK(classify("true") == ValueType::boolean);
    CHECK(classify("FALSE") == ValueType::boolean);
    CHECK(classify("True") == ValueType::boolean);
    CHECK(classify("-42", &x) == ValueType::integer);
    CHECK(x == -42);
    CHECK(classify("+7", &x) == ValueType::integer);
    CHECK(x == 7);
    CHECK(classify("007", &x) == ValueType::integer);
    CHECK(x == 7);
    CHECK(classify("3.25", &x) == ValueType::number);
    CHECK(x == 3.25);
    CHECK(classify("-1e3", &x) == ValueType::number);
    CHECK(x == -1000);
    CHECK(classify(".5", &x) == ValueType::number);
    CHECK(x == 0.5);
    // Too large for int64, still a number.
    CHECK(classify("123456789012345678901234", &x) == ValueType::number);
    for (const char* s : {"abc", "1.2.3", "12a", " 1", "1 ", "+-1", "+", "-", "inf", "-inf",
                          "Infinity", "0x10", "1e999", "yes", "t"})
        CHECK(classify(s) == ValueType::string);
}

TEST_CASE("parse functions return values only for whole fields") {
    CHECK(parse_integer("12") == 12);
    CHECK(parse_integer("-9223372036854775808") == std::numeric_limits<int64_t>::min());
    CHECK_FALSE(parse_integer("9223372036854775808"));
    CHECK_FALSE(parse_integer("1.0"));
    CHECK(parse_number("1.0") == 1.0);
    CHECK(parse_number("2") == 2.0);
    CHECK_FALSE(parse_number("nan"));
    CHECK_FALSE(parse_number("1,5"));
    CHECK(parse_bool("TrUe") == true);
    CHECK(parse_bool("false") == false);
    CHECK_FALSE(parse_bool("1"));
}
