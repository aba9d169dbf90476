// How a validation reads outside mlci: Markdown for a merge-request comment
// and JUnit for CI test widgets.
#pragma once

#include <mlci/junit/junit.hpp>
#include <mlci/validate/validation.hpp>
#include <string>

namespace mlci::report {

// A Markdown report: verdict, criteria table, regression table against the
// baseline, every metric with its change, and lineage (run -> code and input
// datasets). `validation_ref` names the stored validation (may be empty).
// GitLab and GitHub render it in merge-request comments.
std::string validation_markdown(const validate::Validation& v, const std::string& validation_ref);

// One JUnit suite: a case for the run's status, each criterion and each
// regression limit, failed when it did not hold.
junit::TestSuite validation_suite(const validate::Validation& v);

} // namespace mlci::report
