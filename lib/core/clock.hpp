// Wall-clock time as artifacts record it.
#pragma once

#include <string>

namespace mlci {

// The current UTC time as RFC 3339 with seconds: "2026-11-26T22:49:00Z".
std::string now_rfc3339();

} // namespace mlci
