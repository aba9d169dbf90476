#include <atomic>
#include <mlci/core/parallel.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/store/graph.hpp>
#include <mlci/store/maintenance.hpp>
#include <mutex>

namespace mlci::store {

Result<VerifyReport> verify(const Store& store, unsigned jobs, const Reporter& reporter) {
    VerifyReport report;
    std::vector<fs::path> blobs;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(store.root() / "blobs" / "sha256", ec))
        blobs.push_back(e.path());
    if (ec)
        return runtime_error("cannot list blobs in '{}': {}", store.root().string(), ec.message());

    std::mutex m;
    std::atomic<uint64_t> done{0}, bytes{0};
    MLCI_TRY(parallel_for(blobs.size(), jobs, [&](size_t i) -> Status {
        auto name = blobs[i].filename().string();
        auto fail = [&](std::string msg) {
            std::lock_guard lock(m);
            report.problems.push_back(std::move(msg));
        };
        if (!hash::is_sha256_hex(name)) {
            fail(fmt::format("stray file '{}' in blobs/sha256", name));
        } else if (auto h = hash::sha256_file(blobs[i]); !h) {
            fail(fmt::format("unreadable blob 'sha256:{}': {}", name, h.error().message));
        } else {
            bytes += h->size;
            if (h->digest.hex() != name)
                fail(fmt::format("corrupt blob 'sha256:{}': its content hashes to '{}'", name,
                                 h->digest.str()));
        }
        reporter.report({"verifying", ++done, blobs.size(), bytes.load(), 0});
        return {};
    }));
    report.blobs = blobs.size();
    report.bytes = bytes;

    // An index that cannot be read is the store failing to verify (exit 1),
    // not a usage error: nothing the user typed was wrong.
    auto entries = store.entries();
    if (!entries) {
        report.problems.push_back(entries.error().message);
    } else {
        std::vector<Descriptor> roots;
        for (auto& e : *entries)
            roots.push_back(e.descriptor);
        MLCI_TRY(walk(store, roots, {},
                      [&](const Problem& p) { report.problems.push_back(p.message); }));
    }
    std::sort(report.problems.begin(), report.problems.end());
    report.problems.erase(std::unique(report.problems.begin(), report.problems.end()),
                          report.problems.end());
    return report;
}

} // namespace mlci::store
