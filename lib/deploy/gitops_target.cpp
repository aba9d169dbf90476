// A `gitops` target: the package's image, pinned by digest, committed to a
// repository of deployment manifests that Argo CD or Flux rolls out.
// Reverting pins the previous release's digest in a new commit.
#include <fmt/format.h>
#include <mlci/deploy/gitops.hpp>
#include <mlci/deploy/target.hpp>
#include <regex>

namespace mlci::deploy {

namespace {

std::string annotation(const Release& r, const char* key) {
    auto it = r.manifest.annotations.find(key);
    return it == r.manifest.annotations.end() ? std::string() : it->second;
}

// "https://user:secret@host/x" -> "https://host/x": records never hold secrets.
std::string without_credentials(const std::string& url) {
    static const std::regex userinfo(R"(^([a-z][a-z0-9+.-]*://)[^/@]*@)");
    return std::regex_replace(url, userinfo, "$1");
}

class GitopsTargetImpl final : public Target {
public:
    GitopsTargetImpl(GitopsTarget target, TargetSettings s)
        : m_target(std::move(target)), m_settings(std::move(s)) {}

    Result<nlohmann::json> apply(const Release& r) override {
        auto message =
            m_settings.message.empty() ? commit_message(r, "deploy") : m_settings.message;
        MLCI_TRY_ASSIGN(result, push(r, message));
        return nlohmann::json{{"repository", without_credentials(m_target.url)},
                              {"branch", m_target.branch},
                              {"files", m_target.files},
                              {"image", r.image},
                              {"changed", result.changed},
                              {"commit", result.commit},
                              {"attempts", result.attempts},
                              {"previous_image", result.previous_image}};
    }

    Status revert(const Release& failed, const std::optional<Release>& previous) override {
        if (!previous)
            return runtime_error("nothing was deployed to {} before {}: the manifests still pin "
                                 "it; revert the commit by hand",
                                 failed.environment, failed.reference);
        auto message = commit_message(*previous, "roll back") +
                       fmt::format("\nRolled back from {} ({}): its health check failed.",
                                   failed.reference, failed.descriptor.digest.short_hex());
        MLCI_TRY(push(*previous, message));
        return {};
    }

private:
    Result<GitopsResult> push(const Release& r, const std::string& message) {
        GitopsOptions options;
        options.work_dir = m_settings.work_dir;
        options.message = message;
        return gitops_deploy(m_target, {m_settings.image, r.descriptor.digest.str()}, options);
    }

    // Names the model, run and validation, as a reviewer of the manifests
    // repository wants to read them.
    static std::string commit_message(const Release& r, std::string_view verb) {
        auto text =
            fmt::format("mlci: {} {} to {}\n\nImage: {}\nPackage: {} ({})\n", verb, r.reference,
                        r.environment, r.image, r.reference, r.descriptor.digest.str());
        if (auto run = annotation(r, "dev.mlci.run"); !run.empty())
            text += fmt::format("Run: {}\n", run);
        if (auto v = annotation(r, "dev.mlci.validation"); !v.empty())
            text += fmt::format("Validation: {} ({})\n", v, annotation(r, "dev.mlci.verdict"));
        if (auto rev = annotation(r, "org.opencontainers.image.revision"); !rev.empty())
            text += fmt::format("Source revision: {}\n", rev);
        return text;
    }

    GitopsTarget m_target;
    TargetSettings m_settings;
};

} // namespace

Result<std::unique_ptr<Target>> open_gitops_target(const std::string& spec,
                                                   const TargetSettings& s) {
    MLCI_TRY_ASSIGN(target, parse_gitops_target(spec));
    if (s.image.empty())
        return usage_error("a gitops target pins REPOSITORY@DIGEST in the manifests: name the "
                           "repository the package was pushed to with --image or "
                           "environments.ENV.image");
    if (!s.branch.empty())
        target.branch = s.branch;
    if (!s.values_key.empty())
        target.values_key = s.values_key;
    return std::unique_ptr<Target>(std::make_unique<GitopsTargetImpl>(std::move(target), s));
}

} // namespace mlci::deploy
