// An `exec` target: any command does the deploy (helm upgrade, kubectl set
// image, a cloud CLI), given the package in its environment. Reverting runs
// the same command for the previous release.
#include <fmt/format.h>
#include <mlci/deploy/target.hpp>
#include <mlci/process/process.hpp>

namespace mlci::deploy {

namespace {

class ExecTarget final : public Target {
public:
    ExecTarget(std::string command, TargetSettings s)
        : m_command(std::move(command)), m_settings(std::move(s)) {}

    Result<nlohmann::json> apply(const Release& r) override {
        MLCI_TRY_ASSIGN(code, run(r, std::nullopt));
        if (code != 0)
            return std::unexpected(
                Error{Exit::gate, fmt::format("deploy command `{}` exited {}", m_command, code)});
        return nlohmann::json{{"command", m_command}};
    }

    Status revert(const Release& failed, const std::optional<Release>& previous) override {
        if (!previous)
            return {}; // nothing ran before: there is nothing to go back to
        MLCI_TRY_ASSIGN(code, run(*previous, failed.descriptor.digest.str()));
        if (code != 0)
            return runtime_error("rolling back with `{}` failed (exit {}): the environment may "
                                 "run the failed release",
                                 m_command, code);
        return {};
    }

private:
    Result<int> run(const Release& r, std::optional<std::string> replacing) {
        auto env = release_environment(r);
        if (replacing)
            process::set_env(env, "MLCI_ROLLBACK_FROM", *replacing);
        process::ProcessSpec spec;
        spec.argv = {"/bin/sh", "-c", m_command};
        spec.env = std::move(env);
        spec.on_output = m_settings.on_output;
        MLCI_TRY_ASSIGN(result, process::run_process(spec));
        return result.exit_code;
    }

    std::string m_command;
    TargetSettings m_settings;
};

} // namespace

Result<std::unique_ptr<Target>> open_exec_target(const std::string& command,
                                                 const TargetSettings& s) {
    return std::unique_ptr<Target>(std::make_unique<ExecTarget>(command, s));
}

} // namespace mlci::deploy
