// The --json documents of `data-version status`, `checkout` and `diff`: one
// place that names their fields, so that the three commands agree on how a
// change and its totals read.
#pragma once

#include <mlci/data/workspace.hpp>
#include <nlohmann/json.hpp>

namespace mlci::data {

// {"path", "change", "old_size", "new_size", "old_digest", "new_digest"}; a
// size or digest the change does not have is left out.
nlohmann::json to_json(const FileChange& change);

// {"files", "added", "modified", "deleted", "added_bytes", "deleted_bytes",
// "modified_bytes_delta"}
nlohmann::json to_json(const ChangeTotals& totals);

// {"clean", "roots": [{"path", "pointer", "dataset", "tree", "clean", "files_read", "changes"}]}
nlohmann::json to_json(const StatusReport& report);

// {"reference", "digest", "roots": [{"path", "pointer", "files", "bytes", ...}]}
nlohmann::json to_json(const CheckoutResult& result);

// {"from", "to" (each {"reference", "digest"}), "changes", "totals"}
nlohmann::json to_json(const DiffReport& report);

} // namespace mlci::data
