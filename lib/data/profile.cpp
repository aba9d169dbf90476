#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mlci/core/utf8.hpp>
#include <mlci/data/field_hash.hpp>
#include <mlci/data/profile.hpp>
#include <nlohmann/json.hpp>
#include <numeric>

namespace mlci::data {

namespace {

using json = nlohmann::json;

// Appended to a text that a profile keeps only the start of.
constexpr const char* k_cut_mark = "\xE2\x80\xA6"; // U+2026 HORIZONTAL ELLIPSIS
// The bytes of a profile other than its columns: counts, keys, braces.
constexpr size_t k_profile_overhead = 256;

constexpr std::array<std::pair<const char*, double>, 7> k_quantiles = {{
    {"p01", 0.01},
    {"p05", 0.05},
    {"p25", 0.25},
    {"p50", 0.50},
    {"p75", 0.75},
    {"p95", 0.95},
    {"p99", 0.99},
}};

// How many of `hashes` equal an earlier one. Sorting a vector beats a hash
// set here: a set of millions of rows misses the cache on every insert.
uint64_t count_repeats(std::vector<uint64_t>& hashes) {
    std::sort(hashes.begin(), hashes.end());
    uint64_t repeats = 0;
    for (size_t i = 1; i < hashes.size(); ++i)
        repeats += hashes[i] == hashes[i - 1];
    return repeats;
}

// How often each distinct text occurs, for the first `cap` texts. Texts up
// to k_max_profile_text bytes are compared in full, so unlike the row hashes
// this is exact; of a longer text only that many bytes are kept (memory), and
// it is compared by that prefix, its size and its 64-bit hash.
class ValueCounts {
public:
    struct Entry {
        std::string text;  // at most k_max_profile_text bytes, cut on a UTF-8 boundary
        uint64_t size = 0; // of the whole text
        uint64_t hash = 0;
        uint64_t count = 0;
    };

    explicit ValueCounts(size_t cap) : m_cap(cap), m_slots(64, 0) {}

    // `text` may be a prefix of the value, whose size is `size`.
    void add(std::string_view text, uint64_t size, uint64_t hash) {
        text = truncate_utf8(text, k_max_profile_text);
        const uint64_t tag = hash & k_tag_mask;
        const size_t mask = m_slots.size() - 1;
        size_t i = hash & mask;
        for (; m_slots[i] != 0; i = (i + 1) & mask) {
            if ((m_slots[i] & k_tag_mask) != tag)
                continue;
            Entry& e = m_entries[(m_slots[i] & ~k_tag_mask) - 1];
            if (e.size == size && e.hash == hash && e.text == text) {
                ++e.count;
                return;
            }
        }
        if (m_entries.size() >= m_cap) {
            m_capped = true;
            return;
        }
        m_entries.push_back({std::string(text), size, hash, 1});
        m_slots[i] = tag | m_entries.size();
        if (m_entries.size() * 2 > m_slots.size())
            grow();
    }

    const std::vector<Entry>& entries() const { return m_entries; }
    bool capped() const { return m_capped; }

private:
    void grow() {
        std::vector<uint64_t> slots(m_slots.size() * 2, 0);
        size_t mask = slots.size() - 1;
        for (size_t k = 0; k < m_entries.size(); ++k) {
            size_t i = m_entries[k].hash & mask;
            while (slots[i] != 0)
                i = (i + 1) & mask;
            slots[i] = (m_entries[k].hash & k_tag_mask) | (k + 1);
        }
        m_slots.swap(slots);
    }

    // The high half of the hash, then the index + 1 into m_entries; 0 when free.
    // The hash bits tell most other texts apart without reading the entry,
    // which matters for columns past the cap, where most lookups fail.
    static constexpr uint64_t k_tag_mask = 0xffffffff00000000ULL;
    size_t m_cap;
    std::vector<uint64_t> m_slots;
    std::vector<Entry> m_entries;
    bool m_capped = false;
};

// splitmix64: a tiny generator whose sequence is fixed by its definition, so
// that the reservoir sample (and the profile) is the same on every platform.
class SplitMix {
public:
    explicit SplitMix(uint64_t seed) : m_state(seed) {}
    uint64_t next() {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    uint64_t m_state;
};

// What the single pass gathers about one column.
struct ColumnState {
    // `values_cap` numbers kept, `distinct_cap` texts counted (the table's
    // budgets shared out among its columns).
    ColumnState(size_t index, size_t values_cap, size_t distinct_cap)
        : rng(0x6d6c63692d70726fULL + index), values_cap(values_cap), counts(distinct_cap) {}

    uint64_t count = 0;
    uint64_t nulls = 0;
    // Narrowed as values arrive: a column is the first type all its values fit.
    bool all_bool = true;
    bool all_int = true;
    bool all_numeric = true;
    // Welford's running mean and squared deviations, stable for large sums.
    double mean = 0;
    double m2 = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    std::vector<double> values; // every value, or a reservoir sample (algorithm R)
    SplitMix rng;
    size_t values_cap;
    ValueCounts counts;

    // `text` is the value, or its first bytes when `size` is larger (a field
    // the reader cut: too long to be anything but a string).
    void add(std::string_view text, uint64_t size, uint64_t hash) {
        ++count;
        counts.add(text, size, hash);
        if (!all_numeric && !all_bool)
            return; // a string column: nothing left to learn per value
        double x = 0;
        switch (size > text.size() ? ValueType::string : classify(text, &x)) {
        case ValueType::boolean:
            all_int = all_numeric = false;
            break;
        case ValueType::integer:
            all_bool = false;
            add_number(x);
            break;
        case ValueType::number:
            all_bool = all_int = false;
            add_number(x);
            break;
        default:
            all_bool = all_int = all_numeric = false;
            break;
        }
        if (!all_numeric && !values.empty())
            std::vector<double>().swap(values);
    }

    void add_number(double x) {
        if (!all_numeric)
            return;
        // count == numbers seen so far, as every value before this one was numeric.
        double delta = x - mean;
        mean += delta / static_cast<double>(count);
        m2 += delta * (x - mean);
        min = std::min(min, x);
        max = std::max(max, x);
        if (values.size() < values_cap) {
            values.push_back(x);
        } else {
            uint64_t j = rng.next() % count;
            if (j < values_cap)
                values[j] = x;
        }
    }
};

std::optional<double> finite(double x) {
    return std::isfinite(x) ? std::optional(x) : std::nullopt;
}

// Scales the bin counts of a sample of `sample_size` values up to `total`
// values by largest remainders, so that they still sum to `total` exactly.
std::vector<uint64_t> scale_counts(const std::vector<uint64_t>& counts, uint64_t sample_size,
                                   uint64_t total) {
    using Wide = unsigned __int128;
    std::vector<uint64_t> scaled(counts.size());
    std::vector<std::pair<uint64_t, size_t>> remainders; // remainder, bin
    uint64_t assigned = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        Wide product = static_cast<Wide>(counts[i]) * total;
        scaled[i] = static_cast<uint64_t>(product / sample_size);
        remainders.emplace_back(static_cast<uint64_t>(product % sample_size), i);
        assigned += scaled[i];
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; assigned < total && k < remainders.size(); ++k, ++assigned)
        ++scaled[remainders[k].second];
    return scaled;
}

// Puts the value of each rank in [rank, rank_end) (ascending, unique) where a
// sort of [first, last) would put it; `offset` is the rank of *first.
void select_ranks(double* first, double* last, const size_t* rank, const size_t* rank_end,
                  size_t offset) {
    if (rank == rank_end)
        return;
    const size_t* mid = rank + (rank_end - rank) / 2;
    double* nth = first + (*mid - offset);
    std::nth_element(first, nth, last);
    select_ranks(first, nth, rank, mid, offset);
    select_ranks(nth + 1, last, mid + 1, rank_end, *mid + 1);
}

void finish_numeric(ColumnState& s, ColumnProfile& p) {
    p.min = s.min;
    p.max = s.max;
    p.mean = finite(s.mean);
    p.std = s.count > 1 ? finite(std::sqrt(s.m2 / static_cast<double>(s.count - 1))) : 0.0;

    // Only the ranks on either side of each quantile are needed, so they are
    // selected rather than the values sorted.
    auto& v = s.values;
    std::vector<size_t> ranks;
    for (auto [key, q] : k_quantiles) {
        size_t lo = static_cast<size_t>(q * static_cast<double>(v.size() - 1));
        ranks.push_back(lo);
        ranks.push_back(std::min(lo + 1, v.size() - 1));
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    select_ranks(v.data(), v.data() + v.size(), ranks.data(), ranks.data() + ranks.size(), 0);
    for (auto [key, q] : k_quantiles) {
        double pos = q * static_cast<double>(v.size() - 1);
        size_t lo = static_cast<size_t>(pos);
        size_t hi = std::min(lo + 1, v.size() - 1);
        double frac = pos - static_cast<double>(lo);
        double gap = v[hi] - v[lo]; // overflows only for values near the double limits
        p.quantiles[key] =
            std::isfinite(gap) ? v[lo] + frac * gap : v[lo] * (1 - frac) + v[hi] * frac;
    }

    // A constant column gets a small range around its value, so that a later
    // shift either way lands in another bin.
    double lo = s.min, hi = s.max;
    if (lo == hi) {
        double half = std::max(0.5, std::abs(lo) * 1e-6);
        lo -= half;
        hi += half;
    }
    // Divided before subtracting: max - min can overflow for extreme values.
    double width = hi / k_histogram_bins - lo / k_histogram_bins;
    p.bin_edges.resize(k_histogram_bins + 1);
    for (size_t i = 0; i < k_histogram_bins; ++i)
        p.bin_edges[i] = lo + static_cast<double>(i) * width;
    p.bin_edges.back() = hi;
    p.bin_counts = bin_values(v, p.bin_edges);
    if (v.size() < s.count)
        p.bin_counts = scale_counts(p.bin_counts, v.size(), s.count);
}

void finish_top(std::vector<std::pair<std::string, uint64_t>> all, ColumnProfile& p) {
    auto order = [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    size_t n = std::min(all.size(), k_top_values);
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), order);
    all.resize(n);
    p.top = std::move(all);
}

// A text as profiles keep it, from its first bytes (truncate_utf8 to
// k_max_profile_text) and whether there was more.
std::string stored_text(std::string_view prefix, bool longer) {
    auto text = valid_utf8(prefix);
    if (text.size() > k_max_profile_text) { // U+FFFD takes 3 bytes where a bad byte took 1
        text.resize(truncate_utf8(text, k_max_profile_text).size());
        longer = true;
    }
    if (longer)
        text += k_cut_mark;
    return text;
}

ColumnProfile finish(const std::string& name, ColumnState& s) {
    ColumnProfile p;
    p.name = profile_text_of(name);
    p.count = s.count;
    p.nulls = s.nulls;
    p.distinct = s.counts.entries().size();
    p.distinct_capped = s.counts.capped();
    if (s.count == 0) {
        p.type = "string";
    } else if (s.all_bool) {
        p.type = "bool";
        // "True", "TRUE" and "true" are one value of a bool column.
        uint64_t yes = 0, no = 0;
        for (const auto& e : s.counts.entries())
            (*parse_bool(e.text) ? yes : no) += e.count;
        std::vector<std::pair<std::string, uint64_t>> all;
        if (yes)
            all.emplace_back("true", yes);
        if (no)
            all.emplace_back("false", no);
        p.distinct = all.size();
        finish_top(std::move(all), p);
    } else if (s.all_numeric) {
        p.type = s.all_int ? "int" : "number";
        finish_numeric(s, p);
    } else {
        p.type = "string";
        std::vector<std::pair<std::string, uint64_t>> all;
        all.reserve(s.counts.entries().size());
        for (const auto& e : s.counts.entries())
            all.emplace_back(stored_text(e.text, e.text.size() < e.size), e.count);
        finish_top(std::move(all), p);
    }
    return p;
}

} // namespace

const ColumnProfile* TableProfile::column(std::string_view name) const {
    for (const auto& c : columns)
        if (c.name == name)
            return &c;
    return nullptr;
}

Result<TableProfile> profile_csv(const fs::path& path) {
    MLCI_TRY_ASSIGN(reader, CsvReader::open(path));
    return profile_csv(reader);
}

Result<TableProfile> profile_csv(CsvReader& reader) {
    const auto& header = reader.header();
    {
        std::vector<std::string_view> names(header.begin(), header.end());
        std::sort(names.begin(), names.end());
        if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end())
            return usage_error("column '{}' appears twice in the header of '{}' (rename one)",
                               profile_text_of(*dup), reader.name());
    }
    // Columns past k_max_columns are counted, not profiled; the memory
    // budgets are shared out among the profiled ones.
    const size_t profiled = std::min(header.size(), k_max_columns);
    const size_t per_column = std::max<size_t>(profiled, 1);
    const size_t values_cap = std::min(k_exact_values, k_values_budget / per_column);
    const size_t distinct_cap = std::min<size_t>(k_distinct_cap, k_distinct_budget / per_column);
    std::vector<ColumnState> states;
    states.reserve(profiled);
    for (size_t i = 0; i < profiled; ++i)
        states.emplace_back(i, values_cap, distinct_cap);

    TableProfile table;
    std::vector<uint64_t> row_hashes;
    std::vector<std::string_view> row;
    std::vector<uint64_t> sizes, hashes;
    for (;;) {
        MLCI_TRY_ASSIGN(more, reader.next(row));
        if (!more)
            break;
        ++table.rows;
        // The size and hash of every field, whole even where the reader cut it.
        sizes.resize(row.size());
        hashes.resize(row.size());
        for (size_t i = 0; i < row.size(); ++i) {
            sizes[i] = row[i].size();
            hashes[i] = field_hash(row[i]);
        }
        for (auto& cut : reader.cut_fields()) {
            sizes[cut.index] = cut.size;
            hashes[cut.index] = cut.hash;
        }
        // Field hashes chained in order: ("a,b") and ("a", "b") differ.
        uint64_t row_hash = 0x243f6a8885a308d3ULL;
        for (size_t i = 0; i < row.size(); ++i) {
            row_hash = mix64(row_hash ^ hashes[i]) + i;
            if (i >= profiled)
                continue;
            if (sizes[i] == row[i].size() && is_null_value(row[i]))
                ++states[i].nulls;
            else
                states[i].add(row[i], sizes[i], hashes[i]);
        }
        row_hashes.push_back(row_hash);
    }

    table.duplicate_rows = count_repeats(row_hashes);
    std::vector<uint64_t>().swap(row_hashes);
    // Columns go in while the profile stays under k_max_profile_bytes.
    size_t bytes = k_profile_overhead;
    for (size_t i = 0; i < profiled; ++i) {
        auto column = finish(header[i], states[i]);
        states[i] = ColumnState(i, 0, 0); // free the values now rather than at the end
        bytes += to_json(column).dump().size() + 1;
        if (bytes > k_max_profile_bytes)
            break;
        table.columns.push_back(std::move(column));
    }
    table.unprofiled_columns = header.size() - table.columns.size();
    return table;
}

std::string profile_text_of(std::string_view text) {
    auto prefix = truncate_utf8(text, k_max_profile_text);
    return stored_text(prefix, prefix.size() < text.size());
}

} // namespace mlci::data
