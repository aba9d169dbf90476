#include <mlci/oci/media_types.hpp>
#include <mlci/oci/provenance.hpp>
#include <mlci/store/media_types.hpp>

namespace mlci::oci {

namespace {

nlohmann::json to_json(const Resource& r) {
    nlohmann::json j = nlohmann::json::object();
    if (!r.name.empty())
        j["name"] = r.name;
    if (!r.uri.empty())
        j["uri"] = r.uri;
    if (!r.digest.empty())
        j["digest"] = r.digest;
    if (!r.media_type.empty())
        j["mediaType"] = r.media_type;
    if (!r.annotations.empty())
        j["annotations"] = r.annotations;
    return j;
}

nlohmann::json to_json(const std::vector<Resource>& rs) {
    auto a = nlohmann::json::array();
    for (auto& r : rs)
        a.push_back(to_json(r));
    return a;
}

} // namespace

nlohmann::json provenance_statement(const Provenance& p) {
    nlohmann::json build{{"buildType", k_build_type},
                         {"externalParameters", p.external_parameters},
                         {"resolvedDependencies", to_json(p.dependencies)}};
    if (!p.internal_parameters.empty())
        build["internalParameters"] = p.internal_parameters;
    nlohmann::json run{{"builder", {{"id", k_builder_id}, {"version", {{"mlci", MLCI_VERSION}}}}},
                       {"byproducts", to_json(p.byproducts)}};
    return {{"_type", k_statement_type},
            {"subject", nlohmann::json::array({{{"name", p.subject_name},
                                                {"digest", {{"sha256", p.subject.hex()}}}}})},
            {"predicateType", k_slsa_provenance},
            {"predicate", {{"buildDefinition", build}, {"runDetails", run}}}};
}

Result<store::Descriptor> put_attestation(store::Store& store, const store::Descriptor& subject,
                                          const nlohmann::json& statement,
                                          const std::string& created) {
    MLCI_TRY_ASSIGN(empty, store.put_blob("{}", store::k_oci_empty));
    MLCI_TRY_ASSIGN(layer, store.put_blob(store::canonical(statement), k_in_toto));
    layer.annotations[k_ann_predicate_type] = statement.value("predicateType", "");
    store::Manifest m;
    m.artifact_type = k_in_toto;
    m.config = empty;
    m.layers = {layer};
    m.subject = store::Descriptor{subject.media_type, subject.digest, subject.size, {}, {}, {}};
    m.annotations = {{store::k_ann_created, created},
                     {store::k_ann_kind, "provenance"},
                     {k_ann_predicate_type, statement.value("predicateType", "")}};
    return store.put_manifest(m);
}

} // namespace mlci::oci
