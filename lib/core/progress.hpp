// How the library reports progress and notes without printing: the caller
// (cmd/) passes a Reporter and decides how to render it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mlci {

struct Progress {
    std::string phase;  // "hashing", "checking out", ...
    uint64_t done = 0;  // units done so far
    uint64_t total = 0; // 0 when unknown
    uint64_t bytes = 0; // bytes done so far
    uint64_t total_bytes = 0;
};

struct Reporter {
    // Called often from any thread; must be cheap and thread-safe.
    std::function<void(const Progress&)> progress;
    // A line for a person (warnings, notes); goes to stderr in cmd/.
    std::function<void(const std::string&)> note;
    // A warning: shown even when notes are not (cmd/ prints "warning: ...").
    std::function<void(const std::string&)> warning;

    void report(const Progress& p) const {
        if (progress)
            progress(p);
    }
    void say(const std::string& line) const {
        if (note)
            note(line);
    }
    void warn(const std::string& line) const {
        if (warning)
            warning(line);
        else
            say("warning: " + line);
    }
};

} // namespace mlci
