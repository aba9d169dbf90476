// A streaming RFC 4180 CSV reader and the value classification that data
// profiles, schema checks and drift checks share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/core/fd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::data {

namespace fs = std::filesystem;

// Reads a CSV file with a header row, a record at a time, in large chunks.
//
// Accepted: comma separators; fields quoted with '"' that hold commas, line
// breaks and doubled quotes (""); LF or CRLF line ends; a UTF-8 byte order
// mark; a missing line end after the last record. Blank lines are skipped, as
// pandas does. A '"' inside an unquoted field is kept as data (5'11").
// Refused with a usage error naming 'file:line': a quoted field that never
// ends, a character other than a separator after a closing quote, a record
// with a different number of fields from the header.
//
// Memory stays bounded whatever the file holds: a record longer than twice
// the buffer is parsed in pieces, and a field longer than k_max_field_bytes
// is given as its first k_max_field_bytes bytes, its full size and hash in
// cut_fields().
class CsvReader {
public:
    // Bytes read at a time; a record that does not fit may double it once.
    static constexpr size_t k_default_buffer_size = size_t{4} << 20;
    static constexpr size_t k_max_field_bytes = size_t{1} << 20;

    // A field of the last record longer than k_max_field_bytes.
    struct CutField {
        size_t index = 0; // its position in the record
        uint64_t size = 0;
        uint64_t hash = 0; // field_hash() of all of it
    };

    // Opens `path` and reads its header row. Tests pass a tiny `buffer_size`
    // to put buffer boundaries everywhere.
    static Result<CsvReader> open(const fs::path& path, size_t buffer_size = k_default_buffer_size);

    // Reads CSV text held in memory; `name` stands for the file in messages.
    static Result<CsvReader> from_string(std::string_view text, std::string name = "<memory>");

    CsvReader(CsvReader&&) noexcept = default;
    CsvReader& operator=(CsvReader&&) noexcept = default;

    // The column names from the first record.
    const std::vector<std::string>& header() const { return m_header; }

    // Reads the next record into `row` and returns true, or returns false at
    // the end of the file. The views stay valid until the next call.
    Result<bool> next(std::vector<std::string_view>& row);

    // The fields of the record last returned that were cut, by ascending index.
    const std::vector<CutField>& cut_fields() const { return m_cut; }

    // The 1-based line on which the record last returned starts (the header
    // is line 1; a quoted line break makes a record span several lines).
    uint64_t line() const { return m_row_line; }

    // The file name used in messages.
    const std::string& name() const { return m_name; }

private:
    CsvReader() = default;

    Status read_header();
    Result<bool> read_record(std::vector<std::string_view>& row);
    Result<bool> read_long_record(std::vector<std::string_view>& row);
    void cut_long_fields(std::vector<std::string_view>& row);
    Status fill();

    UniqueFd m_fd;
    std::string m_name;
    // Raw bytes; [m_pos, m_end) is not parsed yet. A vector, not a string, so
    // that moving the reader never moves the bytes that views point into.
    std::vector<char> m_buf;
    size_t m_pos = 0;
    size_t m_end = 0;
    bool m_eof = false;
    // Quoted fields are copied here with "" turned into ", so that m_buf is
    // never changed and a record cut by the buffer end can be parsed again.
    std::vector<char> m_unquoted;
    size_t m_max_buffer = 0; // past this, a record is parsed in pieces
    // The fields of a record parsed in pieces, each at most k_max_field_bytes.
    std::vector<std::string> m_long;
    std::vector<CutField> m_cut;
    uint64_t m_next_line = 1;
    uint64_t m_row_line = 0;
    std::vector<std::string> m_header;
};

// Whether a field stands for a missing value: empty, NA, N/A, NaN, nan, null,
// NULL or None (the spellings pandas and R write).
bool is_null_value(std::string_view text);

enum class ValueType { null_value, boolean, integer, number, string };

// What a field holds: null (is_null_value), boolean (true/false in any case),
// integer (fits int64), number (a finite double in decimal or exponent form),
// else string. A leading '+' is accepted; spaces are not. When the field is an
// integer or a number and `number` is given, *number receives its value.
ValueType classify(std::string_view text, double* number = nullptr);

// The value of an integer field (optional sign, digits), if it is one.
std::optional<int64_t> parse_integer(std::string_view text);

// The value of an integer or a finite decimal number, if the field is one.
std::optional<double> parse_number(std::string_view text);

// The value of "true" or "false" in any case, if the field is one.
std::optional<bool> parse_bool(std::string_view text);

} // namespace mlci::data
