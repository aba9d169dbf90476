// mlci deploy: ship a package to an environment when it passed its gates,
// roll it back by itself when its health check fails; status, history and
// rollback of an environment.
#include "context.hpp"
#include "dispatch.hpp"
#include "environment_flags.hpp"

#include <filesystem>
#include <mlci/config/environment_config.hpp>
#include <mlci/config/project_config.hpp>
#include <mlci/deploy/deploy.hpp>
#include <mlci/deploy/document.hpp>
#include <mlci/deploy/settings.hpp>

namespace mlci::cli {

namespace {

struct DeployFlags {
    std::string ref;
    deploy::EnvironmentFlags env;
};

// mlci.yaml's environment with the flags given applied over it.
deploy::DeployRequest make_request(Context& ctx, const deploy::EnvironmentFlags& f) {
    auto project = value_or_throw(config::find_project_config(std::filesystem::current_path()));
    auto r = value_or_throw(deploy::resolve(f, project.environments, project.file));
    r.target.on_output = [&ctx](std::string_view chunk) { ctx.out.detail(std::string(chunk)); };
    return r;
}

void report(Context& ctx, const deploy::DeployResult& r) {
    auto& d = r.entry.deployment;
    if (r.failure) {
        ctx.out.warn(r.failure->message);
        ctx.out.note(fmt::format("deployment {}: {} {} to {}", r.entry.reference,
                                 ctx.out.paint(std::string(deploy::to_string(d.outcome)), "red"),
                                 d.package_ref, d.environment));
        ctx.exit = r.failure->code == Exit::ok ? Exit::gate : r.failure->code;
    } else {
        ctx.out.note(fmt::format("deployment {}: {} {} to {}", r.entry.reference,
                                 ctx.out.paint("deployed", "green"), d.package_ref, d.environment));
    }
    if (ctx.options.json)
        ctx.out.json(deploy::to_json(r));
    else
        ctx.out.result(r.entry.reference);
}

void run_deploy(Context& ctx, const DeployFlags& flags) {
    // `mlci deploy statsu`: a word that is no subcommand, and no --env.
    if (!flags.ref.empty() && flags.env.env.empty() &&
        flags.ref.find_first_of(":@/") == std::string::npos) {
        auto best = close_name(flags.ref, {"status", "history", "rollback"});
        throw Failure(usage_error("'{}' is not a 'mlci deploy' command (it has: status, history, "
                                  "rollback){}; to deploy a package, pass --env: mlci deploy "
                                  "{} --env ENV",
                                  flags.ref,
                                  best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best),
                                  flags.ref)
                          .error());
    }
    if (flags.ref.empty() || flags.env.env.empty())
        throw Failure({Exit::usage, "usage: mlci deploy REF --env ENV (or mlci deploy status|"
                                    "history|rollback ENV; see 'mlci deploy --help')"});
    auto request = make_request(ctx, flags.env);
    auto entry = ctx.resolve(flags.ref);
    report(ctx,
           value_or_throw(deploy::deploy_package(ctx.store(), entry, request, ctx.out.reporter())));
}

void run_rollback(Context& ctx, deploy::EnvironmentFlags flags, const std::string& to) {
    // Back where the environment runs: the target its deployment recorded,
    // whatever mlci.yaml says now (--target still wins).
    if (!flags.target)
        if (auto now = value_or_throw(deploy::current(ctx.store(), flags.env)))
            flags.target = now->deployment.target;
    auto request = make_request(ctx, flags);
    auto digest = deploy::names_deployment(to)
                      ? value_or_throw(deploy::rollback_package(ctx.store(), flags.env, to))
                      : ctx.resolve(to).descriptor.digest;
    auto entry = ctx.resolve(digest.str());
    value_or_throw(deploy::prepare_rollback(ctx.store(), request, digest));
    report(ctx,
           value_or_throw(deploy::deploy_package(ctx.store(), entry, request, ctx.out.reporter())));
}

void run_status(Context& ctx, const std::string& env) {
    auto now = value_or_throw(deploy::current(ctx.store(), env));
    if (now) {
        auto& d = now->deployment;
        ctx.out.note(fmt::format("{}: {} ({})", env, d.package_ref, d.package.short_hex()));
        ctx.out.note(fmt::format("  deployed {} by {} on {} to {} ({})", d.finished, d.user, d.host,
                                 d.target, now->reference));
    } else {
        ctx.out.note(fmt::format("nothing is deployed to {}", env));
    }
    if (ctx.options.json)
        ctx.out.json(deploy::to_json(now));
    else if (now)
        ctx.out.result(now->deployment.package.str());
}

void run_history(Context& ctx, const std::string& env) {
    auto all = value_or_throw(deploy::history(ctx.store(), env));
    if (ctx.options.json) {
        ctx.out.json(deploy::to_json(all));
        return;
    }
    if (all.empty())
        ctx.out.note(fmt::format("nothing was ever deployed to {}", env));
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        auto& d = it->deployment;
        ctx.out.result(fmt::format("v{:<4} {:<12} {:<32} {}  {}  {}{}{}", it->version,
                                   deploy::to_string(d.outcome), d.package_ref,
                                   d.package.short_hex(), d.finished, d.user,
                                   d.rollback ? "  (rollback)" : "", d.forced ? "  (forced)" : ""));
    }
}

} // namespace

void register_deploy(CLI::App& app, Context& ctx) {
    auto flags = std::make_shared<DeployFlags>();
    auto* cmd = app.add_subcommand(
        "deploy", "Ship a validated package to an environment; roll back when unhealthy");
    cmd->group("Pipeline");
    cmd->add_option("ref", flags->ref, "The package to deploy (NAME:TAG, digest, or -)")
        ->type_name("REF");
    cmd->add_option("--env", flags->env.env, "The environment (declared in mlci.yaml or not)")
        ->type_name("ENV");
    add_environment_flags(cmd, flags->env);
    cmd->callback([&ctx, flags, cmd] {
        if (cmd->get_subcommands().empty())
            run_deploy(ctx, *flags);
    });

    auto* status = cmd->add_subcommand("status", "What runs in an environment");
    auto status_env = std::make_shared<std::string>();
    status->add_option("env", *status_env, "The environment")->required()->type_name("ENV");
    status->callback([&ctx, status_env] { run_status(ctx, *status_env); });

    auto* hist = cmd->add_subcommand("history", "An environment's deployments, newest first");
    auto hist_env = std::make_shared<std::string>();
    hist->add_option("env", *hist_env, "The environment")->required()->type_name("ENV");
    hist->callback([&ctx, hist_env] { run_history(ctx, *hist_env); });

    auto* back = cmd->add_subcommand(
        "rollback", "Deploy the release that ran before, to the target the environment recorded");
    auto back_flags = std::make_shared<deploy::EnvironmentFlags>();
    auto to = std::make_shared<std::string>();
    back->add_option("env", back_flags->env, "The environment")->required()->type_name("ENV");
    back->add_option("--to", *to,
                     "Deployment N of the history (3 or v3), or a package reference (default: "
                     "the release before the current one)")
        ->type_name("N|REF");
    add_environment_flags(back, *back_flags);
    back->callback([&ctx, back_flags, to] { run_rollback(ctx, *back_flags, *to); });

    ctx.document(
        {"deploy",
         "Continuous deployment that never breaks what runs. Checks the policy first: the "
         "package's run has a passing validation, its provenance attestation names this very "
         "image and that run, and, where the environment names a public key, the package "
         "carries a valid signature by it; a failed check refuses the deploy "
         "with exit 1 naming the check (--force overrides, and the override is recorded). One "
         "deploy per environment runs at a time (a lock; --wait waits for it).\n\n"
         "Targets: dir:PATH unpacks the package into PATH/releases/DIGEST (refusing absolute "
         "paths, '..', device files and links that leave the release), runs the pre-start hook "
         "there, then switches the symlink PATH/current atomically and keeps the newest "
         "--keep releases; it removes only releases that deployments recorded in the store "
         "made, never other folders in PATH/releases. A PATH/current that is a file or a "
         "folder is refused with exit 2 and left as it is, and so are the targets /, the "
         "store, a folder inside it and a folder holding it. gitops:REPO_URL#FILE[,FILE] pins "
         "REPOSITORY@DIGEST (--image) in "
         "Kubernetes manifests (containers' image, and a KServe InferenceService's "
         "storageUri: oci://IMAGE, a modelcar), a kustomization's images or Helm values in a "
         "git repository, "
         "commits and pushes (nothing when nothing changes; a rejected push is rebased and "
         "retried). podman:NAME[:[IP:]HOST_PORT[:CONTAINER_PORT]] runs the image (pulled from "
         "the store, or from --image when pushed) as the container NAME with podman, "
         "HOST_PORT published to the image's exposed port: the new release first runs as "
         "NAME-next on a free loopback port where the health check must pass (else it is "
         "removed, the serving container was never stopped, and the deploy exits 1), then the "
         "old container is stopped and kept as NAME-previous and the new one started as NAME "
         "on HOST_PORT (a short gap: one port, one container) and checked again; it is removed "
         "after a pass, started again after a failure. Containers without mlci's label are "
         "refused with exit 2; --runtime picks podman's OCI runtime (runc where crun fails). "
         "exec:COMMAND runs a shell command with MLCI_IMAGE, MLCI_DIGEST, MLCI_ENV, "
         "MLCI_PACKAGE and the package's annotations as MLCI_ANNOTATION_* in its "
         "environment.\n\n"
         "After the switch the health check runs (a URL that must answer 2xx, or a command "
         "that must exit 0, retried); when it fails the previous release is switched back and "
         "the deploy exits 1. Every attempt is recorded as a deployment artifact tagged "
         "deploy-ENV:vN (subject: the package) with the target, the previous package, who, "
         "when and the outcome; its reference is printed. 'validate --baseline ENV' compares "
         "with what is deployed to ENV, and 'watch --env ENV' monitors it.\n\n"
         "Environments are declared in mlci.yaml under environments (target, health_check, "
         "health_timeout, health_retries, health_interval, pre_start, keep, public_key, "
         "require_validation, image, values_key, branch, runtime); every key has a flag, and "
         "flags win. "
         "Durations are seconds (90, 1.5) or a number with a unit (500ms, 30s, 5m, 2h), at "
         "most 365 days.",
         {{"mlci deploy iris-classifier-image:v3 --env staging",
           "deploy to staging as mlci.yaml declares it"},
          {"mlci deploy IMAGE --env prod --target dir:/srv/iris --health-check "
           "http://127.0.0.1:8080/healthz",
           "unpack into /srv/iris, switch, and roll back unless the service answers"},
          {"mlci deploy IMAGE --env prod --target gitops:git@git.example.com:ops/k8s.git#iris/"
           "deployment.yaml --image registry.example.com/ml/iris",
           "pin the image digest in a Deployment and push; Argo CD or Flux rolls it out"},
          {"mlci deploy IMAGE --env prod --target podman:iris:127.0.0.1:8080 --runtime runc "
           "--health-check http://127.0.0.1:8080/healthz",
           "run it as the container iris on port 8080, checked before the old one stops"},
          {"mlci deploy status prod", "the package running in prod (its digest on stdout)"},
          {"mlci deploy history prod", "every deployment to prod, newest first"},
          {"mlci deploy rollback prod", "go back to the release before the current one"}}});
}

} // namespace mlci::cli
