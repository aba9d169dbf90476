// mlci data-version status, checkout, diff: comparing and restoring the workspace.
#include "context.hpp"

namespace mlci::cli {

void register_data_version_workspace(CLI::App& parent, Context& ctx) {
    (void)parent;
    (void)ctx;
}

} // namespace mlci::cli
