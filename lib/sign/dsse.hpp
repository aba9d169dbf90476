// DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1): the
// pre-authentication encoding that is signed, and the JSON envelope.
#pragma once

#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::sign {

inline constexpr const char* k_dsse_in_toto = "application/vnd.in-toto+json";

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, with
// LEN the decimal byte count: the bytes a DSSE signature signs.
std::string pae(std::string_view payload_type, std::string_view payload);

// Standard base64 with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Decodes standard or URL-safe base64, padded or not; nothing on bad input.
std::optional<std::string> base64_decode(std::string_view text);

struct EnvelopeSignature {
    std::string keyid;
    std::string sig; // raw signature bytes
};

struct Envelope {
    std::string payload_type;
    std::string payload; // decoded bytes
    std::vector<EnvelopeSignature> signatures;
};

// {"payloadType", "payload" (base64), "signatures": [{"keyid", "sig" (base64)}]}
nlohmann::json to_json(const Envelope& e);
// Parses an envelope; `where` names it in errors (usage errors when malformed).
Result<Envelope> parse_envelope(std::string_view text, std::string_view where);

} // namespace mlci::sign
