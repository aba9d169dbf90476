// What a registry answers: WWW-Authenticate challenges, token service JSON,
// error bodies, Retry-After, and referrers indexes (image indexes).
#include "fuzz_util.hpp"

#include <mlci/registry/challenge.hpp>
#include <mlci/registry/session.hpp>
#include <mlci/store/descriptor.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mlci::fuzz::as_text(data, size);

    for (auto& c : mlci::registry::parse_challenges(text)) {
        MLCI_FUZZ_CHECK(!c.scheme.empty());
        (void)c.param("realm");
    }

    if (auto t = mlci::registry::parse_token_answer(text)) {
        MLCI_FUZZ_CHECK(!t->token.empty());
        MLCI_FUZZ_CHECK(t->expires_in.count() >= 20);
    }

    static mlci::registry::Session session("registry.invalid", {}, std::nullopt);
    for (long status : {400L, 401L, 403L, 404L, 429L, 500L}) {
        mlci::net::HttpResponse r;
        r.status = status;
        r.body = std::string(text);
        auto e = session.answer_error(r, "registry.invalid/team/iris");
        MLCI_FUZZ_CHECK(!e.message.empty());
    }

    mlci::registry::RetryPolicy policy;
    for (int retry : {1, 3, 40}) {
        auto d = mlci::registry::backoff_delay(policy, retry, text);
        MLCI_FUZZ_CHECK(d.count() >= 0 && d <= std::chrono::seconds(60));
    }

    // A referrers index: each listed descriptor as the registry client reads it.
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object())
        if (auto m = j.find("manifests"); m != j.end() && m->is_array())
            for (auto& e : *m)
                if (auto d = mlci::store::descriptor_from_json(e))
                    (void)mlci::store::to_json(*d).dump();
    return 0;
}
