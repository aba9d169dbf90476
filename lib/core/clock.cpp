#include <chrono>
#include <fmt/chrono.h>
#include <mlci/core/clock.hpp>

namespace mlci {

std::string now_rfc3339() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    return fmt::format("{:%FT%TZ}", fmt::gmtime(now));
}

} // namespace mlci
