// The lines `mlci watch` prints as it goes, one place for their wording.
#pragma once

#include <mlci/watch/baseline.hpp>
#include <mlci/watch/rule.hpp>
#include <mlci/watch/watcher.hpp>
#include <string>

namespace mlci::watch {

// "watching SOURCE against KIND 'NAME' (TABLE of DATASET, N feature(s),
// target T), windows of 1000 events"
std::string watching_line(const std::string& source, const Baseline& baseline,
                          const WindowOptions& window);

// "window 3: 1000 event(s), 0 malformed, max psi 0.93 (x), accuracy 0.9,
// 1 alert(s)": the most drifted feature and the accuracy when there are.
std::string window_line(const WindowResult& window);

// "alert: psi(x) = 0.93 > 0.2 (window 3, 1000 events)"
std::string alert_line(const Alert& alert, const WindowSummary& window);

// "N event(s), M malformed line(s), W window(s), A alert(s)"
std::string totals_line(const Totals& totals);

} // namespace mlci::watch
