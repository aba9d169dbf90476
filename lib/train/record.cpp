#include <charconv>
#include <mlci/core/json.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/train/record.hpp>

namespace mlci::train {

namespace {

nlohmann::json str_or_null(const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

std::string str_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

template <typename T>
T num_of(const nlohmann::json& j, const char* key, T fallback = T()) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<T>() : fallback;
}

} // namespace

std::string_view to_string(RunStatus s) {
    switch (s) {
    case RunStatus::succeeded:
        return "succeeded";
    case RunStatus::failed:
        return "failed";
    case RunStatus::timeout:
        return "timeout";
    case RunStatus::interrupted:
        return "interrupted";
    }
    return "failed";
}

std::optional<RunStatus> parse_status(std::string_view text) {
    for (auto s :
         {RunStatus::succeeded, RunStatus::failed, RunStatus::timeout, RunStatus::interrupted})
        if (to_string(s) == text)
            return s;
    return {};
}

nlohmann::json to_json(const RunRecord& r) {
    nlohmann::json inputs = nlohmann::json::array();
    for (auto& i : r.inputs)
        inputs.push_back({{"name", i.name},
                          {"reference", i.reference},
                          {"digest", i.digest.str()},
                          {"paths", i.paths}});
    nlohmann::json outputs = nlohmann::json::array();
    for (auto& o : r.outputs)
        outputs.push_back({{"path", o.path}, {"size", o.size}, {"digest", o.digest.str()}});
    nlohmann::json code = nullptr;
    if (r.code)
        code = {{"commit", str_or_null(r.code->commit)},
                {"branch", str_or_null(r.code->branch)},
                {"dirty", r.code->dirty},
                {"diff_digest", str_or_null(r.code->diff_digest)},
                {"remote", str_or_null(r.code->remote)}};
    nlohmann::json metrics = nlohmann::json::object();
    for (auto& [k, v] : r.metrics)
        metrics[k] = v;
    nlohmann::json command =
        r.command.argv.empty() ? nlohmann::json(r.command.shell) : nlohmann::json(r.command.argv);
    nlohmann::json out = {
        {"kind", "run"},
        {"id", r.id},
        {"name", r.name},
        {"status", to_string(r.status)},
        {"exit_code", r.exit_code},
        {"signal", r.signal == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.signal)},
        {"command", command},
        {"workdir", r.workdir},
        {"params", r.params},
        {"params_file", str_or_null(r.params_file)},
        {"inputs", inputs},
        {"code", code},
        {"environment", r.environment},
        {"started", r.started},
        {"ended", r.ended},
        {"wall_seconds", r.wall_seconds},
        {"cpu_seconds", r.cpu_seconds},
        {"max_rss_bytes", r.max_rss_bytes},
        {"timeout_seconds",
         r.timeout_seconds ? nlohmann::json(*r.timeout_seconds) : nlohmann::json(nullptr)},
        {"outputs", outputs},
        {"metrics", metrics},
        {"metrics_file", str_or_null(r.metrics_file)},
        {"cache",
         {{"key", str_or_null(r.cache.key)},
          {"hit", r.cache.hit},
          {"source", str_or_null(r.cache.source)},
          {"deps", r.cache.deps.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.cache.deps)}}},
        {"tool", "mlci " MLCI_VERSION}};
    if (!r.stage.empty()) { // absent from single runs: their records stay as they were
        nlohmann::json upstream = nlohmann::json::array();
        for (auto& u : r.upstream)
            upstream.push_back(
                {{"stage", u.stage}, {"reference", u.reference}, {"digest", u.digest.str()}});
        out["stage"] = r.stage;
        out["upstream"] = std::move(upstream);
    }
    return out;
}

Result<RunRecord> run_record_from_json(const nlohmann::json& j, std::string_view where) {
    if (!j.is_object() || j.value("kind", "") != "run")
        return usage_error("'{}' is not a run record", where);
    RunRecord r;
    r.id = str_of(j, "id");
    r.name = str_of(j, "name");
    auto status = parse_status(str_of(j, "status"));
    if (!status)
        return usage_error("run record '{}' has no valid status", where);
    r.status = *status;
    r.exit_code = num_of<int>(j, "exit_code");
    r.signal = num_of<int>(j, "signal");
    if (auto c = j.find("command"); c != j.end()) {
        if (c->is_array()) {
            for (auto& a : *c)
                if (a.is_string())
                    r.command.argv.push_back(a.get<std::string>());
        } else if (c->is_string()) {
            r.command.shell = c->get<std::string>();
        }
    }
    r.workdir = j.value("workdir", ".");
    if (auto p = j.find("params"); p != j.end() && p->is_object())
        r.params = *p;
    r.params_file = str_of(j, "params_file");
    if (auto in = j.find("inputs"); in != j.end() && in->is_array())
        for (auto& i : *in) {
            InputRecord rec{str_of(i, "name"), str_of(i, "reference"), {}, {}};
            if (auto d = hash::Digest::parse(str_of(i, "digest")))
                rec.digest = *d;
            if (auto p = i.find("paths"); p != i.end() && p->is_array())
                for (auto& s : *p)
                    if (s.is_string())
                        rec.paths.push_back(s.get<std::string>());
            r.inputs.push_back(std::move(rec));
        }
    if (auto c = j.find("code"); c != j.end() && c->is_object())
        r.code = CodeRecord{str_of(*c, "commit"), str_of(*c, "branch"), c->value("dirty", false),
                            str_of(*c, "diff_digest"), str_of(*c, "remote")};
    if (auto e = j.find("environment"); e != j.end() && e->is_object())
        r.environment = *e;
    r.started = str_of(j, "started");
    r.ended = str_of(j, "ended");
    r.wall_seconds = num_of<double>(j, "wall_seconds");
    r.cpu_seconds = num_of<double>(j, "cpu_seconds");
    r.max_rss_bytes = num_of<uint64_t>(j, "max_rss_bytes");
    if (auto t = j.find("timeout_seconds"); t != j.end() && t->is_number())
        r.timeout_seconds = t->get<double>();
    if (auto out = j.find("outputs"); out != j.end() && out->is_array())
        for (auto& o : *out) {
            OutputRecord rec{str_of(o, "path"), num_of<uint64_t>(o, "size"), {}};
            if (auto d = hash::Digest::parse(str_of(o, "digest")))
                rec.digest = *d;
            r.outputs.push_back(std::move(rec));
        }
    if (auto m = j.find("metrics"); m != j.end() && m->is_object())
        r.metrics = flatten_metrics(*m);
    r.metrics_file = str_of(j, "metrics_file");
    if (auto c = j.find("cache"); c != j.end() && c->is_object()) {
        r.cache = {str_of(*c, "key"), c->value("hit", false), str_of(*c, "source"), {}};
        if (auto d = c->find("deps"); d != c->end() && d->is_object())
            for (auto& [path, id] : d->items())
                if (id.is_string())
                    r.cache.deps[path] = id.get<std::string>();
    }
    r.stage = str_of(j, "stage");
    if (auto up = j.find("upstream"); up != j.end() && up->is_array())
        for (auto& u : *up) {
            UpstreamRecord rec{str_of(u, "stage"), str_of(u, "reference"), {}};
            if (auto d = hash::Digest::parse(str_of(u, "digest")))
                rec.digest = *d;
            r.upstream.push_back(std::move(rec));
        }
    return r;
}

std::string Run::reference() const {
    return store::display_name(entry);
}

const store::Descriptor* Run::layer(std::string_view title) const {
    for (auto& l : manifest.layers)
        if (auto it = l.annotations.find(k_ann_title);
            it != l.annotations.end() && it->second == title)
            return &l;
    return nullptr;
}

std::optional<std::pair<std::string, long>> parse_version_tag(std::string_view tag) {
    auto colon = tag.rfind(':');
    if (colon == std::string_view::npos || colon + 2 > tag.size() || tag[colon + 1] != 'v')
        return {};
    auto digits = tag.substr(colon + 2);
    long n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty())
        return {};
    return std::pair{std::string(tag.substr(0, colon)), n};
}

std::optional<store::IndexEntry> best_entry(const std::vector<store::IndexEntry>& entries,
                                            const hash::Digest& d) {
    const store::IndexEntry* best = nullptr;
    auto rank = [](const store::IndexEntry& e) {
        return parse_version_tag(e.tag) ? 2 : e.tag.empty() ? 0 : 1;
    };
    for (auto& e : entries)
        if (e.descriptor.digest == d && (!best || rank(e) > rank(*best)))
            best = &e;
    if (!best)
        return {};
    return *best;
}

Result<Run> load_run(const store::Store& store, const store::IndexEntry& entry) {
    Run run;
    run.entry = entry;
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    if (m.artifact_type != store::k_type_run)
        return usage_error("'{}' is not a run (it is {})", store::display_name(entry),
                           m.artifact_type.empty() ? "an image" : m.artifact_type);
    run.manifest = std::move(m);
    MLCI_TRY_ASSIGN(text, store.read_blob(run.manifest.config.digest));
    MLCI_TRY_ASSIGN(
        j, parse_json(text, fmt::format("run record '{}'", run.manifest.config.digest.str())));
    MLCI_TRY_ASSIGN(record, run_record_from_json(j, run.manifest.config.digest.str()));
    run.record = std::move(record);
    return run;
}

} // namespace mlci::train
