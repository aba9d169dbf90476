#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/watch/hook.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch: the alert hook sees the report, its file and the alerts", "[watch]") {
    testing::TempDir dir;
    std::string out;
    AlertHook hook;
    hook.command.shell =
        R"(echo "ref=$MLCI_WATCH_REPORT window=$MLCI_WATCH_WINDOW";)"
        R"( cat "$MLCI_WATCH_REPORT_FILE"; printf '%s' "$MLCI_WATCH_ALERTS"; exit 3)";
    hook.temp_dir = dir / "tmp";
    hook.on_output = [&](std::string_view s) { out += s; };
    std::vector<Alert> alerts{{"psi(*) > 0.2", "psi(x)", 0.5, watch::Op::gt, 0.2},
                              {"accuracy < 0.9", "accuracy", 0.8, watch::Op::lt, 0.9}};
    auto status = run_alert_hook(hook, "watch-m:v4", {{"verdict", "alert"}}, alerts, 7);
    REQUIRE(status);
    CHECK(*status == 3);
    CHECK(out.find("ref=watch-m:v4 window=7\n") != std::string::npos);
    CHECK(out.find("\"verdict\": \"alert\"") != std::string::npos);
    CHECK(out.find("psi(x) = 0.5 > 0.2\naccuracy = 0.8 < 0.9\n") != std::string::npos);
    // The report file is gone afterwards.
    CHECK(std::filesystem::is_empty(dir / "tmp"));

    hook.command = {};
    hook.command.argv = {"no-such-notifier-program"};
    CHECK(!run_alert_hook(hook, "r", {}, alerts, 1));
}

TEST_CASE("watch: a hook that fails is worth a warning, not an error", "[watch]") {
    CHECK(hook_warning(0).empty());
    CHECK(hook_warning(3) == "--on-alert command exited with status 3");
    Result<int> unstarted = runtime_error("cannot run 'notify': not found");
    CHECK(hook_warning(unstarted) == "--on-alert: cannot run 'notify': not found");
}
