#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <mlci/core/json.hpp>
#include <mlci/deploy/record.hpp>
#include <mlci/store/media_types.hpp>
#include <pwd.h>
#include <tuple>
#include <unistd.h>
#include <utility>

namespace mlci::deploy {

namespace {

// The N of "deploy-ENV:vN", or 0 when `tag` is not one of them.
unsigned version_in(std::string_view tag, std::string_view name) {
    if (!tag.starts_with(name) || tag.size() < name.size() + 3 || tag[name.size()] != ':' ||
        tag[name.size() + 1] != 'v')
        return 0;
    auto digits = tag.substr(name.size() + 2);
    unsigned n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return ec == std::errc() && p == digits.data() + digits.size() ? n : 0;
}

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : std::move(fallback);
}

} // namespace

std::string_view to_string(Outcome o) {
    switch (o) {
    case Outcome::deployed:
        return "deployed";
    case Outcome::rolled_back:
        return "rolled-back";
    case Outcome::failed:
        return "failed";
    }
    return "failed";
}

Result<Outcome> parse_outcome(std::string_view text) {
    for (auto o : {Outcome::deployed, Outcome::rolled_back, Outcome::failed})
        if (to_string(o) == text)
            return o;
    return usage_error("unknown deployment outcome '{}'", text);
}

nlohmann::json Deployment::to_json() const {
    nlohmann::json checks = nlohmann::json::array();
    for (auto& c : policy)
        checks.push_back({{"check", c.name}, {"passed", c.passed}, {"detail", c.detail}});
    return {{"environment", environment},
            {"target", target},
            {"package", {{"digest", package.str()}, {"reference", package_ref}}},
            {"previous", previous ? nlohmann::json(previous->str()) : nlohmann::json(nullptr)},
            {"outcome", std::string(to_string(outcome))},
            {"rollback", rollback},
            {"forced", forced},
            {"policy", checks},
            {"user", user},
            {"host", host},
            {"started", started},
            {"finished", finished},
            {"detail", detail},
            {"target_info", target_info.is_null() ? nlohmann::json::object() : target_info}};
}

Result<Deployment> Deployment::from_json(const nlohmann::json& j) {
    try {
        Deployment d;
        d.environment = j.at("environment").get<std::string>();
        d.target = j.at("target").get<std::string>();
        MLCI_TRY_ASSIGN(package,
                        hash::Digest::parse(j.at("package").at("digest").get<std::string>()));
        d.package = package;
        d.package_ref = j.at("package").value("reference", "");
        if (auto& p = j.at("previous"); p.is_string()) {
            MLCI_TRY_ASSIGN(previous, hash::Digest::parse(p.get<std::string>()));
            d.previous = previous;
        }
        MLCI_TRY_ASSIGN(outcome, parse_outcome(j.at("outcome").get<std::string>()));
        d.outcome = outcome;
        d.rollback = j.value("rollback", false);
        d.forced = j.value("forced", false);
        for (auto& c : j.value("policy", nlohmann::json::array()))
            d.policy.push_back(
                {c.value("check", ""), c.value("passed", false), c.value("detail", "")});
        d.user = j.value("user", "");
        d.host = j.value("host", "");
        d.started = j.value("started", "");
        d.finished = j.value("finished", "");
        d.detail = j.value("detail", "");
        d.target_info = j.value("target_info", nlohmann::json::object());
        return d;
    } catch (const nlohmann::json::exception& e) {
        return usage_error("malformed deployment record: {}", e.what());
    }
}

Status validate_environment_name(std::string_view env) {
    auto ok = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    };
    if (env.empty() || env.size() > 64 || !std::all_of(env.begin(), env.end(), ok) ||
        !std::isalnum(static_cast<unsigned char>(env.front())))
        return usage_error("bad environment name '{}': use lowercase letters, digits, '.', '_' "
                           "and '-', starting with a letter or digit",
                           env);
    return {};
}

std::string history_name(std::string_view env) {
    return "deploy-" + std::string(env);
}

Result<DeploymentEntry> record_deployment(store::Store& store, const Deployment& d,
                                          const store::Descriptor& package) {
    MLCI_TRY(validate_environment_name(d.environment));
    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = store::k_type_deployment;
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(d.to_json()), k_media_deployment));
    m.config = config;
    // The subject names the package as a manifest, without its tag: the
    // deployment attaches to the image wherever the image is pushed.
    m.subject =
        store::Descriptor{package.media_type.empty() ? store::k_oci_manifest : package.media_type,
                          package.digest,
                          package.size,
                          package.artifact_type,
                          {},
                          {}};
    store.freshen(package.digest);
    m.annotations = {{store::k_ann_created, d.finished},
                     {store::k_ann_kind, "deployment"},
                     {store::k_ann_name, history_name(d.environment)},
                     {k_ann_environment, d.environment},
                     {k_ann_outcome, std::string(to_string(d.outcome))},
                     {std::string(store::k_ann_lineage_prefix) + "package", package.digest.str()}};
    if (d.previous)
        m.annotations[std::string(store::k_ann_lineage_prefix) + "previous"] = d.previous->str();
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    MLCI_TRY(store.sync());
    MLCI_TRY_ASSIGN(tag, store.tag_next_version(desc, history_name(d.environment)));
    return DeploymentEntry{version_in(tag, history_name(d.environment)), tag, desc.digest, d};
}

namespace {

// The deployments among the store's tags for which `version_of` gives a
// version (0: not one of them).
Result<std::vector<DeploymentEntry>>
read_deployments(const store::Store& store,
                 const std::function<unsigned(std::string_view)>& version_of) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::vector<DeploymentEntry> out;
    for (auto& e : entries) {
        auto version = version_of(e.tag);
        if (version == 0)
            continue;
        MLCI_TRY_ASSIGN(manifest, store.read_manifest(e.descriptor.digest));
        if (manifest.artifact_type != store::k_type_deployment)
            continue;
        MLCI_TRY_ASSIGN(text, store.read_blob(manifest.config.digest));
        auto json = parse_json(text, fmt::format("deployment record '{}'", e.tag));
        if (!json) // a record mlci wrote itself: the store is damaged, not the input
            return runtime_error("{}", json.error().message);
        MLCI_TRY_ASSIGN(d, Deployment::from_json(*json));
        out.push_back({version, e.tag, e.descriptor.digest, std::move(d)});
    }
    return out;
}

} // namespace

Result<std::vector<DeploymentEntry>> history(const store::Store& store, std::string_view env) {
    MLCI_TRY(validate_environment_name(env));
    auto name = history_name(env);
    MLCI_TRY_ASSIGN(
        out, read_deployments(store, [&](std::string_view tag) { return version_in(tag, name); }));
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return out;
}

Result<std::vector<DeploymentEntry>> all_deployments(const store::Store& store) {
    MLCI_TRY_ASSIGN(out, read_deployments(store, [](std::string_view tag) -> unsigned {
                        auto colon = tag.find(':');
                        if (colon == std::string_view::npos || !tag.starts_with("deploy-"))
                            return 0;
                        return version_in(tag, tag.substr(0, colon));
                    }));
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
        return std::tie(a.deployment.finished, a.deployment.environment, a.version) <
               std::tie(b.deployment.finished, b.deployment.environment, b.version);
    });
    return out;
}

Result<std::optional<DeploymentEntry>> current(const store::Store& store, std::string_view env) {
    MLCI_TRY_ASSIGN(all, history(store, env));
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (it->deployment.outcome == Outcome::deployed)
            return std::optional<DeploymentEntry>(std::move(*it));
    return std::optional<DeploymentEntry>();
}

std::string current_user() {
    for (auto name : {"GITLAB_USER_LOGIN", "GITHUB_ACTOR", "BUILD_USER_ID", "USER"})
        if (const char* v = std::getenv(name); v && *v)
            return v;
    if (auto* pw = getpwuid(getuid()))
        return pw->pw_name;
    return std::to_string(getuid());
}

std::string current_host() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) == 0)
        return buf;
    return env_or("HOSTNAME", "unknown");
}

} // namespace mlci::deploy
