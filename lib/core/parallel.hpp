// Runs work on all cores: a parallel for over indices, with the first error kept.
#pragma once

#include <cstddef>
#include <functional>
#include <mlci/core/error.hpp>

namespace mlci {

// The number of worker threads to use by default: the cores available.
unsigned default_jobs();

// Calls fn(i) for every i in [0, n) on `jobs` threads; indices are handed out
// dynamically so slow items do not stall a thread's share. Stops handing out
// work after the first error and returns it.
Status parallel_for(size_t n, unsigned jobs, const std::function<Status(size_t)>& fn);

} // namespace mlci
