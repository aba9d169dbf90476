#include <mlci/core/json.hpp>

namespace mlci {

namespace {

// nlohmann's message without its tag: "[json.exception.parse_error.101] parse
// error at line 1, column 5: syntax error ..." -> "line 1, column 5: syntax
// error ...".
std::string_view json_reason(std::string_view what) {
    if (what.starts_with('[')) {
        auto close = what.find("] ");
        if (close != std::string_view::npos)
            what.remove_prefix(close + 2);
    }
    if (what.starts_with("parse error at "))
        what.remove_prefix(15);
    return what;
}

} // namespace

Result<nlohmann::json> parse_json(std::string_view text, std::string_view what) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for a number beyond a double ("1e400").
        return usage_error("malformed {}: not JSON ({})", what, json_reason(e.what()));
    }
}

Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what) {
    MLCI_TRY_ASSIGN(j, parse_json(text, what));
    if (!j.is_object())
        return usage_error("malformed {}: not a JSON object", what);
    return j;
}

} // namespace mlci
