#include "train_output.hpp"

#include "context.hpp"

namespace mlci::cli {

std::string metrics_line(const train::RunRecord& r, size_t max) {
    std::string out;
    size_t n = 0;
    for (auto& [k, v] : r.metrics) {
        if (n++ == max) {
            out += ", ...";
            break;
        }
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", k, train::format_number(v));
    }
    return out;
}

std::string summary(const train::TrainedRun& t) {
    auto& r = t.record;
    if (t.cached && t.record.cache.source.starts_with("sha256:"))
        return fmt::format("{}: reused (same command, params, data and code; --force runs it "
                           "again){}",
                           t.reference, r.metrics.empty() ? "" : ": " + metrics_line(r));
    if (t.cached)
        return fmt::format("{}: reused from the remote cache {} (--force runs it again){}",
                           t.reference, t.record.cache.source,
                           r.metrics.empty() ? "" : ": " + metrics_line(r));
    auto resources = fmt::format("{:.1f}s, cpu {:.1f}s, peak {}", r.wall_seconds, r.cpu_seconds,
                                 human_bytes(r.max_rss_bytes));
    auto line = fmt::format("{}: {} ({}){}", t.reference, train::to_string(r.status), resources,
                            r.metrics.empty() ? "" : ": " + metrics_line(r));
    if (r.status == train::RunStatus::succeeded)
        return line;
    return line + (t.problem.empty() ? "" : ": " + t.problem) +
           (r.status == train::RunStatus::failed
                ? fmt::format(" (exit code {}; 'mlci show {}' has its log)", r.exit_code,
                              t.reference)
                : "");
}

} // namespace mlci::cli
