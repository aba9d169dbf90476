#include <mlci/core/clock.hpp>
#include <mlci/sign/signature.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::sign {

nlohmann::json make_statement(const store::Descriptor& subject, const std::string& keyid,
                              const SignOptions& options) {
    nlohmann::json predicate{{"keyid", keyid},
                             {"created", options.created.empty() ? now_rfc3339() : options.created},
                             {"tool", "mlci " MLCI_VERSION},
                             {"mediaType", subject.media_type}};
    if (!subject.artifact_type.empty())
        predicate["artifactType"] = subject.artifact_type;
    if (!options.signer.empty())
        predicate["signer"] = options.signer;
    auto name = options.name.empty() ? subject.digest.str() : options.name;
    return {{"_type", k_statement_type},
            {"subject",
             nlohmann::json::array(
                 {{{"name", name}, {"digest", {{"sha256", std::string(subject.digest.hex())}}}}})},
            {"predicateType", k_predicate_type},
            {"predicate", std::move(predicate)}};
}

Result<Envelope> sign_statement(const nlohmann::json& statement, const PrivateKey& key) {
    Envelope e;
    e.payload_type = k_dsse_in_toto;
    e.payload = store::canonical(statement);
    MLCI_TRY_ASSIGN(sig, key.sign(pae(e.payload_type, e.payload)));
    e.signatures.push_back({key.public_key().id(), std::move(sig)});
    return e;
}

Result<store::Descriptor> sign_artifact(store::Store& store, const store::IndexEntry& subject,
                                        const PrivateKey& key, const SignOptions& options) {
    // The subject names the manifest as such, without the index's ref.name:
    // a tag is not part of what was signed.
    auto& s = subject.descriptor;
    store::Descriptor target{s.media_type.empty() ? store::k_oci_manifest : s.media_type,
                             s.digest,
                             s.size,
                             s.artifact_type,
                             {},
                             {}};
    auto statement = make_statement(target, key.public_key().id(), options);
    MLCI_TRY_ASSIGN(envelope, sign_statement(statement, key));

    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = k_type_signature;
    MLCI_TRY_ASSIGN(config, store.put_blob("{}", store::k_oci_empty));
    m.config = config;
    MLCI_TRY_ASSIGN(layer, store.put_blob(store::canonical(to_json(envelope)), k_media_dsse));
    m.layers.push_back(layer);
    m.subject = target;
    store.freshen(s.digest);
    m.annotations = {{store::k_ann_created, statement["predicate"]["created"].get<std::string>()},
                     {store::k_ann_kind, "signature"},
                     {k_ann_keyid, key.public_key().id()}};
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    MLCI_TRY(store.sync());
    MLCI_TRY(store.add_to_index(desc, {}));
    return desc;
}

} // namespace mlci::sign
