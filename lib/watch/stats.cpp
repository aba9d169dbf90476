#include <algorithm>
#include <mlci/data/csv_reader.hpp>
#include <mlci/stats/chi_square.hpp>
#include <mlci/stats/distance.hpp>
#include <mlci/stats/drift.hpp>
#include <mlci/watch/stats.hpp>
#include <numeric>

namespace mlci::watch {

namespace {

constexpr uint64_t k_max_class_values = 50;

std::optional<double> number_of(const Value& v) {
    if (v.kind == Value::Kind::number)
        return v.number;
    if (v.kind == Value::Kind::text)
        return data::parse_number(v.text);
    return std::nullopt;
}

bool same_class(const Value& a, const Value& b) {
    if (a.kind == Value::Kind::number && b.kind == Value::Kind::number)
        return a.number == b.number;
    return a.text == b.text;
}

} // namespace

size_t upper_index(const std::vector<double>& sorted, double x) {
    // Branch-free binary search (conditional moves): the bin of a drifting
    // value is unpredictable, and mispredicted branches dominated here.
    if (sorted.empty())
        return 0;
    const double* base = sorted.data();
    size_t n = sorted.size();
    while (n > 1) {
        size_t half = n / 2;
        base = base[half] <= x ? base + half : base;
        n -= half;
    }
    return static_cast<size_t>(base - sorted.data()) + (*base <= x ? 1 : 0);
}

Task task_of(const data::ColumnProfile& target) {
    if (target.type == "string" || target.type == "bool")
        return Task::classification;
    if (target.type == "int" && !target.distinct_capped && target.distinct <= k_max_class_values)
        return Task::classification;
    return Task::regression;
}

ColumnCounter::ColumnCounter(const data::ColumnProfile& baseline)
    : m_base(&baseline), m_numeric(baseline.bin_edges.size() >= 2) {
    if (m_numeric) {
        m_inner_edges.assign(baseline.bin_edges.begin() + 1, baseline.bin_edges.end() - 1);
        m_counts.assign(baseline.bin_counts.size(), 0);
    } else {
        for (size_t i = 0; i < baseline.top.size(); ++i)
            m_top.emplace(baseline.top[i].first, i);
        m_counts.assign(baseline.top.size() + 1, 0); // + other
    }
}

void ColumnCounter::add(const Value& v) {
    if (v.kind == Value::Kind::missing) {
        ++m_missing;
        return;
    }
    ++m_count;
    if (m_numeric) {
        double x;
        if (v.kind == Value::Kind::number) {
            x = v.number;
        } else if (auto n = data::parse_number(v.text)) {
            x = *n;
        } else {
            ++m_invalid;
            return;
        }
        if (std::isnan(x)) {
            ++m_invalid;
            return;
        }
        // As data::bin_values(): edges[i] <= x < edges[i+1], out of range to the ends.
        ++m_counts[upper_index(m_inner_edges, x)];
        m_sum += x;
        return;
    }
    // Integers written as 1.0 by a serializer still match the profile's "1".
    std::string_view key = v.text;
    std::string folded;
    if (v.kind == Value::Kind::number && top_index(key) == m_counts.size() - 1 &&
        v.number == std::floor(v.number) && std::abs(v.number) < 1e15) {
        folded = std::to_string(static_cast<long long>(v.number));
        key = folded;
    }
    ++m_counts[top_index(key)];
}

size_t ColumnCounter::top_index(std::string_view value) const {
    // A long value is in the profile only by its start (profile_text_of).
    std::string shortened;
    if (value.size() > data::k_max_profile_text) {
        shortened = data::profile_text_of(value);
        value = shortened;
    }
    // A few categories: comparing beats hashing.
    if (m_top.size() <= k_linear_top) {
        for (size_t i = 0; i < m_base->top.size(); ++i)
            if (m_base->top[i].first == value)
                return i;
        return m_counts.size() - 1;
    }
    auto it = m_top.find(value);
    return it == m_top.end() ? m_counts.size() - 1 : it->second;
}

void ColumnCounter::reset() {
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_invalid = m_missing = m_count = 0;
    m_sum = 0;
}

FeatureSummary ColumnCounter::summarize() const {
    FeatureSummary s;
    s.name = m_base->name;
    s.numeric = m_numeric;
    s.count = m_count;
    s.missing = m_missing;
    s.invalid = m_invalid;
    if (m_count + m_missing > 0)
        s.missing_rate = static_cast<double>(m_missing) / static_cast<double>(m_count + m_missing);
    if (m_count == 0 || m_base->count == 0)
        return s;
    std::vector<uint64_t> expected, actual;
    if (m_numeric) {
        auto groups = stats::decile_groups(m_base->bin_counts);
        expected = stats::regroup(m_base->bin_counts, groups);
        actual = stats::regroup(m_counts, groups);
        // Values that are not numbers: a bucket the baseline never had.
        expected.push_back(0);
        actual.push_back(m_invalid);
        s.ks = stats::ks_statistic(m_base->bin_counts, m_counts);
        if (m_count > m_invalid)
            s.mean = m_sum / static_cast<double>(m_count - m_invalid);
    } else {
        expected = data::reference_buckets(*m_base);
        actual = m_counts;
    }
    s.psi = stats::psi(expected, actual);
    // The same statistic and p-value `mlci test` decides drift with.
    s.chi2 = stats::chi_square(expected, actual).statistic;
    s.p_value = stats::homogeneity_p_value(expected, actual);
    return s;
}

WindowStats::WindowStats(const std::vector<const data::ColumnProfile*>& features,
                         const data::ColumnProfile* target, Task task)
    : m_task(task) {
    m_features.reserve(features.size());
    for (auto* f : features)
        m_features.emplace_back(*f);
    if (target)
        m_prediction.emplace(*target);
}

void WindowStats::add(const Event& e) {
    ++m_events;
    for (size_t i = 0; i < m_features.size() && i < e.features.size(); ++i)
        m_features[i].add(e.features[i]);
    if (m_prediction)
        m_prediction->add(e.prediction);
    if (e.prediction.kind == Value::Kind::missing || e.label.kind == Value::Kind::missing)
        return;
    if (m_task == Task::classification) {
        ++m_labeled;
        m_correct += same_class(e.prediction, e.label) ? 1 : 0;
    } else if (m_task == Task::regression) {
        auto p = number_of(e.prediction), l = number_of(e.label);
        if (!p || !l)
            return;
        ++m_labeled;
        double d = *p - *l;
        m_abs += std::abs(d);
        m_sq += d * d;
    }
}

void WindowStats::reset() {
    for (auto& f : m_features)
        f.reset();
    if (m_prediction)
        m_prediction->reset();
    m_events = m_malformed = m_labeled = m_correct = 0;
    m_abs = m_sq = 0;
}

WindowSummary WindowStats::summarize() const {
    WindowSummary w;
    w.events = m_events;
    w.malformed = m_malformed;
    w.task = m_task;
    uint64_t missing = 0, expected = 0;
    for (auto& f : m_features) {
        w.features.push_back(f.summarize());
        missing += w.features.back().missing;
        expected += w.features.back().missing + w.features.back().count;
    }
    if (expected)
        w.missing_rate = static_cast<double>(missing) / static_cast<double>(expected);
    if (m_prediction) {
        w.prediction = m_prediction->summarize();
        w.prediction->name = "prediction";
    }
    w.labeled = m_labeled;
    if (m_labeled) {
        double n = static_cast<double>(m_labeled);
        if (m_task == Task::classification) {
            w.accuracy = static_cast<double>(m_correct) / n;
        } else {
            w.mae = m_abs / n;
            w.rmse = std::sqrt(m_sq / n);
        }
    }
    return w;
}

} // namespace mlci::watch
