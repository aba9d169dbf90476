#include <cstdlib>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/json.hpp>
#include <mlci/core/secrets.hpp>
#include <mlci/registry/credentials.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <sys/stat.h>

namespace mlci::registry {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

fs::path home() {
    if (auto h = env("HOME"); !h.empty())
        return h;
    return "/";
}

fs::path docker_config_file() {
    if (auto d = env("DOCKER_CONFIG"); !d.empty())
        return fs::path(d) / "config.json";
    return home() / ".docker" / "config.json";
}

// "https://host/v1/" and "host" both name the host (docker writes either).
std::string host_of_key(std::string_view key) {
    if (auto p = key.find("://"); p != std::string_view::npos)
        key = key.substr(p + 3);
    return std::string(key.substr(0, key.find('/')));
}

// Reads an "auths" file; a missing file is an empty object.
Result<nlohmann::json> read_auths_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return nlohmann::json::object();
    MLCI_TRY_ASSIGN(text, read_file(path));
    return parse_json_object(text, fmt::format("credential file '{}'", path.string()));
}

// The credentials of one "auths" entry: "auth" (base64 user:password) or
// "username" and "password".
std::optional<Credentials> from_entry(const nlohmann::json& e, std::string source) {
    if (!e.is_object())
        return {};
    if (auto a = e.find("auth"); a != e.end() && a->is_string() && !a->get<std::string>().empty()) {
        auto decoded = base64_decode(a->get<std::string>());
        if (!decoded)
            return {};
        auto colon = decoded->find(':');
        if (colon == std::string::npos)
            return {};
        return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1),
                           std::move(source)};
    }
    auto u = e.find("username");
    auto p = e.find("password");
    if (u != e.end() && p != e.end() && u->is_string() && p->is_string())
        return Credentials{u->get<std::string>(), p->get<std::string>(), std::move(source)};
    return {};
}

Result<std::optional<Credentials>> from_file(const fs::path& path, std::string_view host,
                                             const std::string& source) {
    MLCI_TRY_ASSIGN(j, read_auths_file(path));
    auto auths = j.find("auths");
    if (auths == j.end() || !auths->is_object())
        return std::optional<Credentials>();
    for (auto& [key, entry] : auths->items())
        if (host_of_key(key) == host)
            if (auto c = from_entry(entry, source))
                return c;
    return std::optional<Credentials>();
}

} // namespace

fs::path login_file() {
    if (auto f = env("MLCI_AUTH_FILE"); !f.empty())
        return f;
    if (auto x = env("XDG_CONFIG_HOME"); !x.empty())
        return fs::path(x) / "mlci" / "auth.json";
    return home() / ".config" / "mlci" / "auth.json";
}

namespace {

Result<std::optional<Credentials>> lookup(std::string_view host) {
    if (auto u = env("MLCI_REGISTRY_USER"); !u.empty())
        return Credentials{u, env("MLCI_REGISTRY_PASSWORD"), "MLCI_REGISTRY_USER"};
    if (auto ci = env("CI_REGISTRY");
        !ci.empty() && host_of_key(ci) == host && !env("CI_REGISTRY_USER").empty())
        return Credentials{env("CI_REGISTRY_USER"), env("CI_REGISTRY_PASSWORD"),
                           "CI_REGISTRY_USER"};
    MLCI_TRY_ASSIGN(mine, from_file(login_file(), host, "mlci login"));
    if (mine)
        return mine;
    return from_file(docker_config_file(), host, "docker config");
}

} // namespace

Result<std::optional<Credentials>> find_credentials(std::string_view host) {
    MLCI_TRY_ASSIGN(found, lookup(host));
    if (found)
        keep_secrets_out_of_core_dumps();
    return found;
}

Status save_login(std::string_view host, const Credentials& creds) {
    keep_secrets_out_of_core_dumps();
    auto path = login_file();
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", path.parent_path().string(), ec.message());
    ::chmod(path.parent_path().c_str(), 0700);
    MLCI_TRY_ASSIGN(lock, FileLock::acquire(path.string() + ".lock", FileLock::Mode::exclusive));
    MLCI_TRY_ASSIGN(j, read_auths_file(path));
    j["auths"][std::string(host)] = {
        {"auth", base64_encode(creds.username + ":" + creds.password)}};
    return write_file_atomic(path, j.dump(2) + "\n", true, 0600);
}

Result<bool> remove_login(std::string_view host) {
    auto path = login_file();
    std::error_code ec;
    if (!fs::exists(path, ec))
        return false;
    MLCI_TRY_ASSIGN(lock, FileLock::acquire(path.string() + ".lock", FileLock::Mode::exclusive));
    MLCI_TRY_ASSIGN(j, read_auths_file(path));
    auto auths = j.find("auths");
    if (auths == j.end() || !auths->is_object())
        return false;
    size_t removed = 0;
    for (auto it = auths->begin(); it != auths->end();)
        if (host_of_key(it.key()) == host) {
            it = auths->erase(it);
            ++removed;
        } else {
            ++it;
        }
    if (removed == 0)
        return false;
    MLCI_TRY(write_file_atomic(path, j.dump(2) + "\n", true, 0600));
    return true;
}

std::string base64_encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    if (text.size() % 4 != 0)
        return {};
    std::string out(3 * text.size() / 4, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0)
        return {};
    // EVP_DecodeBlock counts padding as zero bytes.
    size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

} // namespace mlci::registry
