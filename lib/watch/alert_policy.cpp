#include <mlci/watch/alert_policy.hpp>

namespace mlci::watch {

Result<WindowOutcome> settle_window(store::Store& store, const WindowResult& window,
                                    const Baseline& baseline, const ReportContext& ctx,
                                    const AlertPolicy& policy) {
    WindowOutcome out;
    out.report = to_json(window, baseline, ctx);
    bool alerted = !window.alerts.empty();
    if (!alerted && !policy.always_report)
        return out;
    MLCI_TRY_ASSIGN(stored, store_report(store, out.report, baseline, ctx.name));
    out.reference = stored.second;
    out.notify = alerted && !policy.on_alert.empty();
    return out;
}

nlohmann::json to_json(const WindowOutcome& outcome) {
    auto doc = outcome.report;
    if (!outcome.reference.empty())
        doc["reference"] = outcome.reference;
    return doc;
}

} // namespace mlci::watch
