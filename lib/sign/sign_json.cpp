#include <mlci/sign/sign_json.hpp>

namespace mlci::sign {

nlohmann::json key_json(const KeyFiles& files, const PublicKey& key, bool encrypted) {
    return {{"private_key", files.private_key.string()},
            {"public_key", files.public_key.string()},
            {"keyid", key.id()},
            {"encrypted", encrypted}};
}

nlohmann::json signed_json(const store::Descriptor& signature, const store::Descriptor& subject,
                           const SignOptions& options, const PublicKey& key) {
    return {{"reference", signature.digest.str()},
            {"digest", signature.digest.str()},
            {"subject", subject.digest.str()},
            {"name", options.name},
            {"keyid", key.id()},
            {"signer", options.signer}};
}

nlohmann::json to_json(const SignatureVerdict& v) {
    nlohmann::json j{{"digest", v.signature.digest.str()},
                     {"valid", v.valid},
                     {"keyid", v.keyid},
                     {"created", v.created},
                     {"signer", v.signer}};
    if (!v.valid)
        j["reason"] = v.reason;
    return j;
}

nlohmann::json to_json(const SignatureCheck& check, const std::string& name,
                       const store::Descriptor& subject, const PublicKey& key) {
    nlohmann::json sigs = nlohmann::json::array();
    for (auto& v : check.signatures)
        sigs.push_back(to_json(v));
    nlohmann::json doc{{"reference", name},
                       {"digest", subject.digest.str()},
                       {"keyid", key.id()},
                       {"valid", check.valid},
                       {"signatures", std::move(sigs)}};
    if (!check.valid)
        doc["reason"] = check.reason;
    return doc;
}

} // namespace mlci::sign
