// Ctrl-C and friends while mlci supervises a command: the signal must reach
// the command's process group (which is not the terminal's foreground group)
// and the run must be recorded as interrupted, never as succeeded.
#pragma once

namespace mlci::process {

// While alive, SIGINT, SIGTERM and SIGHUP no longer kill mlci: they are
// counted, and the process runner forwards them to the commands it runs.
// Guards nest; the outermost one restores the previous handlers.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// How many interrupting signals arrived since the first guard was made.
unsigned interrupt_count();
// The first interrupting signal that arrived, or 0.
int interrupt_signal();
// Forgets received signals (tests, and a fresh guard).
void reset_interrupts();

} // namespace mlci::process
