#include <charconv>
#include <cstdlib>
#include <ctime>
#include <fmt/chrono.h>
#include <mlci/oci/epoch.hpp>
#include <string_view>

namespace mlci::oci {

Result<std::optional<int64_t>> source_date_epoch() {
    const char* env = std::getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env)
        return std::optional<int64_t>();
    std::string_view text(env);
    int64_t v = -1;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < 0)
        return usage_error("invalid SOURCE_DATE_EPOCH '{}' (expected seconds since 1970, e.g. "
                           "$(git log -1 --format=%ct))",
                           text);
    return std::optional<int64_t>(v);
}

std::string rfc3339(int64_t seconds) {
    return fmt::format("{:%FT%TZ}", fmt::gmtime(static_cast<std::time_t>(seconds)));
}

} // namespace mlci::oci
