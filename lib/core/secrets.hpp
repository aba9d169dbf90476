// Keeping secrets (registry passwords, signing keys) out of places a process
// leaves behind.
#pragma once

namespace mlci {

// Makes this process non-dumpable: it writes no core file that could carry a
// secret it holds, and other processes of the same user cannot attach to it.
// Called once credentials or a private key are in memory.
void keep_secrets_out_of_core_dumps();

// Whether the process is still dumpable (for tests).
bool process_dumpable();

} // namespace mlci
