#include "ci_section.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <unistd.h>

namespace mlci::cli {

namespace {

bool quiet(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "-q") == 0 || std::strcmp(argv[i], "--quiet") == 0)
            return true;
    return false;
}

// The step: the first argument that is not a global flag (or its value).
std::string step_of(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--store") {
            ++i;
            continue;
        }
        if (!a.starts_with("-"))
            return a;
    }
    return {};
}

} // namespace

CiSection::CiSection(int argc, char** argv) {
    const char* gitlab = std::getenv("GITLAB_CI");
    if (!gitlab || std::strcmp(gitlab, "true") != 0 || quiet(argc, argv))
        return;
    auto step = step_of(argc, argv);
    if (step.empty() || step == "help" || step == "completion")
        return;
    // Section names allow letters, digits, '_', '.' and '-' only.
    std::string safe;
    for (char c : step)
        safe += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    m_name = fmt::format("mlci_{}_{}", safe, getpid());
    // Only the step's name in the header: arguments may carry secrets.
    fmt::print(stderr, "\033[0Ksection_start:{}:{}[collapsed=false]\r\033[0Kmlci {}\n",
               std::time(nullptr), m_name, step);
}

CiSection::~CiSection() {
    if (!m_name.empty())
        fmt::print(stderr, "\033[0Ksection_end:{}:{}\r\033[0K\n", std::time(nullptr), m_name);
}

} // namespace mlci::cli
