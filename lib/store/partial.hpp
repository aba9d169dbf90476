// File lists pulled in part (`mlci pull --path`): the store holds the list
// and the data of the selected files only. A mark per such list tells the
// graph walk that the other files' blobs may be absent: verify then reports
// no missing blob, gc keeps what is there, and checkout names what to pull.
// A pull of the whole version removes the mark.
#pragma once

#include <mlci/store/store.hpp>

namespace mlci::store {

// Where the marks live: one empty file per file list, named by its hex digest.
fs::path partial_dir(const Store& store);

// Marks `file_list` as pulled in part (durable before it returns).
Status mark_partial(const Store& store, const hash::Digest& file_list);
bool is_partial(const Store& store, const hash::Digest& file_list);
// Removes the mark: every file's data is in the store.
Status clear_partial(const Store& store, const hash::Digest& file_list);

} // namespace mlci::store
