// The code a run is made from (git commit, branch, dirty flag, digest of the
// uncommitted diff), read fast enough for a run cache hit.
//
// libgit2 needs ~5 ms just to start (Debian's build parses the system's CA
// certificates at init), a quarter of a cache hit's budget. So the answer is
// remembered with a stat fingerprint of what it depends on: HEAD, the branch's
// ref, packed-refs, config, the index and every tracked file. While none of
// them changed, the remembered answer is the answer; otherwise libgit2 reads
// it again. Like the stat cache, a fingerprint taken within two seconds of a
// change is not kept (a write in the same timestamp tick could go unseen).
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <optional>

namespace mlci::train {

// The git state of the repository holding `project`, or nothing outside git.
Result<std::optional<CodeRecord>> code_state(const store::Store& store,
                                             const std::filesystem::path& project);

} // namespace mlci::train
