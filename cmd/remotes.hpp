// What push, pull and data-version checkout share with `mlci remote`: the
// remotes of the store and of mlci.yaml (remote.cpp).
#pragma once

#include "context.hpp"

#include <mlci/registry/remotes.hpp>

namespace mlci::cli {

// The remotes of the current store merged with those of the mlci.yaml above
// the working directory.
registry::Remotes load_remotes(Context& ctx);

} // namespace mlci::cli
