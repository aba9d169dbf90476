#include <mlci/core/clock.hpp>

#include <chrono>

#include <fmt/chrono.h>

namespace mlci {

std::string now_rfc3339() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    return fmt::format("{:%FT%TZ}", fmt::gmtime(now));
}

} // namespace mlci
