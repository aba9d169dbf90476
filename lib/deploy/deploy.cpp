#include <charconv>
#include <fmt/format.h>
#include <mlci/core/clock.hpp>
#include <mlci/core/duration.hpp>
#include <mlci/core/file_lock.hpp>
#include <mlci/core/text.hpp>
#include <mlci/deploy/deploy.hpp>

namespace mlci::deploy {

namespace {

Result<FileLock> lock_environment(const store::Store& store, const DeployRequest& r) {
    auto path = store.lock_path(history_name(r.environment));
    if (r.wait.count() > 0) {
        auto lock = FileLock::acquire(path, FileLock::Mode::exclusive, r.wait);
        if (!lock)
            return runtime_error("another deploy to '{}' did not finish within {}", r.environment,
                                 format_duration(r.wait));
        return lock;
    }
    MLCI_TRY_ASSIGN(lock, FileLock::try_acquire(path, FileLock::Mode::exclusive));
    if (!lock)
        return runtime_error("another deploy to '{}' is running; pass --wait DURATION to wait "
                             "for it",
                             r.environment);
    return std::move(*lock);
}

Result<Release> make_release(const store::Store& store, const store::Descriptor& d,
                             std::string reference, const DeployRequest& r) {
    Release rel;
    rel.descriptor = d;
    rel.descriptor.annotations.erase("org.opencontainers.image.ref.name");
    MLCI_TRY_ASSIGN(m, store.read_manifest(d.digest));
    rel.manifest = std::move(m);
    rel.reference = std::move(reference);
    rel.environment = r.environment;
    if (!r.target.image.empty())
        rel.image = r.target.image + "@" + d.digest.str();
    return rel;
}

std::string failed_checks(const std::vector<PolicyCheck>& checks) {
    std::string out;
    for (auto& c : checks)
        if (!c.passed)
            out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", c.name, c.detail);
    return out;
}

} // namespace

Result<DeployResult> deploy_package(store::Store& store, const store::IndexEntry& package,
                                    const DeployRequest& request, const Reporter& reporter) {
    MLCI_TRY(validate_environment_name(request.environment));
    auto reference = package.tag.empty() ? package.descriptor.digest.str() : package.tag;
    MLCI_TRY_ASSIGN(release, make_release(store, package.descriptor, reference, request));
    if (!is_package(release.manifest))
        return usage_error("{} is not a package: make one with `mlci package` first", reference);

    MLCI_TRY_ASSIGN(env_lock, lock_environment(store, request));
    MLCI_TRY_ASSIGN(previous, current(store, request.environment));

    Deployment d;
    d.environment = request.environment;
    d.target = request.target.spec;
    d.package = package.descriptor.digest;
    d.package_ref = reference;
    d.rollback = request.rollback;
    d.user = current_user();
    d.host = current_host();
    d.started = now_rfc3339();
    if (previous)
        d.previous = previous->deployment.package;

    MLCI_TRY_ASSIGN(checks,
                    check_policy(store, release.descriptor, release.manifest, request.policy));
    d.policy = checks;
    if (auto failed = failed_checks(checks); !failed.empty()) {
        if (!request.force)
            return std::unexpected(Error{
                Exit::gate, fmt::format("refused to deploy {} to {}: {} (--force overrides, and is "
                                        "recorded)",
                                        reference, request.environment, failed)});
        d.forced = true;
        reporter.say(fmt::format("warning: deploying despite failed checks (--force): {}", failed));
    }

    std::optional<Release> previous_release;
    if (previous && store.has_blob(previous->deployment.package)) {
        auto p = store::Descriptor{{}, previous->deployment.package, 0, {}, {}, {}};
        MLCI_TRY_ASSIGN(m, store.read_manifest(p.digest));
        p.media_type = m.media_type;
        MLCI_TRY_ASSIGN(rel, make_release(store, p, previous->deployment.package_ref, request));
        previous_release = std::move(rel);
    }

    DeployResult result;
    result.previous = previous;
    auto finish = [&](Outcome outcome, std::optional<Error> failure) -> Result<DeployResult> {
        d.outcome = outcome;
        d.finished = now_rfc3339();
        if (failure)
            d.detail = failure->message;
        MLCI_TRY_ASSIGN(entry, record_deployment(store, d, release.descriptor));
        result.entry = std::move(entry);
        result.failure = std::move(failure);
        return result;
    };

    auto settings = request.target;
    if (!settings.store)
        settings.store = &store;
    settings.health = request.health;
    if (settings.work_dir.empty())
        settings.work_dir = store.root() / "mlci" / "gitops";
    if (!settings.on_note)
        settings.on_note = [&reporter](const std::string& line) { reporter.say(line); };
    auto target = open_target(settings);
    if (!target)
        return std::unexpected(target.error());
    reporter.say(fmt::format("deploying {} to {} ({})", reference, request.environment,
                             request.target.spec));
    auto applied = (*target)->apply(release);
    if (!applied)
        return finish(Outcome::failed, applied.error());
    d.target_info = *applied;

    auto health = request.health;
    health.cwd = (*target)->health_cwd();
    health.env = release_environment(release);
    (*target)->health_env(release, health.env);
    MLCI_TRY_ASSIGN(checked, run_health_check(health, reporter.note));
    d.target_info["health"] = {
        {"check", health.check}, {"attempts", checked.attempts}, {"passed", checked.passed}};
    if (!checked.passed) {
        auto reverted = (*target)->revert(release, previous_release);
        auto why =
            fmt::format("health check failed after {}: {}; {}", plural(checked.attempts, "attempt"),
                        checked.detail,
                        !reverted          ? "and rolling back failed: " + reverted.error().message
                        : previous_release ? "rolled back to " + previous_release->reference
                                           : "nothing ran before, so the release was taken out");
        return finish(Outcome::rolled_back, Error{Exit::gate, why});
    }
    if (auto done = (*target)->finish(release); !done)
        reporter.say("warning: " + done.error().message);
    return finish(Outcome::deployed, std::nullopt);
}

Result<hash::Digest> rollback_package(const store::Store& store, std::string_view env,
                                      std::string_view to) {
    MLCI_TRY_ASSIGN(all, history(store, env));
    if (all.empty())
        return usage_error("nothing was ever deployed to '{}'", env);
    if (!to.empty()) {
        auto digits = to.starts_with('v') ? to.substr(1) : to;
        unsigned n = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec != std::errc() || p != digits.data() + digits.size())
            return usage_error("--to {}: expected a deployment number of '{}' (see `mlci deploy "
                               "history {}`) or a package reference",
                               to, env, env);
        for (auto& e : all)
            if (e.version == n)
                return e.deployment.package;
        return usage_error("'{}' has no deployment {} (it has 1 to {})", env, n,
                           all.back().version);
    }
    // The package that ran before the current one.
    std::optional<hash::Digest> now;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (it->deployment.outcome != Outcome::deployed)
            continue;
        if (!now)
            now = it->deployment.package;
        else if (it->deployment.package != *now)
            return it->deployment.package;
    }
    return usage_error("'{}' has no earlier release to roll back to", env);
}

bool names_deployment(std::string_view to) {
    return to.find_first_not_of("v0123456789") == std::string_view::npos;
}

Status prepare_rollback(const store::Store& store, DeployRequest& request,
                        const hash::Digest& package) {
    request.rollback = true;
    MLCI_TRY_ASSIGN(all, history(store, request.environment));
    for (auto& e : all)
        if (e.deployment.package == package && e.deployment.outcome == Outcome::deployed) {
            request.policy.require_validation = false;
            request.policy.public_key.reset();
        }
    return {};
}

} // namespace mlci::deploy
