#include "duration_option.hpp"

#include <fmt/format.h>

namespace mlci::cli {

CLI::Option* add_duration_option(CLI::App* cmd, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& out,
                                 const std::string& help, ZeroDuration zero) {
    auto* option = cmd->add_option_function<std::string>(
        name,
        [&out, name, zero](const std::string& text) {
            auto d = parse_duration(text, zero);
            if (!d) // CLI11 reports it as "NAME: MESSAGE", a usage error
                throw CLI::ValidationError(name, d.error().message);
            out = *d;
        },
        fmt::format("{}; seconds or 500ms, 30s, 5m, 2h, at most {}", help, k_max_duration_text));
    return option->type_name("DURATION");
}

} // namespace mlci::cli
