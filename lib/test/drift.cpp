#include <algorithm>
#include <fmt/format.h>
#include <mlci/core/format.hpp>
#include <mlci/core/text.hpp>
#include <mlci/data/csv_reader.hpp>
#include <mlci/stats/distance.hpp>
#include <mlci/stats/drift.hpp>
#include <mlci/test/column_check.hpp>
#include <mlci/test/drift.hpp>

namespace mlci::test {

namespace {

constexpr size_t k_batch = 4096;

} // namespace

ColumnDrift::ColumnDrift(const data::ColumnProfile& reference)
    : m_ref(reference), m_numeric(!reference.bin_edges.empty()) {
    // Numbers: the reference's bins plus one for values that are not numbers
    // (which the reference, a numeric column, had none of).
    m_counts.assign(m_numeric ? reference.bin_counts.size() + 1 : reference.top.size() + 1, 0);
}

void ColumnDrift::add(std::string_view value) {
    ++m_count;
    if (m_numeric) {
        if (auto x = data::parse_number(value)) {
            m_pending.push_back(*x);
            m_sum += *x;
            if (m_pending.size() >= k_batch)
                flush();
        } else {
            ++m_other;
        }
        return;
    }
    // Bool columns' top values are folded to "true"/"false", as profiles write them.
    std::string folded;
    if (m_ref.type == "bool")
        if (auto b = data::parse_bool(value))
            folded = *b ? "true" : "false";
    std::string_view v = folded.empty() ? value : std::string_view(folded);
    // A long value is in the profile only by its start.
    if (v.size() > data::k_max_profile_text) {
        folded = data::profile_text_of(v);
        v = folded;
    }
    for (size_t i = 0; i < m_ref.top.size(); ++i)
        if (m_ref.top[i].first == v) {
            ++m_counts[i];
            return;
        }
    ++m_counts.back();
}

// bin_values() is the one definition of which bin a value falls in; batching
// keeps memory constant without a second copy of that rule.
void ColumnDrift::flush() {
    auto bins = data::bin_values(m_pending, m_ref.bin_edges);
    for (size_t i = 0; i < bins.size(); ++i)
        m_counts[i] += bins[i];
    m_pending.clear();
}

CheckResult ColumnDrift::finish(double max_psi) {
    CheckResult r;
    r.check = "drift";
    r.column = m_ref.name;
    if (m_numeric) {
        flush();
        m_counts.back() = m_other;
    }
    std::vector<uint64_t> expected = m_numeric ? m_ref.bin_counts : data::reference_buckets(m_ref);
    if (m_numeric)
        expected.push_back(0);
    if (m_ref.count == 0) {
        r.outcome = Outcome::skipped;
        r.message = "the reference has no values in this column";
        return r;
    }
    if (m_count == 0) {
        r.outcome = Outcome::failed;
        r.message = fmt::format("no values to compare with the reference's {}", m_ref.count);
        return r;
    }
    double psi = 0;
    std::vector<uint64_t> actual_grouped;
    if (m_numeric) {
        // Deciles of the reference, plus the bucket of values that are not numbers.
        std::vector<uint64_t> bins(m_counts.begin(), m_counts.end() - 1);
        auto group = stats::decile_groups(m_ref.bin_counts);
        auto e = stats::regroup(m_ref.bin_counts, group);
        auto a = stats::regroup(bins, group);
        e.push_back(0);
        a.push_back(m_other);
        psi = stats::psi(e, a);
        expected = e;
        actual_grouped = a;
    } else {
        psi = stats::psi(expected, m_counts);
    }
    r.stats = {{"psi", psi},
               {"max_psi", max_psi},
               {"method", m_numeric ? "reference deciles" : "reference categories"},
               {"buckets", expected.size()},
               {"count", m_count},
               {"reference_count", m_ref.count}};
    std::string extra;
    if (m_numeric) {
        std::vector<uint64_t> numeric(m_counts.begin(), m_counts.end() - 1);
        double ks = stats::ks_statistic(m_ref.bin_counts, numeric);
        uint64_t numbers = m_count - m_other;
        double mean = numbers ? m_sum / static_cast<double>(numbers) : 0;
        r.stats["ks"] = ks;
        r.stats["mean"] = mean;
        if (m_ref.mean)
            r.stats["reference_mean"] = *m_ref.mean;
        extra = fmt::format(", KS D {}", human_number(ks));
        if (m_ref.mean)
            r.examples.push_back(fmt::format("mean {} (reference {})", human_number(mean),
                                             human_number(*m_ref.mean)));
        if (m_other)
            r.examples.push_back(fmt::format("{} {}", plural(m_other, "value"),
                                             m_other == 1 ? "is not a number" : "are not numbers"));
    } else {
        // The biggest moves between categories explain a PSI best.
        double total = static_cast<double>(m_count);
        double ref_total = static_cast<double>(m_ref.count);
        for (size_t i = 0; i < m_ref.top.size() && r.examples.size() < k_max_examples; ++i) {
            double now = static_cast<double>(m_counts[i]) / total;
            double then = static_cast<double>(m_ref.top[i].second) / ref_total;
            if (std::abs(now - then) >= 0.05)
                r.examples.push_back(fmt::format("{}: {:.1f}% (reference {:.1f}%)",
                                                 show_value(m_ref.top[i].first), now * 100,
                                                 then * 100));
        }
        if (m_counts.back() && r.examples.size() < k_max_examples)
            r.examples.push_back(
                fmt::format("{:.1f}% other values (reference {:.1f}%)",
                            100.0 * static_cast<double>(m_counts.back()) / total,
                            100.0 * static_cast<double>(expected.back()) / ref_total));
    }
    auto verdict = stats::drift_verdict(expected, m_numeric ? actual_grouped : m_counts, max_psi);
    double p = verdict.p_value;
    r.stats["p_value"] = p;
    bool above = verdict.above;
    bool drifted = verdict.drifted;
    r.outcome = drifted ? Outcome::failed : Outcome::passed;
    r.violations = drifted ? 1 : 0;
    r.message = fmt::format("PSI {} {} {}{}", human_number(psi),
                            above ? ">" : "<=", human_number(max_psi), extra);
    if (above && !drifted)
        r.message += fmt::format(", but {} values show that much by chance (p {}): not drift",
                                 m_count, human_number(p));
    if (!drifted)
        r.examples.clear();
    return r;
}

} // namespace mlci::test
