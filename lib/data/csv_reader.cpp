#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <mlci/data/csv_reader.hpp>
#include <mlci/data/field_hash.hpp>
#include <unistd.h>

namespace mlci::data {

namespace {

bool iequals(std::string_view a, std::string_view lower) {
    return a.size() == lower.size() &&
           std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
           });
}

// from_chars takes no '+', but CSV writers and people do; "+-1" stays refused.
std::string_view strip_plus(std::string_view text) {
    if (text.size() >= 2 && text[0] == '+' &&
        ((text[1] >= '0' && text[1] <= '9') || text[1] == '.'))
        text.remove_prefix(1);
    return text;
}

} // namespace

Result<CsvReader> CsvReader::open(const fs::path& path, size_t buffer_size) {
    CsvReader r;
    r.m_name = path.string();
    r.m_fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!r.m_fd)
        return sys_error(errno, fmt::format("cannot open '{}'", r.m_name));
    ::posix_fadvise(r.m_fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    // Large reads keep system calls out of the time to profile a big file; a
    // record longer than the buffer doubles it, a longer one is read in pieces.
    r.m_buf.resize(std::max<size_t>(buffer_size, 1));
    r.m_max_buffer = 2 * r.m_buf.size();
    MLCI_TRY(r.fill());
    MLCI_TRY(r.read_header());
    return r;
}

Result<CsvReader> CsvReader::from_string(std::string_view text, std::string name) {
    CsvReader r;
    r.m_name = std::move(name);
    // One spare byte so that the buffer is never empty and data() never null.
    r.m_buf.resize(text.size() + 1);
    std::copy(text.begin(), text.end(), r.m_buf.begin());
    r.m_end = text.size();
    r.m_eof = true;
    r.m_max_buffer = r.m_buf.size();
    MLCI_TRY(r.read_header());
    return r;
}

Status CsvReader::read_header() {
    while (m_end - m_pos < 3 && !m_eof)
        MLCI_TRY(fill());
    if (m_end - m_pos >= 3 && std::memcmp(m_buf.data() + m_pos, "\xEF\xBB\xBF", 3) == 0)
        m_pos += 3;
    std::vector<std::string_view> row;
    MLCI_TRY_ASSIGN(found, read_record(row));
    if (!found)
        return usage_error("'{}' is empty (a CSV file starts with a header row)", m_name);
    m_header.assign(row.begin(), row.end());
    return {};
}

Status CsvReader::fill() {
    if (m_eof)
        return {};
    size_t tail = m_end - m_pos;
    if (m_pos > 0 && tail > 0)
        std::memmove(m_buf.data(), m_buf.data() + m_pos, tail);
    m_pos = 0;
    m_end = tail;
    if (m_end == m_buf.size())
        m_buf.resize(m_buf.size() * 2);
    while (m_end < m_buf.size()) {
        ssize_t n = ::read(m_fd.get(), m_buf.data() + m_end, m_buf.size() - m_end);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sys_error(errno, fmt::format("cannot read '{}'", m_name));
        }
        if (n == 0) {
            m_eof = true;
            break;
        }
        m_end += static_cast<size_t>(n);
    }
    return {};
}

// Parses one record from [m_pos, m_end). When the record runs past the end of
// the buffer, nothing is consumed: the buffer is refilled and the record
// parsed again from its start, which is why quoted fields are unescaped into
// m_unquoted rather than in place.
Result<bool> CsvReader::read_record(std::vector<std::string_view>& row) {
    for (bool need_more = false;; need_more = false) {
        row.clear();
        if (m_unquoted.size() < m_buf.size())
            m_unquoted.resize(m_buf.size());
        const char* buf = m_buf.data();
        const size_t end = m_end;
        size_t i = m_pos;

        // Blank lines (LF, CRLF) carry no record.
        if (i == end) {
            if (m_eof)
                return false;
            MLCI_TRY(fill());
            continue;
        }
        if (buf[i] == '\n' || (buf[i] == '\r' && i + 1 < end && buf[i + 1] == '\n') ||
            (buf[i] == '\r' && i + 1 == end && m_eof)) {
            m_pos = i + (buf[i] == '\n' || i + 1 == end ? 1 : 2);
            ++m_next_line;
            continue;
        }
        if (buf[i] == '\r' && i + 1 == end) {
            MLCI_TRY(fill());
            continue;
        }

        char* out = m_unquoted.data();
        uint64_t breaks = 0;    // line breaks inside quoted fields so far
        size_t next_record = 0; // where the next record starts, once this one is complete
        bool complete = false;
        while (!need_more && !complete) {
            if (i < end && buf[i] == '"') {
                ++i;
                char* begin = out;
                for (;;) {
                    const void* q = i < end ? std::memchr(buf + i, '"', end - i) : nullptr;
                    if (!q) {
                        if (m_eof)
                            return usage_error(
                                "quoted field is not closed (the record starts at '{}:{}')", m_name,
                                m_next_line);
                        need_more = true;
                        break;
                    }
                    size_t qi = static_cast<size_t>(static_cast<const char*>(q) - buf);
                    breaks += static_cast<uint64_t>(std::count(buf + i, buf + qi, '\n'));
                    std::memcpy(out, buf + i, qi - i);
                    out += qi - i;
                    i = qi + 1;
                    // The next byte tells a closing quote from a doubled one.
                    if (i == end && !m_eof) {
                        need_more = true;
                        break;
                    }
                    if (i < end && buf[i] == '"') {
                        *out++ = '"';
                        ++i;
                        continue;
                    }
                    break;
                }
                if (need_more)
                    break;
                row.emplace_back(begin, static_cast<size_t>(out - begin));
                if (i < end && buf[i] == ',') {
                    ++i;
                    continue;
                }
                if (i == end) {
                    next_record = end;
                } else if (buf[i] == '\n') {
                    next_record = i + 1;
                } else if (buf[i] == '\r' && i + 1 < end && buf[i + 1] == '\n') {
                    next_record = i + 2;
                } else if (buf[i] == '\r' && i + 1 == end) {
                    if (!m_eof) {
                        need_more = true;
                        break;
                    }
                    next_record = end;
                } else {
                    return usage_error("unexpected character after a closing quote at '{}:{}' "
                                       "(write a quote inside a quoted field as \"\")",
                                       m_name, m_next_line + breaks);
                }
                complete = true;
            } else {
                size_t j = i;
                while (j < end && buf[j] != ',' && buf[j] != '\n')
                    ++j;
                if (j == end && !m_eof) {
                    need_more = true;
                    break;
                }
                size_t e = j;
                if ((j == end || buf[j] == '\n') && e > i && buf[e - 1] == '\r')
                    --e;
                row.emplace_back(buf + i, e - i);
                if (j < end && buf[j] == ',') {
                    i = j + 1;
                } else {
                    next_record = j < end ? j + 1 : end;
                    complete = true;
                }
            }
        }
        if (need_more) {
            // The record fills the whole buffer: no more doubling.
            if (m_pos == 0 && m_end == m_buf.size() && m_buf.size() >= m_max_buffer)
                return read_long_record(row);
            MLCI_TRY(fill());
            continue;
        }
        m_pos = next_record;
        m_row_line = m_next_line;
        m_next_line += 1 + breaks;
        cut_long_fields(row);
        return true;
    }
}

void CsvReader::cut_long_fields(std::vector<std::string_view>& row) {
    m_cut.clear();
    for (size_t i = 0; i < row.size(); ++i)
        if (row[i].size() > k_max_field_bytes) {
            m_cut.push_back({i, row[i].size(), field_hash(row[i])});
            row[i] = row[i].substr(0, k_max_field_bytes);
        }
}

// The record at m_pos, too long for the buffer, parsed a buffer at a time
// with its state kept between refills. Each field keeps its first
// k_max_field_bytes bytes and is hashed whole as it streams past. Same
// grammar and messages as read_record().
Result<bool> CsvReader::read_long_record(std::vector<std::string_view>& row) {
    enum class State { field_start, unquoted, quoted, after_quote, after_quote_cr };
    State state = State::field_start;
    m_long.clear();
    m_cut.clear();
    FieldHasher hasher;
    uint64_t breaks = 0;
    bool pending_cr = false; // an unquoted field's '\r' not kept yet: dropped before a line end

    auto append = [&](const char* p, size_t n) {
        hasher.update({p, n});
        auto& field = m_long.back();
        if (field.size() < k_max_field_bytes)
            field.append(p, std::min(n, k_max_field_bytes - field.size()));
    };
    auto begin_field = [&] {
        m_long.emplace_back();
        hasher = FieldHasher();
        pending_cr = false;
    };
    auto end_field = [&] {
        if (hasher.size() > k_max_field_bytes)
            m_cut.push_back({m_long.size() - 1, hasher.size(), hasher.finish()});
    };
    begin_field();
    for (;;) {
        if (m_pos == m_end) {
            if (!m_eof) {
                MLCI_TRY(fill());
                continue;
            }
            // The end of the file ends the record.
            if (state == State::quoted)
                return usage_error("quoted field is not closed (the record starts at '{}:{}')",
                                   m_name, m_next_line);
            end_field();
            break;
        }
        const char* buf = m_buf.data();
        if (state == State::field_start) {
            if (buf[m_pos] == '"') {
                ++m_pos;
                state = State::quoted;
            } else {
                state = State::unquoted;
            }
            continue;
        }
        if (state == State::unquoted) {
            size_t j = m_pos;
            while (j < m_end && buf[j] != ',' && buf[j] != '\n')
                ++j;
            const bool ends_line = j < m_end && buf[j] == '\n';
            const bool more = j == m_end; // the field goes on in the next buffer
            // A '\r' held back from the last piece is data unless a line end follows it.
            if (pending_cr && !(j == m_pos && ends_line))
                append("\r", 1);
            pending_cr = false;
            size_t e = j;
            if (e > m_pos && buf[e - 1] == '\r' && (ends_line || more)) {
                --e;
                pending_cr = more;
            }
            append(buf + m_pos, e - m_pos);
            m_pos = j;
            if (more)
                continue;
            ++m_pos;
            end_field();
            if (ends_line)
                break;
            begin_field();
            state = State::field_start;
            continue;
        }
        if (state == State::quoted) {
            const void* q = std::memchr(buf + m_pos, '"', m_end - m_pos);
            size_t qi = q ? static_cast<size_t>(static_cast<const char*>(q) - buf) : m_end;
            breaks += static_cast<uint64_t>(std::count(buf + m_pos, buf + qi, '\n'));
            append(buf + m_pos, qi - m_pos);
            m_pos = qi;
            if (q) {
                ++m_pos;
                state = State::after_quote;
            }
            continue;
        }
        char c = buf[m_pos];
        if (state == State::after_quote && c == '"') {
            append("\"", 1);
            ++m_pos;
            state = State::quoted;
            continue;
        }
        if (state == State::after_quote && c == ',') {
            ++m_pos;
            end_field();
            begin_field();
            state = State::field_start;
            continue;
        }
        if (state == State::after_quote && c == '\r') {
            ++m_pos;
            state = State::after_quote_cr;
            continue;
        }
        if (c == '\n') {
            ++m_pos;
            end_field();
            break;
        }
        return usage_error("unexpected character after a closing quote at '{}:{}' "
                           "(write a quote inside a quoted field as \"\")",
                           m_name, m_next_line + breaks);
    }
    row.clear();
    for (auto& f : m_long)
        row.emplace_back(f);
    m_row_line = m_next_line;
    m_next_line += 1 + breaks;
    return true;
}

Result<bool> CsvReader::next(std::vector<std::string_view>& row) {
    MLCI_TRY_ASSIGN(found, read_record(row));
    if (found && row.size() != m_header.size())
        return usage_error("record at '{}:{}' has {} fields where the header has {}", m_name,
                           m_row_line, row.size(), m_header.size());
    return found;
}

bool is_null_value(std::string_view text) {
    switch (text.size()) {
    case 0:
        return true;
    case 2:
        return text == "NA";
    case 3:
        return text == "N/A" || text == "NaN" || text == "nan";
    case 4:
        return text == "null" || text == "NULL" || text == "None";
    default:
        return false;
    }
}

std::optional<bool> parse_bool(std::string_view text) {
    if (iequals(text, "true"))
        return true;
    if (iequals(text, "false"))
        return false;
    return std::nullopt;
}

std::optional<int64_t> parse_integer(std::string_view text) {
    text = strip_plus(text);
    // Up to 18 digits cannot overflow: the common case, done without from_chars
    // as it is on the profiling hot path.
    size_t sign = !text.empty() && text[0] == '-';
    if (text.size() > sign && text.size() - sign <= 18) {
        int64_t v = 0;
        for (size_t i = sign; i < text.size(); ++i) {
            unsigned d = static_cast<unsigned char>(text[i]) - unsigned{'0'};
            if (d > 9)
                return std::nullopt;
            v = v * 10 + d;
        }
        return sign ? -v : v;
    }
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return v;
}

std::optional<double> parse_number(std::string_view text) {
    text = strip_plus(text);
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    // Infinities and NaN would poison every statistic, so they are text.
    if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

ValueType classify(std::string_view text, double* number) {
    if (is_null_value(text))
        return ValueType::null_value;
    char c = text[0];
    // Most strings are told apart by their first byte, before any parsing.
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.'))
        return parse_bool(text) ? ValueType::boolean : ValueType::string;
    if (auto i = parse_integer(text)) {
        if (number)
            *number = static_cast<double>(*i);
        return ValueType::integer;
    }
    if (auto d = parse_number(text)) {
        if (number)
            *number = *d;
        return ValueType::number;
    }
    return ValueType::string;
}

} // namespace mlci::data
