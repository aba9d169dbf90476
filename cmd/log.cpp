// mlci log (being written).
#include "context.hpp"

namespace mlci::cli {

void register_log(CLI::App& app, Context& ctx) {
    (void)app;
    (void)ctx;
}

} // namespace mlci::cli
