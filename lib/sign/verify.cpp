#include <algorithm>
#include <mlci/core/json.hpp>
#include <mlci/core/text.hpp>
#include <mlci/sign/verify.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::sign {

namespace {

// The statement's subject digests (sha256 hex), or why it is not a statement
// of ours.
std::optional<std::string> check_statement(const nlohmann::json& st,
                                           const hash::Digest& subject_digest,
                                           SignatureVerdict* verdict) {
    if (!st.is_object() || st.value("_type", "") != k_statement_type)
        return fmt::format("the payload is not an in-toto Statement v1");
    if (st.value("predicateType", "") != k_predicate_type)
        return fmt::format("the statement's predicateType is not '{}'", k_predicate_type);
    if (verdict)
        if (auto p = st.find("predicate"); p != st.end() && p->is_object()) {
            verdict->created = p->value("created", "");
            verdict->signer = p->value("signer", "");
        }
    auto subjects = st.find("subject");
    if (subjects == st.end() || !subjects->is_array() || subjects->empty())
        return fmt::format("the statement names no subject");
    std::string named;
    for (auto& s : *subjects) {
        if (!s.is_object())
            continue;
        auto d = s.find("digest");
        if (d == s.end() || !d->is_object())
            continue;
        auto hex = d->value("sha256", "");
        if (hex == subject_digest.hex())
            return std::nullopt;
        if (named.empty())
            named = "sha256:" + hex;
    }
    return fmt::format("it signs '{}', not '{}' (a signature of another artifact)",
                       named.empty() ? "nothing" : named, subject_digest.str());
}

} // namespace

std::optional<std::string> check_envelope(std::string_view envelope_text,
                                          const hash::Digest& subject_digest, const PublicKey& key,
                                          SignatureVerdict* verdict) {
    auto envelope = parse_envelope(envelope_text, "envelope");
    if (!envelope)
        return envelope.error().message;
    if (envelope->signatures.empty())
        return std::string("the envelope has no signatures");
    if (verdict)
        verdict->keyid = envelope->signatures.front().keyid;
    if (envelope->payload_type != k_dsse_in_toto)
        return fmt::format("the envelope's payloadType is '{}', not '{}'", envelope->payload_type,
                           k_dsse_in_toto);
    // The key id is only a hint: try every signature with the key.
    auto message = pae(envelope->payload_type, envelope->payload);
    bool signed_by_key = false;
    for (auto& s : envelope->signatures)
        if (key.verify(message, s.sig)) {
            signed_by_key = true;
            if (verdict)
                verdict->keyid = key.id();
            break;
        }
    if (!signed_by_key) {
        bool named = false;
        for (auto& s : envelope->signatures)
            named = named || s.keyid == key.id();
        return named ? std::string("its signature does not verify with the key (the payload or "
                                   "signature was altered)")
                     : fmt::format("it was signed by another key ({})",
                                   envelope->signatures.front().keyid.empty()
                                       ? std::string("no key id")
                                       : envelope->signatures.front().keyid);
    }
    // Only now is the payload trusted enough to read.
    auto statement = parse_json(envelope->payload, "signed payload");
    if (!statement)
        return std::string("the payload is not JSON");
    return check_statement(*statement, subject_digest, verdict);
}

Result<SignatureCheck> check_signatures(const store::Store& store, const store::Descriptor& subject,
                                        const PublicKey& key) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    SignatureCheck check;
    std::vector<hash::Digest> seen;
    for (auto& e : entries) {
        auto& d = e.descriptor;
        // The index's artifactType spares reading other kinds' manifests.
        if (d.media_type != store::k_oci_manifest ||
            (!d.artifact_type.empty() && d.artifact_type != k_type_signature))
            continue;
        if (std::find(seen.begin(), seen.end(), d.digest) != seen.end())
            continue;
        seen.push_back(d.digest);
        MLCI_TRY_ASSIGN(m, store.read_manifest(d.digest));
        if (m.artifact_type != k_type_signature || !m.subject ||
            m.subject->digest != subject.digest)
            continue;
        SignatureVerdict v;
        v.signature = d;
        v.signature.artifact_type = m.artifact_type;
        auto layer = std::find_if(m.layers.begin(), m.layers.end(),
                                  [](auto& l) { return l.media_type == k_media_dsse; });
        if (layer == m.layers.end()) {
            v.reason = "it has no DSSE envelope layer";
        } else if (auto text = store.read_blob(layer->digest); !text) {
            v.reason = text.error().message;
        } else if (auto why = check_envelope(*text, subject.digest, key, &v)) {
            v.reason = *why;
        } else {
            v.valid = true;
        }
        if (v.valid && !check.valid) {
            check.valid = true;
            check.accepted = v;
        }
        check.signatures.push_back(std::move(v));
    }
    if (check.valid)
        return check;
    if (check.signatures.empty()) {
        check.reason = fmt::format("'{}' has no signatures", subject.digest.str());
    } else {
        check.reason = fmt::format("none of the {} of '{}' verifies with key '{}'",
                                   plural(check.signatures.size(), "signature"),
                                   subject.digest.str(), key.id());
        for (auto& v : check.signatures)
            check.reason += fmt::format("; {}: {}", v.signature.digest.short_hex(), v.reason);
    }
    return check;
}

} // namespace mlci::sign
