#include <catch2/catch.hpp>
#include <mlci/net/http.hpp>
#include <mlci/watch/metrics.hpp>

using namespace mlci;
using namespace mlci::watch;

TEST_CASE("watch: the exposition has HELP and TYPE lines and labelled gauges", "[watch]") {
    Totals t;
    t.events = 12;
    t.malformed = 1;
    auto before = render_metrics(t, std::nullopt);
    CHECK(before.find("# TYPE mlci_watch_events_total counter\nmlci_watch_events_total 12\n") !=
          std::string::npos);
    CHECK(before.find("mlci_watch_psi") == std::string::npos);

    WindowResult w;
    FeatureSummary f;
    f.name = "pe\"tal";
    f.psi = 0.5;
    f.missing_rate = 0;
    w.summary.features = {f};
    w.summary.accuracy = 0.75;
    auto text = render_metrics(t, w);
    CHECK(text.find("# HELP mlci_watch_psi ") != std::string::npos);
    CHECK(text.find("# TYPE mlci_watch_psi gauge\n") != std::string::npos);
    CHECK(text.find("mlci_watch_psi{feature=\"pe\\\"tal\"} 0.5\n") != std::string::npos);
    CHECK(text.find("mlci_watch_accuracy 0.75\n") != std::string::npos);
    // NaN statistics (no KS for this feature) are left out.
    CHECK(text.find("mlci_watch_ks{") == std::string::npos);
    CHECK(escape_label("a\\b\nc") == "a\\\\b\\nc");
}

TEST_CASE("watch: the server answers /metrics and 404 elsewhere", "[watch]") {
    auto server = MetricsServer::start("127.0.0.1:0");
    REQUIRE(server);
    auto addr = (*server)->address();
    CHECK(addr.starts_with("127.0.0.1:"));
    (*server)->publish("mlci_watch_events_total 7\n");
    net::HttpClient http;
    auto r = http.perform(net::make_request("GET", "http://" + addr + "/metrics"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "mlci_watch_events_total 7\n");
    CHECK(r->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    auto other = http.perform(net::make_request("GET", "http://" + addr + "/"));
    REQUIRE(other);
    CHECK(other->status == 404);
    CHECK(!MetricsServer::start("nonsense"));
}
