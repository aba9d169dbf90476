// Sweep members that run at once tag their runs in grid order, so that
// NAME:vN numbers read as the grid does (trial 1 is the lowest vN), not in
// the order the runs happen to finish.
//
// Member i waits before tagging until every member before it is done
// (tagged, reused, failed or skipped). Members are handed out in index
// order (core/parallel.hpp), so every member before i has started and will
// finish: waiting cannot deadlock. Each member must call done(i) on every
// path out, after tagging; TagTurns::Done does it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace mlci::train {

class TagTurns {
public:
    explicit TagTurns(size_t n) : m_done(n, false) {}

    void wait_turn(size_t i) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_next >= i; });
    }

    void done(size_t i) {
        {
            std::lock_guard lock(m_mutex);
            m_done.at(i) = true;
            while (m_next < m_done.size() && m_done[m_next])
                ++m_next;
        }
        m_changed.notify_all();
    }

    // Marks member i done when it goes out of scope.
    class Done {
    public:
        Done(TagTurns& turns, size_t i) : m_turns(turns), m_i(i) {}
        ~Done() { m_turns.done(m_i); }
        Done(const Done&) = delete;
        Done& operator=(const Done&) = delete;

    private:
        TagTurns& m_turns;
        size_t m_i;
    };

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<bool> m_done;
    size_t m_next = 0; // every member before it is done
};

} // namespace mlci::train
