// The timestamps of reproducible builds: SOURCE_DATE_EPOCH when the build
// sets it (reproducible-builds.org), else a fixed date, never the clock.
#pragma once

#include <cstdint>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>

namespace mlci::oci {

// 1980-01-01T00:00:00Z: the fixed mtime of layer entries. Not 0, because
// some tar and zip tools warn about or reject dates before 1980.
inline constexpr int64_t k_fixed_epoch = 315532800;

// $SOURCE_DATE_EPOCH as seconds; nothing when unset or empty, a usage error
// when it is not a non-negative integer.
Result<std::optional<int64_t>> source_date_epoch();

// Seconds since the epoch as RFC 3339 UTC: "2026-01-02T03:04:05Z".
std::string rfc3339(int64_t seconds);

} // namespace mlci::oci
