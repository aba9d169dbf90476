#include <cctype>
#include <mlci/core/json.hpp>
#include <mlci/sign/dsse.hpp>
#include <openssl/evp.h>

namespace mlci::sign {

std::string pae(std::string_view payload_type, std::string_view payload) {
    return fmt::format("DSSEv1 {} {} {} {}", payload_type.size(), payload_type, payload.size(),
                       payload);
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string in(text);
    for (auto& c : in) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
    }
    size_t padding = 0;
    while (!in.empty() && in.back() == '=' && padding < 2) {
        in.pop_back();
        ++padding;
    }
    if (in.size() % 4 == 1)
        return std::nullopt;
    padding = (4 - in.size() % 4) % 4;
    in.append(padding, '=');
    // EVP_DecodeBlock skips leading and trailing whitespace; DSSE has none.
    for (char c : in)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='))
            return std::nullopt;
    std::string out(in.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    if (n < 0 || static_cast<size_t>(n) < padding)
        return std::nullopt;
    out.resize(static_cast<size_t>(n) - padding);
    return out;
}

nlohmann::json to_json(const Envelope& e) {
    auto sigs = nlohmann::json::array();
    for (auto& s : e.signatures)
        sigs.push_back({{"keyid", s.keyid}, {"sig", base64_encode(s.sig)}});
    return {{"payloadType", e.payload_type},
            {"payload", base64_encode(e.payload)},
            {"signatures", std::move(sigs)}};
}

Result<Envelope> parse_envelope(std::string_view text, std::string_view where) {
    MLCI_TRY_ASSIGN(j, parse_json_object(text, fmt::format("DSSE envelope '{}'", where)));
    auto bad = [&](std::string_view why) {
        return usage_error("malformed DSSE envelope '{}': {}", where, why);
    };
    auto type = j.find("payloadType");
    auto payload = j.find("payload");
    auto sigs = j.find("signatures");
    if (type == j.end() || !type->is_string())
        return bad("no payloadType");
    if (payload == j.end() || !payload->is_string())
        return bad("no payload");
    if (sigs == j.end() || !sigs->is_array())
        return bad("no signatures");
    Envelope e;
    e.payload_type = type->get<std::string>();
    auto decoded = base64_decode(payload->get_ref<const std::string&>());
    if (!decoded)
        return bad("payload is not base64");
    e.payload = std::move(*decoded);
    for (auto& s : *sigs) {
        if (!s.is_object())
            return bad("a signature is not an object");
        auto sig = s.find("sig");
        if (sig == s.end() || !sig->is_string())
            return bad("a signature has no sig");
        auto raw = base64_decode(sig->get_ref<const std::string&>());
        if (!raw)
            return bad("a sig is not base64");
        EnvelopeSignature es;
        es.sig = std::move(*raw);
        if (auto k = s.find("keyid"); k != s.end() && k->is_string())
            es.keyid = k->get<std::string>();
        e.signatures.push_back(std::move(es));
    }
    return e;
}

} // namespace mlci::sign
