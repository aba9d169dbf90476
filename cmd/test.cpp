// mlci test (being written).
#include "context.hpp"

namespace mlci::cli {

void register_test(CLI::App& app, Context& ctx) {
    (void)app;
    (void)ctx;
}

} // namespace mlci::cli
