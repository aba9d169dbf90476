// GitLab CI log sections: with GITLAB_CI=true, each mlci step's stderr goes
// into a collapsible section of the job log named after the step, so a long
// pipeline log reads as one line per step until opened.
#pragma once

#include <string>

namespace mlci::cli {

class CiSection {
public:
    // Opens a section for `mlci STEP ...` when running under GitLab CI (and
    // not --quiet); otherwise does nothing.
    CiSection(int argc, char** argv);
    ~CiSection();
    CiSection(const CiSection&) = delete;
    CiSection& operator=(const CiSection&) = delete;

private:
    std::string m_name; // empty: no section open
};

} // namespace mlci::cli
