#include <catch2/catch.hpp>
#include <cstdlib>
#include <mlci/core/fs.hpp>
#include <mlci/core/secrets.hpp>
#include <mlci/registry/credentials.hpp>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlci;
using namespace mlci::registry;

namespace {

// A scratch HOME with every credential variable cleared, restored afterwards.
struct CredentialEnv {
    fs::path dir;
    std::vector<std::pair<std::string, std::optional<std::string>>> saved;
    CredentialEnv() {
        char tmpl[] = "/tmp/mlci-cred-XXXXXX";
        dir = ::mkdtemp(tmpl);
        for (auto* name : {"HOME", "MLCI_REGISTRY_USER", "MLCI_REGISTRY_PASSWORD", "CI_REGISTRY",
                           "CI_REGISTRY_USER", "CI_REGISTRY_PASSWORD", "DOCKER_CONFIG",
                           "XDG_CONFIG_HOME", "MLCI_AUTH_FILE"}) {
            const char* v = std::getenv(name);
            saved.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
            ::unsetenv(name);
        }
        ::setenv("HOME", dir.c_str(), 1);
    }
    ~CredentialEnv() {
        for (auto& [name, value] : saved)
            value ? ::setenv(name.c_str(), value->c_str(), 1) : ::unsetenv(name.c_str());
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

} // namespace

TEST_CASE("registry: base64 round trips", "[registry]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("user:pass") == "dXNlcjpwYXNz");
    CHECK(base64_encode("ab") == "YWI=");
    for (std::string s : {"", "a", "ab", "abc", "abcd", "user:p@ss:w0rd"})
        CHECK(*base64_decode(base64_encode(s)) == s);
    CHECK_FALSE(base64_decode("abc"));
}

TEST_CASE("registry: credentials: environment, GitLab CI, login file, docker config",
          "[registry]") {
    CredentialEnv env;
    CHECK_FALSE(*find_credentials("r.example"));

    fs::create_directories(env.dir / ".docker");
    REQUIRE(write_file_atomic(env.dir / ".docker" / "config.json",
                              R"({"auths":{"https://r.example/v1/":{"auth":"ZDpkcA=="},)"
                              R"("other.example":{"username":"u2","password":"p2"}}})"));
    auto docker = *find_credentials("r.example");
    REQUIRE(docker);
    CHECK(docker->username == "d");
    CHECK(docker->password == "dp");
    CHECK(docker->source == "docker config");
    CHECK((*find_credentials("other.example"))->password == "p2");

    REQUIRE(save_login("r.example", {"mine", "minepw", "mlci login"}));
    struct stat st {};
    REQUIRE(::stat(login_file().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK((*find_credentials("r.example"))->username == "mine");

    ::setenv("CI_REGISTRY", "r.example", 1);
    ::setenv("CI_REGISTRY_USER", "ci", 1);
    ::setenv("CI_REGISTRY_PASSWORD", "cipw", 1);
    CHECK((*find_credentials("r.example"))->username == "ci");
    CHECK((*find_credentials("other.example"))->username == "u2");

    ::setenv("MLCI_REGISTRY_USER", "envu", 1);
    ::setenv("MLCI_REGISTRY_PASSWORD", "envp", 1);
    CHECK((*find_credentials("r.example"))->username == "envu");
    ::unsetenv("MLCI_REGISTRY_USER");
    ::unsetenv("CI_REGISTRY");

    CHECK(*remove_login("r.example"));
    CHECK_FALSE(*remove_login("r.example"));
    CHECK((*find_credentials("r.example"))->username == "d");
}

TEST_CASE("registry: a malformed credential file is an error naming the file", "[registry]") {
    CredentialEnv env;
    ::setenv("MLCI_AUTH_FILE", (env.dir / "auth.json").c_str(), 1);
    REQUIRE(write_file_atomic(env.dir / "auth.json", "{not json"));
    auto r = find_credentials("r.example");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("auth.json") != std::string::npos);
}

TEST_CASE("credentials: a process holding them writes no core dumps", "[registry]") {
    setenv("MLCI_REGISTRY_USER", "u", 1);
    setenv("MLCI_REGISTRY_PASSWORD", "secret", 1);
    auto found = find_credentials("r.example");
    unsetenv("MLCI_REGISTRY_USER");
    unsetenv("MLCI_REGISTRY_PASSWORD");
    REQUIRE(found);
    REQUIRE(*found);
    CHECK_FALSE(mlci::process_dumpable());
}
