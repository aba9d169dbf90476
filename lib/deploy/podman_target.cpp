// A `podman:` target: the package's image run as a container on this host
// by podman itself (no daemon, no orchestration of mlci's own).
//
// A deploy starts the new release as NAME-next with its port published on a
// free loopback port, runs the environment's health check against it there,
// and removes it: a release that fails is gone and the old container never
// stopped. One that passes is switched in: the old container is stopped and
// renamed NAME-previous, the new one is created as NAME on the published
// port, and the health check runs again (deploy.cpp). A host port can be
// published by one container at a time, so the switch is a short gap: the
// old one's stop plus the new one's start, the time the server takes to
// answer. A failure after the switch removes NAME and starts NAME-previous
// again; success removes NAME-previous.
//
// Only containers that carry this target's label are ever stopped, renamed
// or removed; a container of the same name that mlci did not make is refused.
#include <fmt/format.h>
#include <mlci/core/text.hpp>
#include <mlci/deploy/podman_spec.hpp>
#include <mlci/deploy/target.hpp>
#include <mlci/process/process.hpp>
#include <set>
#include <unistd.h>

namespace mlci::deploy {

namespace {

constexpr const char* k_label_target = "dev.mlci.deploy.target";
constexpr const char* k_label_environment = "dev.mlci.deploy.environment";
constexpr const char* k_label_package = "dev.mlci.package";
// The time a serving container has to stop after SIGTERM (podman's
// default); a checked candidate served nobody and is killed at once.
constexpr const char* k_stop_seconds = "10";

struct PodmanRun {
    int exit_code = 0;
    std::string output; // stdout and stderr, as they came
};

// The last lines of podman's output, for a message.
std::string output_tail(const std::string& out, size_t max = 600) {
    auto t = std::string(trim(out));
    return t.size() > max ? "..." + t.substr(t.size() - max) : t;
}

class PodmanTargetImpl final : public Target {
public:
    PodmanTargetImpl(PodmanSpec spec, TargetSettings s)
        : m_spec(std::move(spec)), m_names(podman_names(m_spec.name)), m_settings(std::move(s)) {}

    // Undoes what a deploy that was killed half way left: a checked
    // candidate, or a switch that never finished.
    Status recover() {
        MLCI_TRY_ASSIGN(existing, ours());
        if (existing.contains(m_names.next))
            MLCI_TRY(podman_ok({"rm", "--force", "--time", "0", m_names.next}));
        if (!existing.contains(m_names.previous))
            return {};
        note(fmt::format("note: an earlier deploy to {} did not finish: {} runs again", m_spec.name,
                         m_names.previous));
        if (existing.contains(m_names.serving))
            MLCI_TRY(podman_ok({"rm", "--force", "--time", k_stop_seconds, m_names.serving}));
        MLCI_TRY(podman_ok({"rename", m_names.previous, m_names.serving}));
        return podman_ok({"start", m_names.serving});
    }

    Result<nlohmann::json> apply(const Release& r) override {
        MLCI_TRY_ASSIGN(image, ensure_image(r));
        nlohmann::json info = {{"container", m_names.serving}, {"image", image}};
        if (!m_settings.runtime.empty())
            info["runtime"] = m_settings.runtime;
        std::optional<unsigned> port;
        if (m_spec.publish) {
            MLCI_TRY_ASSIGN(config, m_settings.store->read_blob(r.manifest.config.digest));
            auto parsed = nlohmann::json::parse(config, nullptr, false);
            MLCI_TRY_ASSIGN(p, container_port(*m_spec.publish, parsed));
            port = p;
            info["publish"] = publish_arg(*m_spec.publish, p);
        }
        if (!m_settings.health.check.empty()) {
            MLCI_TRY_ASSIGN(side, check_beside(r, image, port));
            info["checked_beside"] = side;
        }
        MLCI_TRY(switch_to(r, image, port));
        return info;
    }

    Status revert(const Release&, const std::optional<Release>&) override {
        MLCI_TRY(remove(m_names.serving));
        MLCI_TRY_ASSIGN(previous, owned(m_names.previous));
        if (!previous)
            return {}; // nothing ran before: the failed release is gone
        MLCI_TRY(podman_ok({"rename", m_names.previous, m_names.serving}));
        return podman_ok({"start", m_names.serving});
    }

    Status finish(const Release&) override { return remove(m_names.previous); }

    void health_env(const Release&, std::vector<std::string>& env) const override {
        process::set_env(env, "MLCI_CONTAINER", m_names.serving);
        if (m_spec.publish)
            process::set_env(env, "MLCI_URL", published_url(*m_spec.publish));
    }

private:
    void note(const std::string& line) const {
        if (m_settings.on_note)
            m_settings.on_note(line);
    }

    Result<PodmanRun> podman(const std::vector<std::string>& args, const fs::path& cwd = {}) const {
        process::ProcessSpec spec;
        spec.cwd = cwd;
        spec.argv = {"podman"};
        if (!m_settings.runtime.empty())
            spec.argv.insert(spec.argv.end(), {"--runtime", m_settings.runtime});
        spec.argv.insert(spec.argv.end(), args.begin(), args.end());
        spec.env = process::current_environment();
        PodmanRun out;
        spec.on_output = [&out](std::string_view chunk) {
            out.output.append(chunk);
            if (out.output.size() > size_t{256} * 1024)
                out.output.erase(0, out.output.size() - size_t{256} * 1024);
        };
        MLCI_TRY_ASSIGN(result, process::run_process(spec));
        out.exit_code = result.exit_code;
        return out;
    }

    Status podman_ok(const std::vector<std::string>& args) const {
        MLCI_TRY_ASSIGN(out, podman(args));
        if (out.exit_code != 0)
            return runtime_error("`podman {}` exited {}: {}", fmt::join(args, " "), out.exit_code,
                                 output_tail(out.output));
        return {};
    }

    // Which of the target's containers (NAME, NAME-next, NAME-previous)
    // exist; an error when one of the names is taken by a container that is
    // not ours. (One `podman ps`: each podman command costs a start of podman.)
    Result<std::set<std::string>> ours() const {
        MLCI_TRY_ASSIGN(listed, podman({"ps", "--all", "--format",
                                        fmt::format("{{{{.Names}}}}\t{{{{index .Labels \"{}\"}}}}",
                                                    k_label_target)}));
        if (listed.exit_code != 0)
            return runtime_error("`podman ps` exited {}: {}", listed.exit_code,
                                 output_tail(listed.output));
        std::set<std::string> found;
        std::string_view rest = listed.output;
        while (!rest.empty()) {
            auto nl = rest.find('\n');
            auto line = rest.substr(0, nl);
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
            auto tab = line.find('\t');
            if (tab == std::string_view::npos)
                continue;
            auto name = std::string(line.substr(0, tab));
            if (name != m_names.serving && name != m_names.next && name != m_names.previous)
                continue;
            if (trim(line.substr(tab + 1)) != m_spec.name)
                return usage_error("container '{}' was not made by mlci's podman:{} target (it "
                                   "has no {}={} label): rename or remove it, then deploy again",
                                   name, m_spec.name, k_label_target, m_spec.name);
            found.insert(name);
        }
        return found;
    }

    Result<bool> owned(const std::string& name) const {
        MLCI_TRY_ASSIGN(existing, ours());
        return existing.contains(name);
    }

    // Removes the container when it exists and is ours, given `seconds` to
    // stop after SIGTERM.
    Status remove(const std::string& name, const char* seconds = k_stop_seconds) const {
        MLCI_TRY_ASSIGN(exists, owned(name));
        if (!exists)
            return {};
        return podman_ok({"rm", "--force", "--time", seconds, name});
    }

    // The image's ID in podman's store (the package's config digest, as for
    // any OCI image), pulled from the registry the package was pushed to
    // (--image) or else from mlci's store, an OCI layout podman reads.
    Result<std::string> ensure_image(const Release& r) const {
        auto id = std::string(r.manifest.config.digest.hex());
        MLCI_TRY_ASSIGN(exists, podman({"image", "exists", id}));
        if (exists.exit_code == 0)
            return id;
        if (!r.image.empty()) {
            MLCI_TRY(pull("docker://" + r.image, id, {}));
            return id;
        }
        if (r.reference.starts_with("sha256:"))
            return usage_error("podman reads a package from the store by its tag, and {} has "
                               "none: deploy it by its NAME:TAG, or push it and pass --image",
                               r.reference);
        // podman names an image from a layout after the layout's path, and
        // refuses a path that is no image name (the store's `.mlci` is not):
        // it reads the store through a link whose relative path is one.
        auto dir = m_settings.store->temp_dir();
        auto link = fmt::format("podman-{}", getpid());
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (fs::is_symlink(dir / link, ec))
            fs::remove(dir / link, ec); // ours, left by a crash with our pid
        fs::create_directory_symlink(m_settings.store->root(), dir / link, ec);
        if (ec)
            return runtime_error("cannot create a link to the store in {}: {}", dir.string(),
                                 ec.message());
        auto pulled = pull(fmt::format("oci:{}:{}", link, r.reference), id, dir);
        fs::remove(dir / link, ec);
        MLCI_TRY(pulled);
        std::ignore = podman({"untag", id, fmt::format("localhost/{}:latest", link)});
        std::ignore = podman({"tag", id, "localhost/" + r.reference});
        return id;
    }

    Status pull(const std::string& source, const std::string& id, const fs::path& cwd) const {
        note(fmt::format("podman pull {}", source));
        MLCI_TRY_ASSIGN(pulled, podman({"pull", "--quiet", source}, cwd));
        if (pulled.exit_code != 0)
            return runtime_error("`podman pull {}` exited {}: {}", source, pulled.exit_code,
                                 output_tail(pulled.output));
        MLCI_TRY_ASSIGN(now, podman({"image", "exists", id}));
        if (now.exit_code != 0)
            return runtime_error("podman pulled {} but holds no image {}: the image it made is "
                                 "not the package",
                                 source, id);
        return {};
    }

    std::vector<std::string> run_args(const Release& r, const std::string& name) const {
        return {"run",     "--detach",
                "--name",  name,
                "--label", fmt::format("{}={}", k_label_target, m_spec.name),
                "--label", fmt::format("{}={}", k_label_environment, r.environment),
                "--label", fmt::format("{}={}", k_label_package, r.descriptor.digest.str())};
    }

    // The health check against the new release as NAME-next, beside what
    // serves; the container is removed whatever the outcome.
    Result<nlohmann::json> check_beside(const Release& r, const std::string& image,
                                        std::optional<unsigned> port) {
        auto args = run_args(r, m_names.next);
        if (port)
            args.insert(args.end(), {"--publish", fmt::format("127.0.0.1::{}", *port)});
        args.push_back(image);
        note(fmt::format("starting {} as {} to check it beside {}", r.reference, m_names.next,
                         m_names.serving));
        if (auto started = podman_ok(args); !started) {
            std::ignore = remove(m_names.next, "0");
            return std::unexpected(started.error());
        }
        auto h = m_settings.health;
        h.env = release_environment(r);
        process::set_env(h.env, "MLCI_CONTAINER", m_names.next);
        nlohmann::json info;
        if (port) {
            MLCI_TRY_ASSIGN(ports, podman({"port", m_names.next, fmt::format("{}/tcp", *port)}));
            auto side = parse_podman_port(ports.output);
            if (side == 0) {
                std::ignore = remove(m_names.next, "0");
                return runtime_error("podman did not publish port {} of {}: {}", *port,
                                     m_names.next, output_tail(ports.output));
            }
            auto authority = fmt::format("127.0.0.1:{}", side);
            process::set_env(h.env, "MLCI_URL", "http://" + authority);
            if (is_http_check(h.check))
                h.check = with_authority(h.check, authority);
            info["port"] = side;
        }
        auto checked = run_health_check(h, [this](const std::string& line) { note(line); });
        std::string logs;
        if (checked && !checked->passed)
            if (auto out = podman({"logs", "--tail", "20", m_names.next});
                out && out->exit_code == 0)
                logs = output_tail(out->output);
        if (auto removed = remove(m_names.next, "0"); !removed)
            note("warning: " + removed.error().message);
        if (!checked)
            return std::unexpected(checked.error());
        info["check"] = h.check;
        info["attempts"] = checked->attempts;
        if (checked->passed)
            return info;
        auto serving = owned(m_names.serving);
        auto left = serving && *serving ? fmt::format("{} serves as before", m_names.serving)
                                        : std::string("nothing was started");
        return std::unexpected(
            Error{Exit::gate,
                  fmt::format("the new container failed its health check before the switch, after "
                              "{}: {}; it was removed, and {}{}",
                              plural(checked->attempts, "attempt"), checked->detail, left,
                              logs.empty() ? "" : fmt::format(" (its last output: {})", logs))});
    }

    // Stops the old container (kept as NAME-previous for a revert) and runs
    // the new one as NAME on the published port.
    Status switch_to(const Release& r, const std::string& image, std::optional<unsigned> port) {
        MLCI_TRY_ASSIGN(serving, owned(m_names.serving));
        if (serving) {
            MLCI_TRY(podman_ok({"stop", "--time", k_stop_seconds, m_names.serving}));
            MLCI_TRY(podman_ok({"rename", m_names.serving, m_names.previous}));
        }
        auto args = run_args(r, m_names.serving);
        // Back after a crash or a reboot (podman-restart.service), as a
        // service is; `podman stop` still stops it for good.
        args.emplace_back("--restart=always");
        if (port)
            args.insert(args.end(), {"--publish", publish_arg(*m_spec.publish, *port)});
        args.push_back(image);
        auto started = podman_ok(args);
        if (started)
            return {};
        if (auto back = revert(r, std::nullopt); !back)
            return runtime_error("{}; and putting the old container back failed: {}",
                                 started.error().message, back.error().message);
        return std::unexpected(started.error());
    }

    PodmanSpec m_spec;
    PodmanNames m_names;
    TargetSettings m_settings;
};

} // namespace

Result<std::unique_ptr<Target>> open_podman_target(const std::string& spec,
                                                   const TargetSettings& s) {
    MLCI_TRY_ASSIGN(parsed, parse_podman_spec(spec));
    if (!s.store)
        return runtime_error("a podman target needs the store to read the package from");
    if (!process::find_program(
            "podman",
            process::get_env(process::current_environment(), "PATH").value_or("/usr/bin:/bin")))
        return runtime_error("podman is not installed: a podman target runs the package's image "
                             "with it (apt install podman)");
    auto target = std::make_unique<PodmanTargetImpl>(std::move(parsed), s);
    MLCI_TRY(target->recover());
    return std::unique_ptr<Target>(std::move(target));
}

} // namespace mlci::deploy
