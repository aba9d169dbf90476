// Store maintenance: verify (re-hash and check references) and gc.
#pragma once

#include <chrono>
#include <mlci/core/progress.hpp>
#include <mlci/store/repack.hpp>
#include <mlci/store/retention.hpp>
#include <mlci/store/store.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::store {

struct VerifyReport {
    uint64_t blobs = 0;
    uint64_t bytes = 0;
    std::vector<std::string> problems; // one line each; empty when the store is sound
};

// Re-hashes every blob on `jobs` threads and checks that every manifest the
// index lists is whole (config, layers, file lists, nested manifests).
Result<VerifyReport> verify(const Store& store, unsigned jobs, const Reporter& reporter);

// `mlci verify --json`: {"store" (`root`), "blobs", "bytes", "ok", "problems"}.
nlohmann::json to_json(const VerifyReport& report, const fs::path& root);

struct GcOptions {
    bool dry_run = false;
    // Unreferenced blobs younger than this are kept: a process may be about
    // to name them (writers also freshen the blobs they reuse).
    std::chrono::seconds grace{std::chrono::hours(1)};
    // Retention (--keep-last): version tags past the limit are removed first,
    // under the gc lock, in one atomic update of the index.
    std::optional<RetentionOptions> retention;
    // Also repack packs that are mostly dead (repack.hpp).
    bool repack = false;
};

struct GcReport {
    uint64_t kept = 0;
    std::vector<std::pair<hash::Digest, uint64_t>> removed; // digest, size
    uint64_t removed_bytes = 0;
    uint64_t temp_files_removed = 0;
    RetentionPlan retention; // the tags retention removed (or would remove) and spared
    RepackReport repack;     // with GcOptions::repack
};

// Applies the retention rule when asked, then deletes blobs that no index entry reaches (through
// manifests, file lists, lineage annotations, or as a referrer of a reachable subject). Waits for
// running writers (the gc lock) and keeps blobs within the grace period.
Result<GcReport> gc(Store& store, const GcOptions& options);

// `mlci gc --json`: {"dry_run", "untagged", "spared", "kept", "removed"
// ([{"digest", "size"}]), "removed_bytes", "temp_files_removed",
// "packs_repacked", "repacked_bytes", "repacked_into_bytes", "chunks_moved"}.
nlohmann::json to_json(const GcReport& report, bool dry_run);

} // namespace mlci::store
