// mlci login / mlci logout: keep registry credentials for push and pull.
#include "context.hpp"

#include <cstdio>
#include <fcntl.h>
#include <iostream>
#include <mlci/registry/credentials.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/registry_json.hpp>
#include <mlci/registry/session.hpp>
#include <termios.h>
#include <unistd.h>

namespace mlci::cli {

namespace {

// The host of "HOST[:PORT]" (a scheme or path, as docker accepts, is dropped).
std::string parse_host(std::string text) {
    if (auto p = text.find("://"); p != std::string::npos)
        text = text.substr(p + 3);
    text = text.substr(0, text.find('/'));
    auto ref = registry::parse_remote(text + "/x");
    if (!ref || ref->kind != registry::RemoteRef::Kind::registry)
        throw Failure({Exit::usage, fmt::format("invalid registry host '{}' (expected "
                                                "HOST[:PORT])",
                                                text)});
    return ref->host;
}

// Reads a line from the terminal without echoing it.
std::string read_secret(const std::string& prompt) {
    int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        throw Failure({Exit::usage, "no terminal to ask for the password (use --password-stdin)"});
    termios old{};
    ::tcgetattr(fd, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
    (void)::write(fd, prompt.data(), prompt.size());
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n')
        line.push_back(c);
    ::tcsetattr(fd, TCSAFLUSH, &old);
    (void)::write(fd, "\n", 1);
    ::close(fd);
    return line;
}

std::string read_line_tty(const std::string& prompt) {
    fmt::print(stderr, "{}", prompt);
    std::string line;
    if (!std::getline(std::cin, line))
        throw Failure({Exit::usage, "no username given (use --username)"});
    return line;
}

void register_logout(CLI::App& app, Context& ctx) {
    auto host = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("logout", "Forget the credentials 'mlci login' kept for a registry");
    cmd->group("Setup");
    cmd->add_option("host", *host, "The registry, HOST[:PORT]")->required()->type_name("HOST");
    cmd->callback([&ctx, host] {
        auto h = parse_host(*host);
        bool removed = value_or_throw(registry::remove_login(h));
        ctx.out.note(removed ? fmt::format("removed the credentials for '{}'", h)
                             : fmt::format("no credentials for '{}' in '{}'", h,
                                           registry::login_file().string()));
        if (ctx.options.json)
            ctx.out.json(registry::logout_json(h, removed));
    });
    ctx.document({"logout",
                  "Removes the credentials 'mlci login' stored for HOST. Credentials from the "
                  "environment or docker's config.json are not touched.",
                  {{"mlci logout registry.example.com", "forget the stored credentials"}}});
}

} // namespace

void register_login(CLI::App& app, Context& ctx) {
    struct Options {
        std::string host, username;
        bool password_stdin = false, plain_http = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("login", "Check and keep credentials for a registry");
    cmd->group("Setup");
    cmd->add_option("host", opts->host, "The registry, HOST[:PORT]")->required()->type_name("HOST");
    cmd->add_option("-u,--username", opts->username, "The user name (default: asked for)")
        ->type_name("USER");
    cmd->add_flag("--password-stdin", opts->password_stdin,
                  "Read the password (or token) from standard input, not from the terminal");
    cmd->add_flag("--plain-http", opts->plain_http,
                  "Talk HTTP, not HTTPS, to a registry on this machine");
    cmd->callback([&ctx, opts] {
        auto host = parse_host(opts->host);
        registry::Credentials creds{opts->username, {}, "mlci login"};
        if (creds.username.empty())
            creds.username = read_line_tty("Username: ");
        if (opts->password_stdin) {
            std::getline(std::cin, creds.password);
            if (!creds.password.empty() && creds.password.back() == '\r')
                creds.password.pop_back();
        } else {
            creds.password = read_secret("Password: ");
        }
        if (creds.username.empty() || creds.password.empty())
            throw Failure({Exit::usage, "a user name and a password are both needed"});
        // The registry checks them before they are kept.
        registry::SessionOptions so;
        so.plain_http = opts->plain_http;
        value_or_throw(registry::Session::open(host, so, creds));
        value_or_throw(registry::save_login(host, creds));
        ctx.out.note(fmt::format("logged in to '{}' as '{}' (credentials kept in '{}')", host,
                                 creds.username, registry::login_file().string()));
        if (ctx.options.json)
            ctx.out.json(registry::login_json(host, creds.username, registry::login_file()));
    });
    ctx.document(
        {"login",
         "Checks a user name and password (or access token) against the registry HOST and keeps "
         "them for push and pull, in $MLCI_AUTH_FILE, else $XDG_CONFIG_HOME/mlci/auth.json, "
         "else ~/.config/mlci/auth.json: a file only you can read (mode 0600), in docker's "
         "\"auths\" format. mlci keeps its own file rather than writing docker's config.json, "
         "which may hand credentials to helper programs and belongs to docker; it still reads "
         "docker's file, so a 'docker login' works too.\n\n"
         "The password is read from the terminal without echo, or with --password-stdin from "
         "standard input (for CI; never put it on the command line). It is never printed.\n\n"
         "In CI, no login is needed: MLCI_REGISTRY_USER and MLCI_REGISTRY_PASSWORD, or "
         "GitLab's CI_REGISTRY, CI_REGISTRY_USER and CI_REGISTRY_PASSWORD, are read by push "
         "and pull directly, and win over stored credentials.",
         {{"mlci login registry.example.com -u alice", "asks for the password"},
          {"echo \"$TOKEN\" | mlci login ghcr.io -u alice --password-stdin",
           "log in from a script"}}});
    register_logout(app, ctx);
}

} // namespace mlci::cli
