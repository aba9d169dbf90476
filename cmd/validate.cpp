// mlci validate (being written).
#include "context.hpp"

namespace mlci::cli {

void register_validate(CLI::App& app, Context& ctx) {
    (void)app;
    (void)ctx;
}

} // namespace mlci::cli
