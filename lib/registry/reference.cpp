#include <algorithm>
#include <mlci/registry/reference.hpp>
#include <mlci/store/store.hpp>

namespace mlci::registry {

namespace {

constexpr std::string_view k_layout_prefix = "oci:";

bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
    return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// One path component of a repository name, as the distribution spec has it:
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool valid_component(std::string_view c) {
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back()))
        return false;
    for (size_t i = 0; i < c.size(); ++i) {
        if (lower_alnum(c[i]))
            continue;
        if (c[i] == '.' || c[i] == '_') {
            // "__" is one separator; "._" or "..", never
            bool double_underscore = c[i] == '_' && i + 1 < c.size() && c[i + 1] == '_';
            if (double_underscore)
                ++i;
            if (!lower_alnum(c[i + 1]))
                return false;
        } else if (c[i] == '-') {
            while (c[i + 1] == '-')
                ++i;
        } else {
            return false;
        }
    }
    return true;
}

bool valid_repository(std::string_view repo) {
    if (repo.empty() || repo.size() > 255)
        return false;
    size_t start = 0;
    for (;;) {
        auto slash = repo.find('/', start);
        if (!valid_component(repo.substr(start, slash - start)))
            return false;
        if (slash == std::string_view::npos)
            return true;
        start = slash + 1;
    }
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool valid_registry_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 128 || !(alnum(tag[0]) || tag[0] == '_'))
        return false;
    return std::all_of(tag.begin(), tag.end(),
                       [](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

// A DNS name or IPv4 address with an optional port, or [IPv6]:port.
bool valid_host(std::string_view host) {
    if (host.empty())
        return false;
    std::string_view name = host, port;
    if (host.front() == '[') {
        auto close = host.find(']');
        if (close == std::string_view::npos)
            return false;
        name = host.substr(1, close - 1);
        auto rest = host.substr(close + 1);
        if (!rest.empty() && (rest[0] != ':' || rest.size() < 2))
            return false;
        port = rest.empty() ? rest : rest.substr(1);
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
            }))
            return false;
    } else {
        if (auto colon = host.find(':'); colon != std::string_view::npos) {
            name = host.substr(0, colon);
            port = host.substr(colon + 1);
            if (port.empty())
                return false;
        }
        if (name.empty() || name.front() == '-' || name.front() == '.' || name.back() == '.' ||
            !std::all_of(name.begin(), name.end(),
                         [](char c) { return alnum(c) || c == '-' || c == '.'; }))
            return false;
    }
    return port.size() <= 5 &&
           std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits "...@sha256:HEX" off the end of `text`.
Result<std::optional<hash::Digest>> split_digest(std::string_view& text, std::string_view whole) {
    auto at = text.rfind('@');
    if (at == std::string_view::npos)
        return std::optional<hash::Digest>();
    auto d = hash::Digest::parse(text.substr(at + 1));
    if (!d)
        return usage_error("invalid reference '{}': '{}' is not a sha256 digest", whole,
                           text.substr(at + 1));
    text = text.substr(0, at);
    return std::optional<hash::Digest>(*d);
}

std::unexpected<Error> invalid(std::string_view text, std::string_view why) {
    return usage_error("invalid remote reference '{}': {} (expected HOST[:PORT]/REPO[:TAG] or "
                       "oci:PATH[:TAG])",
                       text, why);
}

Result<RemoteRef> parse_layout(std::string_view text) {
    RemoteRef ref;
    ref.kind = RemoteRef::Kind::layout;
    auto rest = text.substr(k_layout_prefix.size());
    MLCI_TRY_ASSIGN(digest, split_digest(rest, text));
    ref.digest = digest;
    auto colon = rest.find(':');
    ref.path = std::string(rest.substr(0, colon));
    if (ref.path.empty())
        return invalid(text, "no directory after 'oci:'");
    if (colon != std::string_view::npos) {
        ref.tag = rest.substr(colon + 1);
        if (auto ok = store::validate_tag(ref.tag); !ok)
            return invalid(text, ok.error().message);
    }
    return ref;
}

Result<RemoteRef> parse_registry(std::string_view text) {
    RemoteRef ref;
    auto rest = text;
    MLCI_TRY_ASSIGN(digest, split_digest(rest, text));
    ref.digest = digest;
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
        return invalid(text, "no registry host");
    ref.host = rest.substr(0, slash);
    if (!valid_host(ref.host))
        return invalid(text, fmt::format("'{}' is not a host name", ref.host));
    auto path = rest.substr(slash + 1);
    if (auto colon = path.rfind(':'); colon != std::string_view::npos) {
        ref.tag = path.substr(colon + 1);
        path = path.substr(0, colon);
        if (!valid_registry_tag(ref.tag))
            return invalid(text, fmt::format("'{}' is not a valid tag", ref.tag));
    }
    ref.repository = path;
    if (!valid_repository(ref.repository))
        return invalid(text, fmt::format("'{}' is not a valid repository name (lowercase "
                                         "letters, digits, '.', '_', '-', '/')",
                                         ref.repository));
    return ref;
}

} // namespace

std::string RemoteRef::location() const {
    if (kind == Kind::layout)
        return fmt::format("oci:{}", path.string());
    return fmt::format("{}/{}", host, repository);
}

std::string RemoteRef::pinned(const hash::Digest& d) const {
    auto out = location();
    if (!tag.empty())
        out += ":" + tag;
    return out + "@" + d.str();
}

std::string RemoteRef::str() const {
    auto out = location();
    if (!tag.empty())
        out += ":" + tag;
    if (digest)
        out += "@" + digest->str();
    return out;
}

bool looks_remote(std::string_view text) {
    if (text.starts_with(k_layout_prefix))
        return true;
    auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return false;
    auto host = text.substr(0, slash);
    return host == "localhost" || host.find('.') != std::string_view::npos ||
           host.find(':') != std::string_view::npos || host.starts_with('[');
}

Result<RemoteRef> parse_remote(std::string_view text) {
    if (text.starts_with(k_layout_prefix))
        return parse_layout(text);
    if (!looks_remote(text))
        return invalid(text, "no registry host before the first '/' (a host has a '.' or a "
                             "':' or is 'localhost')");
    return parse_registry(text);
}

Result<std::string> default_local_tag(const RemoteRef& ref) {
    if (ref.tag.empty() && ref.digest)
        return std::string();
    std::string tag = ref.tag.empty() ? "latest" : ref.tag;
    std::string name;
    if (ref.kind == RemoteRef::Kind::layout) {
        if (tag.find(':') != std::string::npos)
            name = tag;
        else
            name = ref.path.filename().string() + ":" + tag;
    } else {
        auto slash = ref.repository.rfind('/');
        name = ref.repository.substr(slash == std::string::npos ? 0 : slash + 1) + ":" + tag;
    }
    if (auto ok = store::validate_tag(name); !ok)
        return usage_error("cannot name the pulled artifact '{}' (give a local name with --tag "
                           "NAME:TAG)",
                           name);
    return name;
}

bool is_loopback_host(std::string_view host) {
    std::string_view name = host;
    if (host.starts_with('[')) {
        name = host.substr(1, host.find(']') - 1);
        return name == "::1";
    }
    name = name.substr(0, name.find(':'));
    return name == "localhost" || name.starts_with("127.");
}

} // namespace mlci::registry
