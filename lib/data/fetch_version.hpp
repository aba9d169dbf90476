// Fetching the dataset version a checkout lacks from a remote, so that a
// fresh clone's `data-version checkout data/iris.csv.mlci` needs no pull by
// hand.
#pragma once

#include <mlci/data/workspace.hpp>
#include <mlci/registry/remotes.hpp>
#include <mlci/registry/transfer.hpp>
#include <string>
#include <vector>

namespace mlci::data {

// Pulls from `remote` what `missing` lacks: the version it names by
// NAME:TAG, else, for each root (a pointer file names a file list, not a
// tag), the newest version of its dataset on the remote holding that file
// list. Returns the local references pulled.
Result<std::vector<std::string>> pull_missing_version(store::Store& store,
                                                      const registry::NamedRemote& remote,
                                                      const MissingVersion& missing,
                                                      const registry::PullOptions& options,
                                                      const Reporter& reporter);

} // namespace mlci::data
