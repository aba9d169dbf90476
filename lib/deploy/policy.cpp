#include <fmt/format.h>
#include <mlci/deploy/policy.hpp>
#include <mlci/oci/media_types.hpp>
#include <mlci/oci/provenance.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/validate/validation.hpp>

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
    MLCI_TRY_ASSIGN(latest, validate::latest_validation(store, run));
    if (latest) {
        check.passed = latest->passed();
        check.detail =
            fmt::format("validation {} of run {}: {}", latest->entry.descriptor.digest.short_hex(),
                        run.short_hex(), latest->verdict);
        return check;
    }
    // The run's validation may not be in this store (the package was pulled
    // alone); the verdict recorded in the package is then what we know.
    auto verdict = annotation(m, validate::k_ann_verdict);
    auto named = annotation(m, k_ann_validation);
    check.passed = verdict == "passed" && !named.empty();
    check.detail = named.empty() ? fmt::format("run {} was never validated: run `mlci validate` "
                                               "and package it again",
                                               run.short_hex())
                                 : fmt::format("the package records validation {}: {}",
                                               named.substr(0, 19), verdict);
    return check;
}

// The package's SLSA provenance (a referrer `mlci package` stores) must name
// this very image as its subject and the run the image says it holds: an
// image swapped or relabelled after it was built fails here.
Result<PolicyCheck> check_provenance(const store::Store& store, const store::Descriptor& package,
                                     const store::Manifest& m) {
    PolicyCheck check{"provenance", false, {}};
    auto run = annotation(m, std::string(store::k_ann_lineage_prefix) + "run");
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::string problem = "no provenance attestation of this image in the store (pull it "
                          "with its referrers, or package the run again)";
    for (auto& e : entries) {
        if (e.descriptor.artifact_type != oci::k_in_toto)
            continue;
        MLCI_TRY_ASSIGN(att, store.read_manifest(e.descriptor.digest));
        if (!att.subject || att.subject->digest != package.digest || att.layers.empty() ||
            annotation(att, oci::k_ann_predicate_type) != oci::k_slsa_provenance)
            continue;
        MLCI_TRY_ASSIGN(text, store.read_blob(att.layers.front().digest));
        auto statement = nlohmann::json::parse(text, nullptr, false);
        bool names_image = false, names_run = run.empty();
        if (statement.is_object() && statement["subject"].is_array())
            for (auto& subject : statement["subject"])
                if (subject.is_object() && subject["digest"].is_object() &&
                    subject["digest"].value("sha256", "") == package.digest.hex())
                    names_image = true;
        auto deps = statement.is_object()
                        ? statement["predicate"]["buildDefinition"]["resolvedDependencies"]
                        : nlohmann::json();
        if (deps.is_array())
            for (auto& d : deps)
                if (d.is_object() && d.value("name", "") == "run" && d["digest"].is_object() &&
                    "sha256:" + d["digest"].value("sha256", "") == run)
                    names_run = true;
        if (names_image && names_run) {
            check.passed = true;
            check.detail = fmt::format("provenance {} names this image and its run",
                                       e.descriptor.digest.short_hex());
            return check;
        }
        problem = fmt::format("provenance {} does not match: {}", e.descriptor.digest.short_hex(),
                              !names_image ? "its subject is another image"
                                           : "it names another run than the image's lineage");
    }
    check.detail = problem;
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
        MLCI_TRY_ASSIGN(p, check_provenance(store, package, manifest));
        checks.push_back(std::move(p));
    }
    if (settings.public_key) {
        MLCI_TRY_ASSIGN(s, check_signature(store, package, *settings.public_key));
        checks.push_back(std::move(s));
    }
    return checks;
}

} // namespace mlci::deploy
