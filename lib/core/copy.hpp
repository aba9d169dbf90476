// Copying one open file into another as fast as the file systems allow.
#pragma once

#include <cstdint>
#include <functional>
#include <mlci/core/fs.hpp>

namespace mlci {

// Copies the first `size` bytes of `src` into `dst` (both at offset 0):
// a reflink (FICLONE) where the file system shares extents, else
// copy_file_range (in the kernel, no user-space buffer), else plain reads and
// writes — copy_file_range is refused across file systems (EXDEV) and on some
// of them (EINVAL, EOPNOTSUPP). `moved` is told of each stretch copied. An
// error names `what` when `src` ends early or a write fails.
Status copy_fd(int src, int dst, uint64_t size, const fs::path& what,
               const std::function<void(uint64_t)>& moved = {});

} // namespace mlci
