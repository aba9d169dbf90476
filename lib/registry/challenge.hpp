// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"
//   Basic realm="Registry Realm"
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::registry {

struct Challenge {
    std::string scheme;                        // lowercased: "bearer", "basic"
    std::map<std::string, std::string> params; // names lowercased, values unquoted
    std::string param(const std::string& name) const {
        auto it = params.find(name);
        return it == params.end() ? std::string() : it->second;
    }
};

// The challenges of one header value, in order; malformed parts are skipped.
std::vector<Challenge> parse_challenges(std::string_view header);

} // namespace mlci::registry
