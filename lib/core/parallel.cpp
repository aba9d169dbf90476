#include <atomic>
#include <mlci/core/parallel.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mlci {

unsigned default_jobs() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

Status parallel_for(size_t n, unsigned jobs, const std::function<Status(size_t)>& fn) {
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex m;
    std::optional<Error> first;
    auto worker = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed))
                return;
            size_t i = next.fetch_add(1);
            if (i >= n)
                return;
            Status s;
            try {
                s = fn(i);
            } catch (const Failure& f) {
                s = std::unexpected(f.error);
            } catch (const std::exception& e) {
                s = std::unexpected(Error{Exit::runtime, e.what()});
            }
            if (!s) {
                std::lock_guard lock(m);
                if (!first)
                    first = s.error();
                failed = true;
            }
        }
    };
    jobs = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(n, 1))));
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < jobs; ++t)
        threads.emplace_back(worker);
    worker();
    threads.clear();
    if (first)
        return std::unexpected(*first);
    return {};
}

} // namespace mlci
