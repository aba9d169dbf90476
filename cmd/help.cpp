// mlci help [STEP] and the man pages (mlci help --man STEP), rendered from
// the CLI11 tree plus each command's CommandDoc.
#include "cli_tree.hpp"
#include "context.hpp"
#include "dispatch.hpp"

#include <algorithm>
#include <sstream>

namespace mlci::cli {

namespace {

// Escapes text for roff: backslashes, hyphens that are options, leading dots.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\''))
            out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out.push_back(c);
        line_start = c == '\n';
    }
    return out;
}

const CommandDoc* doc_for(const Context& ctx, const std::string& name) {
    for (auto& d : ctx.docs)
        if (d.name == name)
            return &d;
    return nullptr;
}

void paragraphs(std::string& out, std::string_view text) {
    size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\n\n", start);
        if (end == std::string_view::npos)
            end = text.size();
        out += ".PP\n" + roff(text.substr(start, end - start)) + "\n";
        start = end + 2;
    }
}

void flag_list(std::string& out, const CLI::App* cmd) {
    for (auto& f : flags_of(cmd)) {
        std::string names;
        for (auto* list : {&f.shorts, &f.longs})
            for (auto& n : *list)
                names += (names.empty() ? "" : ", ") + ("\\fB" + roff(n) + "\\fR");
        if (f.positional)
            names = "\\fI" + roff(f.value) + "\\fR" + (f.many ? "..." : "");
        else if (!f.value.empty())
            names += " \\fI" + roff(f.value) + "\\fR";
        out += ".TP\n" + names + "\n" + roff(f.description) + "\n";
    }
}

std::string synopsis(const CLI::App* cmd) {
    std::string s = "\\fB" + roff(command_path(cmd)) + "\\fR";
    bool any_flag = false;
    for (auto& f : flags_of(cmd)) {
        if (f.positional) {
            auto v = "\\fI" + roff(f.value) + "\\fR" + (f.many ? "..." : "");
            s += f.required ? " " + v : " [" + v + "]";
        } else {
            any_flag = true;
        }
    }
    if (any_flag)
        s.insert(s.find("\\fR") + 3, " [\\fIOPTIONS\\fR]");
    if (!visible_subcommands(cmd).empty())
        s += " \\fICOMMAND\\fR";
    return s;
}

const char* k_exit_status = ".SH EXIT STATUS\n"
                            ".TP\n.B 0\nDone, and every gate passed.\n"
                            ".TP\n.B 1\nDone, but a gate failed: tests failed, criteria not met, "
                            "a drift alert, a workspace that is not clean, a store that does not "
                            "verify.\n"
                            ".TP\n.B 2\nUsage or input error: a bad flag, a malformed file, an "
                            "unknown or ambiguous reference.\n"
                            ".TP\n.B 3\nEnvironment or runtime failure: I/O error, disk full, "
                            "registry unreachable, command not found.\n";

// The prose of a help screen after the flags: the description and examples.
std::string doc_text(const CommandDoc& d) {
    std::string text = d.description + "\n";
    if (!d.examples.empty()) {
        text += "\nExamples:\n";
        for (auto& [command, what] : d.examples)
            text += fmt::format("  {}\n      {}\n", command, what);
    }
    return text;
}

} // namespace

void attach_docs(CLI::App& app, const Context& ctx) {
    for (auto& d : ctx.docs) {
        CLI::App* cmd = &app;
        if (d.name != "mlci") {
            try {
                cmd = app.get_subcommand(d.name);
            } catch (const CLI::OptionNotFound&) {
                continue;
            }
        }
        // CLI11 prints the footer after the flags: `mlci SUB --help` and
        // `mlci help SUB` say what the man page says.
        cmd->footer(doc_text(d));
    }
}

std::string man_page(CLI::App& app, const Context& ctx, const std::string& name) {
    CLI::App* cmd = name.empty() ? &app : app.get_subcommand(name);
    auto title = name.empty() ? std::string("MLCI") : "MLCI-" + name;
    std::transform(title.begin(), title.end(), title.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    std::string out =
        fmt::format(".TH {} 1 \"\" \"mlci {}\" \"mlci manual\"\n", title, MLCI_VERSION);
    out += ".SH NAME\n" + roff(name.empty() ? "mlci" : "mlci-" + name) + " \\- " +
           roff(cmd->get_description()) + "\n";
    out += ".SH SYNOPSIS\n";
    if (name.empty()) {
        out += "\\fBmlci\\fR [\\fB\\-\\-store\\fR \\fIDIR\\fR] [\\fB\\-\\-json\\fR] "
               "[\\fB\\-q\\fR] [\\fB\\-v\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n";
    } else {
        out += synopsis(cmd) + "\n";
        for (auto* sub : visible_subcommands(cmd))
            out += ".br\n" + synopsis(sub) + "\n";
    }
    out += ".SH DESCRIPTION\n";
    if (auto* d = doc_for(ctx, name.empty() ? "mlci" : name))
        paragraphs(out, d->description);
    if (name.empty()) {
        out += ".SH COMMANDS\n";
        for (auto* sub : visible_subcommands(cmd))
            out += ".TP\n\\fBmlci\\-" + roff(sub->get_name()) + "\\fR(1)\n" +
                   roff(sub->get_description()) + "\n";
        out += ".SH GLOBAL OPTIONS\n";
        flag_list(out, cmd);
    } else {
        out += ".SH OPTIONS\n";
        flag_list(out, cmd);
        for (auto* sub : visible_subcommands(cmd)) {
            out += ".SS " + roff(sub->get_name()) + "\n" + roff(sub->get_description()) + "\n";
            flag_list(out, sub);
        }
    }
    if (auto* d = doc_for(ctx, name.empty() ? "mlci" : name); d && !d->examples.empty()) {
        out += ".SH EXAMPLES\n";
        for (auto& [command, what] : d->examples)
            out += ".TP\n.B " + roff(command) + "\n" + roff(what) + "\n";
    }
    out += k_exit_status;
    out += ".SH ENVIRONMENT\n"
           ".TP\n.B MLCI_STORE\nThe store to use when \\fB\\-\\-store\\fR is not given.\n"
           ".TP\n.B NO_COLOR\nTurns colour off.\n"
           ".TP\n.B CI\nWhen set, no progress bars: plain lines for CI logs.\n";
    out += ".SH SEE ALSO\n";
    std::string see;
    if (!name.empty())
        see = "\\fBmlci\\fR(1)";
    for (auto* sub : visible_subcommands(&app))
        if (sub->get_name() != name)
            see += (see.empty() ? "" : ", ") + ("\\fBmlci\\-" + roff(sub->get_name()) + "\\fR(1)");
    out += see + "\n";
    return out;
}

void register_help(CLI::App& app, Context& ctx) {
    struct Options {
        std::string step;
        bool man = false;
        bool list = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("help", "Show help for mlci or one of its commands");
    cmd->group("Setup");
    cmd->add_option("step", opts->step, "The command")->type_name("STEP");
    cmd->add_flag("--man", opts->man, "Print the man page source (roff) instead");
    cmd->add_flag("--list", opts->list, "List the commands, one a line");
    cmd->callback([&app, &ctx, opts] {
        if (opts->list) {
            for (auto* sub : visible_subcommands(&app))
                ctx.out.result(sub->get_name());
            return;
        }
        CLI::App* target = &app;
        if (!opts->step.empty()) {
            try {
                target = app.get_subcommand(opts->step);
            } catch (const CLI::OptionNotFound&) {
                auto best = close_name(opts->step, subcommand_names(app));
                throw Failure(
                    Error{Exit::usage,
                          fmt::format("no command '{}'{}", opts->step,
                                      best.empty() ? std::string(" (see 'mlci help')")
                                                   : fmt::format("; did you mean '{}'?", best))});
            }
        }
        if (opts->man) {
            std::fputs(man_page(app, ctx, opts->step).c_str(), stdout);
            return;
        }
        // The footer holds the description and examples (attach_docs).
        // As `mlci STEP --help` prints it: "Usage: mlci STEP ...".
        std::fputs((target == &app ? app.help() : target->help(app.get_name())).c_str(), stdout);
    });
    ctx.document(
        {"mlci",
         "mlci is CI/CD for machine learning as one native binary. Its commands are the steps "
         "of an ML delivery pipeline: data-version, test, train, validate, package, push, deploy "
         "and watch. Each step reads and writes content-addressed artifacts (OCI manifests and "
         "blobs) in a local store, so that any CI runner, or a shell pipeline, can call the steps "
         "one by one and pass references between them.\n\nResults (references, one a line, or "
         "one JSON document with --json) go to standard output; notes, tables and progress go to "
         "standard error. A reference is NAME[:TAG][@sha256:HEX], a digest sha256:HEX, a unique "
         "prefix of at least 7 hex digits, or - to read one from standard input. An unknown "
         "command FOO runs mlci-FOO from PATH when there is one, as git does.",
         {{"mlci init", "create a store in the current folder"},
          {"mlci data-version add data/iris.csv", "version a dataset"},
          {"mlci help data-version", "help for one command"}}});
    ctx.document({"help",
                  "Prints the help of mlci or of one command: the flags, then the description "
                  "and examples of its man page, as 'mlci STEP --help' does. With --man, the man "
                  "page source itself.",
                  {{"mlci help data-version", "help for data-version"},
                   {"mlci help --man show | man -l -", "read a man page without installing it"}}});
}

} // namespace mlci::cli
