// JSON text from outside the process (a file, a blob, an HTTP answer, a
// command's output), parsed in one place: a failure is an Error that names
// what was parsed and where its text stops being JSON, never an exception.
#pragma once

#include <mlci/core/error.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mlci {

// `text` as JSON, or a usage error "malformed WHAT: not JSON (line 1, column
// 5: syntax error while parsing value - invalid literal; last read: 'N')".
// `what` names the text as a person finds it: "index.json", "run record
// 'sha256:...' of run 'iris:v1'".
Result<nlohmann::json> parse_json(std::string_view text, std::string_view what);

// The same, for text that must hold one JSON object; any other JSON value is
// a usage error "malformed WHAT: not a JSON object".
Result<nlohmann::json> parse_json_object(std::string_view text, std::string_view what);

} // namespace mlci
