#include <algorithm>
#include <cmath>
#include <mlci/core/clock.hpp>
#include <mlci/core/format.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/validate/validation.hpp>

namespace mlci::validate {

namespace {

std::string known_metrics(const RunSummary& run) {
    std::string list;
    size_t n = 0;
    for (auto& [name, value] : run.metrics) {
        if (++n > 12) {
            list += ", ...";
            break;
        }
        list += (list.empty() ? "" : ", ") + name;
    }
    return list.empty() ? "it records no metrics" : "it has " + list;
}

CriterionResult check(const RunSummary& run, const Criterion& c) {
    CriterionResult r{c, std::nullopt, false, {}};
    auto it = run.metrics.find(c.metric);
    if (it == run.metrics.end()) {
        r.message = fmt::format("metric '{}' is missing from run '{}' ({})", c.metric,
                                run.reference(), known_metrics(run));
        return r;
    }
    r.measured = it->second;
    r.passed = c.holds(it->second);
    if (!r.passed)
        r.message = fmt::format("{} is {}, which is not {} {}", c.metric, human_number(it->second),
                                to_string(c.op), human_number(c.value));
    return r;
}

RegressionResult regress(const RunSummary& run, const RunSummary& baseline,
                         const RegressionLimit& limit, const std::vector<Criterion>& criteria) {
    RegressionResult r;
    r.limit = limit;
    r.direction = limit.direction.value_or(direction_of(limit.metric, criteria));
    auto m = run.metrics.find(limit.metric);
    auto b = baseline.metrics.find(limit.metric);
    if (m != run.metrics.end())
        r.measured = m->second;
    if (b != baseline.metrics.end())
        r.baseline = b->second;
    if (!r.measured) {
        r.message = fmt::format("metric '{}' is missing from run '{}' ({})", limit.metric,
                                run.reference(), known_metrics(run));
        return r;
    }
    if (!r.baseline) {
        r.message = fmt::format("metric '{}' is missing from the baseline '{}' ({})", limit.metric,
                                baseline.reference(), known_metrics(baseline));
        return r;
    }
    r.change = *r.measured - *r.baseline;
    r.allowed = limit.relative ? limit.delta * std::abs(*r.baseline) : limit.delta;
    double worse = r.direction == Direction::higher_is_better ? -r.change : r.change;
    // A hair of slack so that a change of exactly the limit, computed in
    // floating point, passes as the user meant.
    r.passed = worse <= r.allowed + 1e-12 * std::max(1.0, std::abs(*r.baseline));
    if (!r.passed)
        r.message = fmt::format("{} went from {} to {} ({}), more than the {} allowed",
                                limit.metric, human_number(*r.baseline), human_number(*r.measured),
                                human_change(r.change), human_number(r.allowed));
    return r;
}

// Flags take the place of the configured rules on their metric, so that
// tables keep mlci.yaml's order; flags on other metrics come last.
template <typename T, typename Key>
std::vector<T> merge(const std::vector<T>& configured, const std::vector<T>& flags, Key key) {
    std::vector<T> out;
    std::vector<bool> used(flags.size(), false);
    for (auto& c : configured) {
        bool replaced = false;
        for (size_t i = 0; i < flags.size(); ++i)
            if (key(flags[i]) == key(c)) {
                replaced = true;
                if (!used[i])
                    out.push_back(flags[i]);
                used[i] = true;
            }
        if (!replaced)
            out.push_back(c);
    }
    for (size_t i = 0; i < flags.size(); ++i)
        if (!used[i])
            out.push_back(flags[i]);
    return out;
}

nlohmann::json optional_number(const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

std::vector<Criterion> merge_criteria(const std::vector<Criterion>& configured,
                                      const std::vector<Criterion>& flags) {
    return merge(configured, flags, [](const Criterion& c) { return c.metric; });
}

std::vector<RegressionLimit> merge_limits(const std::vector<RegressionLimit>& configured,
                                          const std::vector<RegressionLimit>& flags) {
    return merge(configured, flags, [](const RegressionLimit& l) { return l.metric; });
}

Validation evaluate(const RunSummary& run, const std::optional<RunSummary>& baseline,
                    const std::vector<Criterion>& criteria,
                    const std::vector<RegressionLimit>& limits) {
    Validation v;
    v.run = run;
    v.baseline = baseline;
    v.created = now_rfc3339();
    v.passed = run.succeeded();
    for (auto& c : criteria) {
        v.criteria.push_back(check(run, c));
        v.passed = v.passed && v.criteria.back().passed;
    }
    if (baseline)
        for (auto& l : limits) {
            v.regressions.push_back(regress(run, *baseline, l, criteria));
            v.passed = v.passed && v.regressions.back().passed;
        }
    return v;
}

nlohmann::json to_json(const Validation& v) {
    nlohmann::json criteria = nlohmann::json::array();
    for (auto& c : v.criteria) {
        nlohmann::json j{{"metric", c.criterion.metric},
                         {"op", to_string(c.criterion.op)},
                         {"expected", c.criterion.value},
                         {"measured", optional_number(c.measured)},
                         {"passed", c.passed}};
        if (!c.message.empty())
            j["message"] = c.message;
        criteria.push_back(std::move(j));
    }
    nlohmann::json regressions = nlohmann::json::array();
    for (auto& r : v.regressions) {
        nlohmann::json j{{"metric", r.limit.metric},
                         {"direction", to_string(r.direction)},
                         {"max_regression", r.limit.relative
                                                ? nlohmann::json(fmt::format(
                                                      "{}%", human_number(r.limit.delta * 100)))
                                                : nlohmann::json(r.limit.delta)},
                         {"allowed", r.allowed},
                         {"baseline", optional_number(r.baseline)},
                         {"measured", optional_number(r.measured)},
                         {"change", r.baseline && r.measured ? nlohmann::json(r.change)
                                                             : nlohmann::json(nullptr)},
                         {"passed", r.passed}};
        if (!r.message.empty())
            j["message"] = r.message;
        regressions.push_back(std::move(j));
    }
    nlohmann::json baseline = nullptr;
    if (v.baseline)
        baseline = {
            {"reference", v.baseline_source.empty() ? v.baseline->reference() : v.baseline_source},
            {"digest", v.baseline->entry.descriptor.digest.str()},
            {"name", v.baseline->name},
            {"metrics", v.baseline->metrics}};
    return {{"kind", "validation"},
            {"created", v.created},
            {"tool", "mlci " MLCI_VERSION},
            {"run",
             {{"reference", v.run.reference()},
              {"digest", v.run.entry.descriptor.digest.str()},
              {"name", v.run.name},
              {"status", v.run.status},
              {"metrics", v.run.metrics}}},
            {"status",
             {{"expected", train::to_string(train::RunStatus::succeeded)},
              {"measured", v.run.status},
              {"passed", v.status_ok()}}},
            {"criteria", std::move(criteria)},
            {"baseline", std::move(baseline)},
            {"regressions", std::move(regressions)},
            {"verdict", v.verdict()}};
}

nlohmann::json result_json(const Validation& v, const std::string& reference,
                           const hash::Digest& digest) {
    auto doc = to_json(v);
    doc["reference"] = reference;
    doc["digest"] = digest.str();
    return doc;
}

Result<store::Descriptor> store_validation(store::Store& store, const Validation& v,
                                           const std::vector<ExtraLayer>& layers,
                                           const std::vector<std::string>& tags) {
    for (auto& t : tags)
        MLCI_TRY(store::validate_tag(t));
    MLCI_TRY_ASSIGN(writer_lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = store::k_type_validation;
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(to_json(v)), k_media_validation));
    m.config = config;
    for (auto& l : layers) {
        MLCI_TRY_ASSIGN(d, store.put_blob(l.content, l.media_type));
        d.annotations["org.opencontainers.image.title"] = l.title;
        m.layers.push_back(d);
    }
    // The subject descriptor names the run as a manifest, without the
    // index's ref.name: a tag is not part of the run's identity.
    auto& run = v.run.entry.descriptor;
    m.subject = store::Descriptor{run.media_type.empty() ? store::k_oci_manifest : run.media_type,
                                  run.digest,
                                  run.size,
                                  store::k_type_run,
                                  {},
                                  {}};
    store.freshen(run.digest);
    m.annotations = {{store::k_ann_created, v.created},
                     {store::k_ann_kind, "validation"},
                     {k_ann_verdict, v.verdict()},
                     {std::string(store::k_ann_lineage_prefix) + "run", run.digest.str()}};
    if (!v.run.name.empty())
        m.annotations[store::k_ann_name] = v.run.name;
    if (v.baseline)
        m.annotations[std::string(store::k_ann_lineage_prefix) + "baseline"] =
            v.baseline->entry.descriptor.digest.str();
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    MLCI_TRY(store.sync());
    MLCI_TRY(store.add_to_index(desc, tags));
    return desc;
}

Result<std::optional<ValidationInfo>> latest_validation(const store::Store& store,
                                                        const hash::Digest& run) {
    MLCI_TRY_ASSIGN(entries, store.entries());
    std::optional<ValidationInfo> best;
    for (auto& e : entries) {
        if (e.descriptor.artifact_type != store::k_type_validation)
            continue;
        if (best && best->entry.descriptor.digest == e.descriptor.digest)
            continue; // the same validation listed again under a tag
        MLCI_TRY_ASSIGN(m, store.read_manifest(e.descriptor.digest));
        if (!m.subject || m.subject->digest != run)
            continue;
        auto get = [&](const char* key) {
            auto it = m.annotations.find(key);
            return it == m.annotations.end() ? std::string() : it->second;
        };
        ValidationInfo info{e, m, get(k_ann_verdict), get(store::k_ann_created)};
        // RFC 3339 UTC strings order as times; later in the index wins a tie.
        if (!best || info.created >= best->created)
            best = std::move(info);
    }
    return best;
}

} // namespace mlci::validate
