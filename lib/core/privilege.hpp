// Whether file permission bits bind this process.
#pragma once

namespace mlci {

// True when this process can write a file whatever its permission bits say:
// effective uid 0, or CAP_DAC_OVERRIDE in the effective set (most CI
// containers run as root). Making a file read-only protects nothing then.
bool overrides_file_permissions();

} // namespace mlci
