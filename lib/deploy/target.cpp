#include <cctype>
#include <mlci/deploy/target.hpp>
#include <mlci/process/process.hpp>

namespace mlci::deploy {

std::vector<std::string> release_environment(const Release& r) {
    auto env = process::current_environment();
    process::set_env(env, "MLCI_ENV", r.environment);
    process::set_env(env, "MLCI_DIGEST", r.descriptor.digest.str());
    process::set_env(env, "MLCI_PACKAGE", r.reference);
    process::set_env(env, "MLCI_IMAGE", r.image);
    for (auto& [key, value] : r.manifest.annotations) {
        std::string name = "MLCI_ANNOTATION_";
        for (char c : key)
            name += std::isalnum(static_cast<unsigned char>(c))
                        ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                        : '_';
        process::set_env(env, name, value);
    }
    return env;
}

Result<std::unique_ptr<Target>> open_target(const TargetSettings& s) {
    auto& spec = s.spec;
    if (spec.starts_with("dir:") && spec.size() > 4)
        return open_dir_target(fs::absolute(spec.substr(4)).lexically_normal(), s);
    if (spec.starts_with("exec:") && spec.size() > 5)
        return open_exec_target(spec.substr(5), s);
    if (spec.starts_with("gitops:") && spec.size() > 7)
        return open_gitops_target(spec.substr(7), s);
    if (spec.starts_with("podman:") && spec.size() > 7)
        return open_podman_target(spec.substr(7), s);
    if (spec.empty())
        return usage_error("no deploy target: pass --target dir:PATH|gitops:REPO_URL#FILE|"
                           "podman:NAME[:HOST_PORT]|exec:COMMAND or set "
                           "environments.ENV.target in mlci.yaml");
    return usage_error("bad deploy target '{}': expected dir:PATH, gitops:REPO_URL#FILE, "
                       "podman:NAME[:HOST_PORT] or exec:COMMAND",
                       spec);
}

} // namespace mlci::deploy
