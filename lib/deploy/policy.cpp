#include <fmt/format.h>
#include <mlci/deploy/policy.hpp>
#include <mlci/gate/validation.hpp>
#include <mlci/oci/media_types.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::deploy {

namespace {

constexpr const char* k_ann_validation = "dev.mlci.validation";

std::string annotation(const store::Manifest& m, const std::string& key) {
    auto it = m.annotations.find(key);
    return it == m.annotations.end() ? std::string() : it->second;
}

// The package names the validation it was built from; a later validation
// of the same run (say against a newer baseline) overrides it.
Result<PolicyCheck> check_validation(const store::Store& store, const store::Manifest& m) {
    PolicyCheck check{"validation", false, {}};
    auto run_text = annotation(m, std::string(store::k_ann_lineage_prefix) + "run");
    if (run_text.empty()) {
        check.detail = "the package names no run: it was not made by `mlci package`";
        return check;
    }
    MLCI_TRY_ASSIGN(run, hash::Digest::parse(run_text));
    MLCI_TRY_ASSIGN(latest, gate::latest_validation(store, run));
    if (latest) {
        check.passed = latest->passed();
        check.detail =
            fmt::format("validation {} of run {}: {}", latest->entry.descriptor.digest.short_hex(),
                        run.short_hex(), latest->verdict);
        return check;
    }
    // The run's validation may not be in this store (the package was pulled
    // alone); the verdict recorded in the package is then what we know.
    auto verdict = annotation(m, gate::k_ann_verdict);
    auto named = annotation(m, k_ann_validation);
    check.passed = verdict == "passed" && !named.empty();
    check.detail = named.empty() ? fmt::format("run {} was never validated: run `mlci validate` "
                                               "and package it again",
                                               run.short_hex())
                                 : fmt::format("the package records validation {}: {}",
                                               named.substr(0, 19), verdict);
    return check;
}

} // namespace

bool is_package(const store::Manifest& m) {
    return annotation(m, store::k_ann_kind) == "package" ||
           m.artifact_type == store::k_type_package || m.artifact_type == oci::k_model_manifest;
}

Result<std::vector<PolicyCheck>> check_policy(const store::Store& store,
                                              const store::Descriptor& package,
                                              const store::Manifest& manifest,
                                              const PolicySettings& settings) {
    std::vector<PolicyCheck> checks;
    if (settings.require_validation) {
        MLCI_TRY_ASSIGN(v, check_validation(store, manifest));
        checks.push_back(std::move(v));
    }
    if (settings.public_key) {
        MLCI_TRY_ASSIGN(s, check_signature(store, package, *settings.public_key));
        checks.push_back(std::move(s));
    }
    return checks;
}

} // namespace mlci::deploy
