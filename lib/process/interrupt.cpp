#include <atomic>
#include <csignal>
#include <mlci/process/interrupt.hpp>
#include <mutex>

namespace mlci::process {

namespace {

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};

// Only lock-free atomics are touched from the handler (async-signal-safe).
std::atomic<unsigned> g_count{0};
std::atomic<int> g_first{0};
static_assert(std::atomic<unsigned>::is_always_lock_free);

std::mutex g_mutex; // guards g_depth and g_previous
int g_depth = 0;
struct sigaction g_previous[3];

extern "C" void on_signal(int sig) {
    int none = 0;
    g_first.compare_exchange_strong(none, sig);
    g_count.fetch_add(1);
}

} // namespace

InterruptGuard::InterruptGuard() {
    std::lock_guard lock(g_mutex);
    if (g_depth++ > 0)
        return;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    // No SA_RESTART: a blocking call returns EINTR and the runner looks at once.
    for (size_t i = 0; i < std::size(k_signals); ++i) {
        sigaction(k_signals[i], nullptr, &g_previous[i]);
        // Under nohup SIGHUP is ignored on purpose; keep it so. SIGINT is
        // taken even when ignored: a shell ignores it for background jobs,
        // and `kill -INT` must still stop the run.
        if (k_signals[i] == SIGHUP && g_previous[i].sa_handler == SIG_IGN)
            continue;
        sigaction(k_signals[i], &sa, nullptr);
    }
}

InterruptGuard::~InterruptGuard() {
    std::lock_guard lock(g_mutex);
    if (--g_depth > 0)
        return;
    for (size_t i = 0; i < std::size(k_signals); ++i)
        sigaction(k_signals[i], &g_previous[i], nullptr);
}

unsigned interrupt_count() {
    return g_count.load();
}
int interrupt_signal() {
    return g_first.load();
}

void reset_interrupts() {
    g_count = 0;
    g_first = 0;
}

} // namespace mlci::process
