#include "../validate/run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/sign/sign_json.hpp>

using namespace mlci;
using namespace mlci::sign;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

namespace {

hash::Digest sign_json_digest(char c) {
    auto d = hash::Digest::parse("sha256:" + std::string(64, c));
    REQUIRE(d);
    return *d;
}

} // namespace

TEST_CASE("sign json: key generate and sign", "[sign][sign_json]") {
    auto key = PrivateKey::generate();
    REQUIRE(key);
    auto& pub = key->public_key();
    auto j = key_json(key_files("keys/release"), pub, true);
    CHECK(j == nlohmann::json{{"private_key", "keys/release.key"},
                              {"public_key", "keys/release.pub"},
                              {"keyid", pub.id()},
                              {"encrypted", true}});
    CHECK(key_json(key_files("k"), pub, false)["encrypted"] == false);
    CHECK(pub.id().starts_with("sha256:"));

    store::Descriptor signature{"m", sign_json_digest('5'), 10, {}, {}, {}};
    store::Descriptor subject{"m", sign_json_digest('a'), 20, {}, {}, {}};
    SignOptions so{"iris:v1", "ci@runner", ""};
    j = signed_json(signature, subject, so, pub);
    CHECK(j.size() == 6);
    CHECK(j["reference"] == sign_json_digest('5').str());
    CHECK(j["digest"] == sign_json_digest('5').str());
    CHECK(j["subject"] == sign_json_digest('a').str());
    CHECK(j["name"] == "iris:v1");
    CHECK(j["keyid"] == pub.id());
    CHECK(j["signer"] == "ci@runner");
}

TEST_CASE("sign json: a verdict says why only when it is not valid", "[sign][sign_json]") {
    SignatureVerdict v;
    v.signature.digest = sign_json_digest('5');
    v.valid = true;
    v.keyid = "sha256:k";
    v.created = "2026-11-27T03:00:00Z";
    v.signer = "ci@runner";
    v.reason = "ignored when valid";
    auto j = to_json(v);
    CHECK(j == nlohmann::json{{"digest", sign_json_digest('5').str()},
                              {"valid", true},
                              {"keyid", "sha256:k"},
                              {"created", "2026-11-27T03:00:00Z"},
                              {"signer", "ci@runner"}});
    v.valid = false;
    v.reason = "signed by another key";
    j = to_json(v);
    CHECK(j["valid"] == false);
    CHECK(j["reason"] == "signed by another key");
    CHECK(j.size() == 6);
}

TEST_CASE("sign json: verify-signature of a signed artifact", "[sign][sign_json]") {
    StoreFixture f;
    auto run = make_run(f.store, "iris", "succeeded", {{"accuracy", 0.9}}, {"iris:v1"});
    auto key = *PrivateKey::generate();
    auto other = *PrivateKey::generate();
    auto sig = sign_artifact(f.store, run, key, {"iris:v1", "tester@host", "2026-11-27T03:00:00Z"});
    REQUIRE(sig);

    auto good = check_signatures(f.store, run.descriptor, key.public_key());
    REQUIRE(good);
    auto j = to_json(*good, "iris:v1", run.descriptor, key.public_key());
    CHECK(j.size() == 5); // no "reason" when valid
    CHECK(j["reference"] == "iris:v1");
    CHECK(j["digest"] == run.descriptor.digest.str());
    CHECK(j["keyid"] == key.public_key().id());
    CHECK(j["valid"] == true);
    REQUIRE(j["signatures"].size() == 1);
    CHECK(j["signatures"][0]["digest"] == sig->digest.str());
    CHECK(j["signatures"][0]["valid"] == true);
    CHECK(j["signatures"][0]["keyid"] == key.public_key().id());
    CHECK(j["signatures"][0]["signer"] == "tester@host");
    CHECK(j["signatures"][0]["created"] == "2026-11-27T03:00:00Z");
    CHECK_FALSE(j["signatures"][0].contains("reason"));

    auto bad = check_signatures(f.store, run.descriptor, other.public_key());
    REQUIRE(bad);
    j = to_json(*bad, "iris:v1", run.descriptor, other.public_key());
    CHECK(j["valid"] == false);
    CHECK(j["keyid"] == other.public_key().id());
    CHECK(j["reason"] == bad->reason);
    CHECK_FALSE(bad->reason.empty());
    REQUIRE(j["signatures"].size() == 1);
    CHECK(j["signatures"][0]["valid"] == false);
    CHECK(j["signatures"][0]["reason"] == bad->signatures[0].reason);

    SignatureCheck none;
    none.reason = "no signatures";
    j = to_json(none, "x", run.descriptor, key.public_key());
    CHECK(j["signatures"] == nlohmann::json::array());
    CHECK(j["reason"] == "no signatures");
}
