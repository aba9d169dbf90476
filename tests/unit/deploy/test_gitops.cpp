#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mlci/core/fs.hpp>
#include <mlci/deploy/gitops.hpp>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mlci;
using namespace mlci::deploy;

namespace {

const std::string k_digest =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";
const std::string k_repository = "registry.example.com/team/iris";

const char* k_git = "git -c user.name=Tester -c user.email=tester@example.com "
                    "-c init.defaultBranch=main -c advice.detachedHead=false";

// Runs a shell command in `dir` and returns its standard output.
std::string sh(const fs::path& dir, const std::string& cmd) {
    auto full = "cd '" + dir.string() + "' && " + cmd + " 2>/dev/null";
    std::string out;
    FILE* p = popen(full.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    int rc = pclose(p);
    INFO(cmd << "\n" << out);
    REQUIRE(rc == 0);
    return out;
}

std::string git(const fs::path& dir, const std::string& args) {
    return sh(dir, std::string(k_git) + " " + args);
}

const std::string k_deployment = R"(# served by the platform team
apiVersion: apps/v1
kind: Deployment
metadata:
  name: iris
spec:
  template:
    spec:
      containers:
        - name: serve
          image: registry.example.com/team/iris:1.0   # set by mlci
)";

const std::string k_kustomization = R"(kind: Kustomization
resources: [deployment.yaml]
images:
  - name: registry.example.com/team/iris
    newTag: "1.0"
)";

const std::string k_values = R"(image:
  repository: registry.example.com/team/iris
  tag: "1.0"
)";

// A bare repository "origin.git" on branch main with three manifests.
struct Remote {
    testing::TempDir dir;
    fs::path bare = dir / "origin.git";

    Remote() {
        git(dir.path(), "init -q --bare -b main origin.git");
        git(dir.path(), "clone -q origin.git seed");
        fs::create_directories(dir / "seed/prod");
        REQUIRE(write_file_atomic(dir / "seed/prod/deployment.yaml", k_deployment));
        REQUIRE(write_file_atomic(dir / "seed/prod/kustomization.yaml", k_kustomization));
        REQUIRE(write_file_atomic(dir / "seed/values.yaml", k_values));
        git(dir / "seed", "add -A && " + std::string(k_git) + " commit -qm seed && " +
                              std::string(k_git) + " push -q origin main");
    }

    GitopsOptions options() const {
        GitopsOptions o;
        o.work_dir = dir / "cache";
        o.message = "deploy iris run 42 (validation passed)";
        o.author_name = "mlci bot";
        o.author_email = "bot@example.com";
        return o;
    }

    // Pushes a commit from a clone of its own, as another deploy would.
    void push_competing(const std::string& file, const std::string& text,
                        const std::string& message) {
        auto other = dir / ("other-" + std::to_string(++m_clones));
        git(dir.path(), "clone -q origin.git '" + other.filename().string() + "'");
        REQUIRE(write_file_atomic(other / file, text));
        git(other,
            "commit -qam '" + message + "' && " + std::string(k_git) + " push -q origin main");
    }

    std::string show(const std::string& what) const { return git(bare, "show " + what); }
    int commits() const { return std::stoi(git(bare, "rev-list --count main")); }

private:
    int m_clones = 0;
};

GitopsTarget target_of(const std::string& url, std::vector<std::string> files) {
    GitopsTarget t;
    t.url = url;
    t.files = std::move(files);
    return t;
}

// A TCP port nobody listens on now.
int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("gitops: a target is parsed from REPO_URL#FILE[,FILE]", "[deploy][gitops]") {
    auto t = parse_gitops_target("file:///srv/git/env.git#prod/deployment.yaml,./values.yaml");
    REQUIRE(t);
    CHECK(t->url == "file:///srv/git/env.git");
    CHECK(t->files == std::vector<std::string>{"prod/deployment.yaml", "values.yaml"});
    CHECK(t->branch.empty());

    auto https = parse_gitops_target("https://u:secret@git.example.com/env.git#a.yaml,a.yaml");
    REQUIRE(https);
    CHECK(https->url == "https://u:secret@git.example.com/env.git");
    CHECK(https->files == std::vector<std::string>{"a.yaml"});

    for (auto bad : {"https://u:secret@git.example.com/env.git", "#a.yaml",
                     "https://u:secret@git.example.com/env.git#", "/r.git#a.yaml,,b.yaml",
                     "/r.git#/etc/passwd", "https://u:secret@h/r.git#../x.yaml"}) {
        auto r = parse_gitops_target(bad);
        INFO(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Exit::usage);
        CHECK(r.error().message.find("secret") == std::string::npos);
    }
}

TEST_CASE("gitops: a deploy commits the digest once, then finds nothing to do",
          "[deploy][gitops]") {
    Remote remote;
    auto url = "file://" + remote.bare.string();
    auto target =
        target_of(url, {"prod/deployment.yaml", "prod/kustomization.yaml", "values.yaml"});
    auto first = gitops_deploy(target, {k_repository, k_digest}, remote.options());
    REQUIRE(first);
    CHECK(first->changed);
    CHECK(first->attempts == 1);
    CHECK(first->previous_image == k_repository + ":1.0");
    CHECK(first->files_changed.size() == 3);
    CHECK(first->commit == git(remote.bare, "rev-parse main").substr(0, 40));
    CHECK(remote.commits() == 2);
    CHECK(git(remote.bare, "log -1 --format=%an%n%ae%n%s main") ==
          "mlci bot\nbot@example.com\ndeploy iris run 42 (validation passed)\n");

    auto deployment = remote.show("main:prod/deployment.yaml");
    auto expected = k_deployment;
    expected.replace(expected.find(k_repository + ":1.0"), k_repository.size() + 4,
                     k_repository + "@" + k_digest);
    CHECK(deployment == expected);
    CHECK(remote.show("main:prod/kustomization.yaml").find("    digest: " + k_digest + "\n") !=
          std::string::npos);
    CHECK(remote.show("main:values.yaml") == k_values + "  digest: " + k_digest + "\n");
    // Only the three files changed.
    CHECK(git(remote.bare, "diff --name-only main~1 main") ==
          "prod/deployment.yaml\nprod/kustomization.yaml\nvalues.yaml\n");

    // The same deploy again: no commit, the head reported.
    auto second = gitops_deploy(target, {k_repository, k_digest}, remote.options());
    REQUIRE(second);
    CHECK_FALSE(second->changed);
    CHECK(second->files_changed.empty());
    CHECK(second->commit == first->commit);
    CHECK(second->previous_image == k_repository + "@" + k_digest);
    CHECK(remote.commits() == 2);

    // A new digest, through the same repository spelled as a plain path.
    auto next = "sha256:" + std::string(64, '3');
    auto third = gitops_deploy(target_of(remote.bare.string(), {"prod/deployment.yaml"}),
                               {k_repository, next}, remote.options());
    REQUIRE(third);
    CHECK(third->changed);
    CHECK(third->previous_image == k_repository + "@" + k_digest);
    CHECK(remote.show("main:prod/deployment.yaml").find(k_repository + "@" + next) !=
          std::string::npos);
    CHECK(remote.commits() == 3);
}

TEST_CASE("gitops: the branch moved by others is followed, never carried over",
          "[deploy][gitops]") {
    Remote remote;
    auto url = "file://" + remote.bare.string();
    auto target = target_of(url, {"prod/deployment.yaml"});
    REQUIRE(gitops_deploy(target, {k_repository, k_digest}, remote.options()));

    // Someone rewrites the branch (a revert by force push) and changes the file.
    auto seed = remote.dir / "seed";
    git(seed, "fetch -q && " + std::string(k_git) + " reset -q --hard origin/main~1");
    REQUIRE(write_file_atomic(seed / "prod/deployment.yaml", "# rewritten\n" + k_deployment));
    git(seed, "commit -qam rewrite && " + std::string(k_git) + " push -qf origin main");

    auto again = gitops_deploy(target, {k_repository, k_digest}, remote.options());
    REQUIRE(again);
    CHECK(again->changed);
    CHECK(again->previous_image == k_repository + ":1.0");
    auto text = remote.show("main:prod/deployment.yaml");
    CHECK(text.starts_with("# rewritten\n# served by the platform team\n"));
    CHECK(git(remote.bare, "log --format=%s main") ==
          "deploy iris run 42 (validation passed)\nrewrite\nseed\n");
}

TEST_CASE("gitops: a push refused because of a concurrent push is redone on the new head",
          "[deploy][gitops]") {
    Remote remote;
    auto options = remote.options();
    int calls = 0;
    options.before_push = [&] {
        // The first time only: another deploy edits the same file meanwhile.
        if (calls++ == 0)
            remote.push_competing("prod/deployment.yaml",
                                  k_deployment + "# scaled by the platform team\n",
                                  "competing change");
    };
    auto r = gitops_deploy(target_of("file://" + remote.bare.string(), {"prod/deployment.yaml"}),
                           {k_repository, k_digest}, options);
    REQUIRE(r);
    CHECK(r->changed);
    CHECK(r->attempts == 2);
    CHECK(calls == 2);
    CHECK(git(remote.bare, "log --format=%s main") ==
          "deploy iris run 42 (validation passed)\ncompeting change\nseed\n");
    auto text = remote.show("main:prod/deployment.yaml");
    CHECK(text.find(k_repository + "@" + k_digest) != std::string::npos);
    CHECK(text.ends_with("# scaled by the platform team\n"));
    CHECK(r->commit == git(remote.bare, "rev-parse main").substr(0, 40));
}

TEST_CASE("gitops: pushes refused every time end in an error naming the URL", "[deploy][gitops]") {
    Remote remote;
    auto options = remote.options();
    options.max_attempts = 2;
    int calls = 0;
    options.before_push = [&] {
        auto n = std::to_string(++calls);
        remote.push_competing("values.yaml", k_values + "# " + n + "\n", "competing " + n);
    };
    auto url = "file://" + remote.bare.string();
    auto r =
        gitops_deploy(target_of(url, {"prod/deployment.yaml"}), {k_repository, k_digest}, options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Exit::runtime);
    CHECK(r.error().message.find(url) != std::string::npos);
    CHECK(r.error().message.find("2 times") != std::string::npos);
    CHECK(calls == 2);
    CHECK(git(remote.bare, "log --format=%s main") == "competing 2\ncompeting 1\nseed\n");
}

TEST_CASE("gitops: a file without the image, a missing file or branch is an error",
          "[deploy][gitops]") {
    Remote remote;
    auto url = "file://" + remote.bare.string();
    auto none = gitops_deploy(target_of(url, {"prod/deployment.yaml", "values.yaml"}),
                              {"registry.example.com/team/other", k_digest}, remote.options());
    REQUIRE_FALSE(none);
    CHECK(none.error().code == Exit::usage);
    CHECK(none.error().message.find("'prod/deployment.yaml'") != std::string::npos);
    CHECK(none.error().message.find("registry.example.com/team/other") != std::string::npos);

    auto missing = gitops_deploy(target_of(url, {"prod/deployment.yaml", "nope.yaml"}),
                                 {k_repository, k_digest}, remote.options());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("'nope.yaml' not found on branch 'main'") !=
          std::string::npos);

    auto target = target_of(url, {"prod/deployment.yaml"});
    target.branch = "staging";
    auto branch = gitops_deploy(target, {k_repository, k_digest}, remote.options());
    REQUIRE_FALSE(branch);
    CHECK(branch.error().message.find("branch 'staging' not found") != std::string::npos);

    auto digest = gitops_deploy(target_of(url, {"prod/deployment.yaml"}),
                                {k_repository, "sha256:nothex"}, remote.options());
    REQUIRE_FALSE(digest);
    CHECK(remote.commits() == 1);
}

TEST_CASE("gitops: a named branch is deployed to, and credentials never show", "[deploy][gitops]") {
    Remote remote;
    git(remote.dir / "seed", "push -q origin main:staging");
    auto target = target_of("file://" + remote.bare.string(), {"values.yaml"});
    target.branch = "staging";
    // The author comes from the environment when the caller names none.
    auto options = remote.options();
    options.author_name.clear();
    options.author_email.clear();
    setenv("GIT_AUTHOR_NAME", "CI Runner", 1);
    setenv("GIT_AUTHOR_EMAIL", "ci@example.com", 1);
    auto r = gitops_deploy(target, {k_repository, k_digest}, options);
    unsetenv("GIT_AUTHOR_NAME");
    unsetenv("GIT_AUTHOR_EMAIL");
    REQUIRE(r);
    CHECK(r->changed);
    CHECK(git(remote.bare, "rev-list --count staging") == "2\n");
    CHECK(git(remote.bare, "log -1 --format=%an/%ae staging") == "CI Runner/ci@example.com\n");
    CHECK(remote.commits() == 1);

    // Nothing listens on the port: the error names the URL without the password.
    auto url = "http://deployer:s3cret@127.0.0.1:" + std::to_string(free_port()) + "/env.git";
    auto down =
        gitops_deploy(target_of(url, {"values.yaml"}), {k_repository, k_digest}, remote.options());
    REQUIRE_FALSE(down);
    CHECK(down.error().code == Exit::runtime);
    CHECK(down.error().message.find("s3cret") == std::string::npos);
    CHECK(down.error().message.find("127.0.0.1") != std::string::npos);
}

TEST_CASE("gitops: a deploy over git daemon", "[deploy][gitops][daemon]") {
    Remote remote;
    int port = free_port();
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto base = "--base-path=" + remote.dir.path().string();
        auto port_arg = "--port=" + std::to_string(port);
        execlp("git", "git", "daemon", "--reuseaddr", base.c_str(), "--export-all",
               "--enable=receive-pack", port_arg.c_str(), "--listen=127.0.0.1", nullptr);
        _exit(127);
    }
    struct Stop {
        pid_t pid;
        ~Stop() {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
    } stop{pid};
    auto url = "git://127.0.0.1:" + std::to_string(port) + "/origin.git";
    // Wait for the daemon to listen.
    bool up = false;
    for (int i = 0; i < 100 && !up; ++i) {
        up = std::system(("git ls-remote -q " + url + " >/dev/null 2>&1").c_str()) == 0;
        if (!up)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(up);

    auto options = remote.options();
    int calls = 0;
    options.before_push = [&] {
        if (calls++ == 0)
            remote.push_competing("values.yaml", k_values + "# tuned\n", "competing change");
    };
    auto r = gitops_deploy(target_of(url, {"prod/deployment.yaml", "values.yaml"}),
                           {k_repository, k_digest}, options);
    REQUIRE(r);
    CHECK(r->changed);
    CHECK(r->attempts == 2);
    CHECK(git(remote.bare, "log --format=%s main") ==
          "deploy iris run 42 (validation passed)\ncompeting change\nseed\n");
    CHECK(remote.show("main:values.yaml") == k_values + "  digest: " + k_digest + "\n# tuned\n");

    // A server hook refuses the next push: an error with the server's reason, no retry loop.
    REQUIRE(write_file_atomic(remote.bare / "hooks/pre-receive",
                              "#!/bin/sh\necho deploys are frozen >&2\nexit 1\n", true, 0755));
    options.before_push = nullptr;
    auto frozen = gitops_deploy(target_of(url, {"values.yaml"}),
                                {k_repository, "sha256:" + std::string(64, 'f')}, options);
    REQUIRE_FALSE(frozen);
    CHECK(frozen.error().code == Exit::runtime);
    CHECK(frozen.error().message.find("'" + url + "' refused the push to branch 'main'") !=
          std::string::npos);
    CHECK(frozen.error().message.find("hook declined") != std::string::npos);
    CHECK(remote.commits() == 3);
}
