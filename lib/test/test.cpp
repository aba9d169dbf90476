// Running a test plan and storing its report artifact.
#include <mlci/core/clock.hpp>
#include <mlci/junit/xml.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/test/test.hpp>

namespace mlci::test {

namespace {

constexpr const char* k_ann_title = "org.opencontainers.image.title";

std::string kind_of(const store::Store& store, const store::IndexEntry& e) {
    auto type = e.descriptor.artifact_type;
    if (type.empty())
        if (auto m = store.read_manifest(e.descriptor.digest))
            type = m->artifact_type;
    auto prefix = std::string_view("application/vnd.mlci.");
    if (type.starts_with(prefix)) {
        auto kind = type.substr(prefix.size());
        return kind.substr(0, kind.rfind(".v"));
    }
    return type.empty() ? "image" : type;
}

std::string join_digests(const std::vector<hash::Digest>& digests) {
    std::string out;
    for (auto& d : digests)
        if (out.find(d.str()) == std::string::npos)
            out += (out.empty() ? "" : ",") + d.str();
    return out;
}

} // namespace

junit::Counts TestRun::counts() const {
    junit::Counts c;
    for (auto& s : junit())
        c += s.counts();
    return c;
}

std::vector<junit::TestSuite> TestRun::junit() const {
    std::vector<junit::TestSuite> out;
    for (auto& s : suites)
        out.insert(out.end(), s.suites.begin(), s.suites.end());
    for (auto& d : data)
        out.push_back(to_suite(d));
    return out;
}

Result<TestRun> run_tests(const store::Store& store, const TestPlan& plan,
                          const TestCallbacks& callbacks) {
    TestRun run;
    run.subject = plan.subject;
    run.tested = plan.tested;
    run.created = now_rfc3339();
    for (auto& spec : plan.suites) {
        if (callbacks.on_suite_start)
            callbacks.on_suite_start(spec);
        MLCI_TRY_ASSIGN(r, run_suite(spec, callbacks.on_output));
        run.suites.push_back(std::move(r));
    }
    for (auto& spec : plan.data) {
        MLCI_TRY_ASSIGN(d, check_dataset(store, spec, callbacks.reporter));
        run.data.push_back(std::move(d));
    }
    return run;
}

nlohmann::json to_json(const TestRun& run) {
    return to_json(run, nullptr);
}

nlohmann::json to_json(const TestRun& run, const store::Store* store) {
    nlohmann::json suites = nlohmann::json::array();
    for (auto& s : run.suites) {
        nlohmann::json reports = nlohmann::json::array();
        for (auto& t : s.suites)
            reports.push_back(junit::to_json(t));
        nlohmann::json j = junit::to_json(s.counts());
        j["name"] = s.name;
        j["command"] = junit::clean_text(s.command);
        j["exit_status"] = s.exit_code;
        j["timed_out"] = s.timed_out;
        j["seconds"] = s.seconds;
        j["junit"] = s.junit.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.junit);
        j["passed"] = s.passed();
        j["suites"] = std::move(reports);
        suites.push_back(std::move(j));
    }
    nlohmann::json data = nlohmann::json::array();
    for (auto& d : run.data)
        data.push_back(to_json(d));
    nlohmann::json subject = nullptr;
    if (run.subject)
        subject = {{"reference", store::display_name(*run.subject)},
                   {"digest", run.subject->descriptor.digest.str()},
                   {"kind", store ? nlohmann::json(kind_of(*store, *run.subject))
                                  : nlohmann::json(nullptr)}};
    nlohmann::json tested = nlohmann::json::array();
    for (auto& t : run.tested)
        tested.push_back(t.descriptor.digest.str());
    return {{"kind", "test-report"},
            {"created", run.created},
            {"tool", "mlci " MLCI_VERSION},
            {"verdict", run.passed() ? "passed" : "failed"},
            {"summary", junit::to_json(run.counts())},
            {"subject", std::move(subject)},
            {"tested", std::move(tested)},
            {"suites", std::move(suites)},
            {"data", std::move(data)}};
}

nlohmann::json result_json(const TestRun& run, const store::Store& store,
                           const std::string& reference, const hash::Digest& digest,
                           const std::string& junit_file) {
    auto doc = to_json(run, &store);
    doc["reference"] = reference;
    doc["digest"] = digest.str();
    if (!junit_file.empty())
        doc["junit_file"] = junit_file;
    return doc;
}

Result<store::Descriptor> store_test_report(store::Store& store, const TestRun& run,
                                            const std::vector<std::string>& tags) {
    for (auto& t : tags)
        MLCI_TRY(store::validate_tag(t));
    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = store::k_type_test_report;
    MLCI_TRY_ASSIGN(config,
                    store.put_blob(store::canonical(to_json(run, &store)), k_media_test_report));
    m.config = config;
    auto layer = [&](std::string_view content, const char* media_type,
                     std::string title) -> Status {
        MLCI_TRY_ASSIGN(d, store.put_blob(content, media_type));
        d.annotations[k_ann_title] = std::move(title);
        m.layers.push_back(std::move(d));
        return {};
    };
    MLCI_TRY(layer(junit::write_junit(run.junit(), "mlci test"), "application/xml", "junit.xml"));
    for (auto& s : run.suites) {
        MLCI_TRY(layer(s.log, "text/plain; charset=utf-8", "logs/" + s.name + ".log"));
        if (!s.junit_text.empty())
            MLCI_TRY(layer(s.junit_text, "application/xml",
                           s.junit.empty() ? "junit/" + s.name + ".xml" : s.junit));
    }
    if (run.subject) {
        auto& d = run.subject->descriptor;
        m.subject = store::Descriptor{d.media_type.empty() ? store::k_oci_manifest : d.media_type,
                                      d.digest,
                                      d.size,
                                      d.artifact_type,
                                      {},
                                      {}};
        if (m.subject->artifact_type.empty())
            if (auto sm = store.read_manifest(d.digest))
                m.subject->artifact_type = sm->artifact_type;
    }
    auto counts = run.counts();
    m.annotations = {{store::k_ann_created, run.created},
                     {store::k_ann_kind, "test-report"},
                     {k_ann_verdict, run.passed() ? "passed" : "failed"},
                     {"dev.mlci.tests", std::to_string(counts.tests)},
                     {"dev.mlci.failures", std::to_string(counts.failures + counts.errors)}};
    std::vector<hash::Digest> tested, references;
    for (auto& t : run.tested) {
        tested.push_back(t.descriptor.digest);
        store.freshen(t.descriptor.digest);
    }
    for (auto& d : run.data)
        if (!d.drift_reference.empty())
            references.push_back(d.drift_digest);
    if (!tested.empty())
        m.annotations[std::string(store::k_ann_lineage_prefix) + "tested"] = join_digests(tested);
    if (!references.empty())
        m.annotations[std::string(store::k_ann_lineage_prefix) + "reference"] =
            join_digests(references);
    if (run.subject)
        m.annotations[store::k_ann_name] = store::display_name(*run.subject);
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    MLCI_TRY(store.sync());
    MLCI_TRY(store.add_to_index(desc, tags));
    return desc;
}

} // namespace mlci::test
