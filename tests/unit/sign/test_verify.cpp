#include "../validate/run_fixture.hpp"

#include <catch2/catch.hpp>
#include <mlci/registry/plan.hpp>
#include <mlci/sign/signature.hpp>
#include <mlci/sign/verify.hpp>
#include <mlci/store/media_types.hpp>

using namespace mlci;
using namespace mlci::sign;
using mlci::testing::make_run;
using mlci::testing::StoreFixture;

namespace {

store::IndexEntry make_artifact(store::Store& s, const std::string& name) {
    return make_run(s, name, "succeeded", {{"accuracy", 0.9}}, {name + ":v1"});
}

SignOptions options(const std::string& name) {
    return {name, "tester@host", "2026-11-27T03:00:00Z"};
}

// Stores a signature artifact with `envelope` as its layer and `subject` as
// its subject, the way sign_artifact does.
store::Descriptor put_signature(store::Store& s, const store::IndexEntry& subject,
                                const std::string& envelope) {
    store::Manifest m;
    m.artifact_type = k_type_signature;
    m.config = *s.put_blob("{}", store::k_oci_empty);
    m.layers.push_back(*s.put_blob(envelope, k_media_dsse));
    auto& d = subject.descriptor;
    m.subject = store::Descriptor{d.media_type, d.digest, d.size, d.artifact_type, {}, {}};
    auto desc = *s.put_manifest(m);
    REQUIRE(s.add_to_index(desc, {}));
    return desc;
}

std::string envelope_of(const store::Store& s, const store::Descriptor& signature) {
    auto m = *s.read_manifest(signature.digest);
    REQUIRE(m.layers.size() == 1);
    return *s.read_blob(m.layers[0].digest);
}

} // namespace

TEST_CASE("sign/verify: a signature round trip through the store", "[sign][verify]") {
    StoreFixture f;
    auto run = make_artifact(f.store, "iris");
    auto key = *PrivateKey::generate();
    auto sig = sign_artifact(f.store, run, key, options("iris:v1"));
    REQUIRE(sig);
    CHECK(sig->artifact_type == k_type_signature);

    // The artifact: OCI 1.1, empty config, one DSSE layer, the run as subject.
    auto m = *f.store.read_manifest(sig->digest);
    CHECK(m.artifact_type == k_type_signature);
    CHECK(m.config.media_type == store::k_oci_empty);
    CHECK(m.config.size == 2);
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].media_type == k_media_dsse);
    REQUIRE(m.subject);
    CHECK(m.subject->digest == run.descriptor.digest);
    CHECK(m.subject->size == run.descriptor.size);
    CHECK(m.subject->annotations.empty());

    // The envelope and the statement it signs.
    auto envelope = *parse_envelope(envelope_of(f.store, *sig), "test");
    CHECK(envelope.payload_type == "application/vnd.in-toto+json");
    REQUIRE(envelope.signatures.size() == 1);
    CHECK(envelope.signatures[0].keyid == key.public_key().id());
    auto st = nlohmann::json::parse(envelope.payload);
    CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
    CHECK(st["predicateType"] == "https://mlci.dev/signature/v1");
    CHECK(st["subject"][0]["name"] == "iris:v1");
    CHECK(st["subject"][0]["digest"]["sha256"] == std::string(run.descriptor.digest.hex()));
    CHECK(st["predicate"]["keyid"] == key.public_key().id());
    CHECK(st["predicate"]["signer"] == "tester@host");
    CHECK(st["predicate"]["created"] == "2026-11-27T03:00:00Z");
    CHECK(key.public_key().verify(pae(envelope.payload_type, envelope.payload),
                                  envelope.signatures[0].sig));

    auto check = check_signatures(f.store, run.descriptor, key.public_key());
    REQUIRE(check);
    CHECK(check->valid);
    CHECK(check->reason.empty());
    REQUIRE(check->accepted);
    CHECK(check->accepted->signature.digest == sig->digest);
    CHECK(check->accepted->signer == "tester@host");
    CHECK(check->signatures.size() == 1);

    // push finds it as a referrer of the run.
    auto referrers = *registry::local_referrers(f.store, run.descriptor.digest);
    REQUIRE(referrers.size() == 1);
    CHECK(referrers[0].digest == sig->digest);
    CHECK(referrers[0].artifact_type == k_type_signature);
}

TEST_CASE("sign/verify: unsigned artifacts and other keys fail", "[sign][verify]") {
    StoreFixture f;
    auto run = make_artifact(f.store, "iris");
    auto key = *PrivateKey::generate();
    auto other = *PrivateKey::generate();

    auto none = *check_signatures(f.store, run.descriptor, key.public_key());
    CHECK_FALSE(none.valid);
    CHECK(none.signatures.empty());
    CHECK_THAT(none.reason, Catch::Contains("has no signatures"));

    REQUIRE(sign_artifact(f.store, run, other, options("iris:v1")));
    auto wrong = *check_signatures(f.store, run.descriptor, key.public_key());
    CHECK_FALSE(wrong.valid);
    REQUIRE(wrong.signatures.size() == 1);
    CHECK_THAT(wrong.reason, Catch::Contains("signed by another key") &&
                                 Catch::Contains(other.public_key().id()));

    // A second signature, by the right key, makes it valid.
    REQUIRE(sign_artifact(f.store, run, key, options("iris:v1")));
    auto both = *check_signatures(f.store, run.descriptor, key.public_key());
    CHECK(both.valid);
    CHECK(both.signatures.size() == 2);
    CHECK(check_signatures(f.store, run.descriptor, other.public_key())->valid);
}

TEST_CASE("sign/verify: a tampered payload or signature fails", "[sign][verify]") {
    StoreFixture f;
    auto run = make_artifact(f.store, "iris");
    auto other_run = make_artifact(f.store, "wine");
    auto key = *PrivateKey::generate();
    auto sig = *sign_artifact(f.store, run, key, options("iris:v1"));
    auto envelope = *parse_envelope(envelope_of(f.store, sig), "test");

    SECTION("payload") {
        // Point the statement at another artifact without re-signing.
        auto st = nlohmann::json::parse(envelope.payload);
        st["subject"][0]["digest"]["sha256"] = std::string(other_run.descriptor.digest.hex());
        auto forged = envelope;
        forged.payload = st.dump();
        auto why =
            check_envelope(to_json(forged).dump(), other_run.descriptor.digest, key.public_key());
        REQUIRE(why);
        CHECK_THAT(*why, Catch::Contains("does not verify"));
        put_signature(f.store, other_run, to_json(forged).dump());
        auto check = *check_signatures(f.store, other_run.descriptor, key.public_key());
        CHECK_FALSE(check.valid);
        CHECK_THAT(check.reason, Catch::Contains("altered"));
    }
    SECTION("signature") {
        auto forged = envelope;
        forged.signatures[0].sig[0] ^= 0x40;
        CHECK(check_envelope(to_json(forged).dump(), run.descriptor.digest, key.public_key()));
    }
    SECTION("payload type") {
        // The type is signed too (PAE): changing it breaks the signature.
        auto forged = envelope;
        forged.payload_type = "application/json";
        CHECK(check_envelope(to_json(forged).dump(), run.descriptor.digest, key.public_key()));
    }
    SECTION("not an envelope") {
        auto why = check_envelope("{}", run.descriptor.digest, key.public_key());
        REQUIRE(why);
        CHECK_THAT(*why, Catch::Contains("malformed"));
    }
}

TEST_CASE("sign/verify: a signature copied onto another artifact fails", "[sign][verify]") {
    StoreFixture f;
    auto run = make_artifact(f.store, "iris");
    auto other_run = make_artifact(f.store, "wine");
    auto key = *PrivateKey::generate();
    auto sig = *sign_artifact(f.store, run, key, options("iris:v1"));
    // The same (valid) envelope, in a manifest whose subject is another artifact.
    put_signature(f.store, other_run, envelope_of(f.store, sig));

    auto check = *check_signatures(f.store, other_run.descriptor, key.public_key());
    CHECK_FALSE(check.valid);
    REQUIRE(check.signatures.size() == 1);
    CHECK_THAT(check.reason, Catch::Contains("a signature of another artifact") &&
                                 Catch::Contains(run.descriptor.digest.str()));
    // The original is still fine.
    CHECK(check_signatures(f.store, run.descriptor, key.public_key())->valid);
}

TEST_CASE("sign/verify: a signature with a predicate of another kind fails", "[sign][verify]") {
    StoreFixture f;
    auto run = make_artifact(f.store, "iris");
    auto key = *PrivateKey::generate();
    auto st = make_statement(run.descriptor, key.public_key().id(), options("iris:v1"));
    st["predicateType"] = "https://slsa.dev/provenance/v1";
    put_signature(f.store, run, to_json(*sign_statement(st, key)).dump());
    auto check = *check_signatures(f.store, run.descriptor, key.public_key());
    CHECK_FALSE(check.valid);
    CHECK_THAT(check.reason, Catch::Contains("predicateType"));
}
