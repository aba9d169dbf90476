#include <atomic>
#include <map>
#include <mlci/core/json.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/test/dataset_check.hpp>
#include <mlci/test/table_check.hpp>

namespace mlci::test {

namespace {

bool is_csv(std::string_view path) {
    if (path.size() < 4)
        return false;
    auto ext = path.substr(path.size() - 4);
    return ext == ".csv" || ext == ".CSV" || ext == ".Csv";
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    if (from.empty())
        return;
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

struct Table {
    std::string path; // relative to the project root
    store::FileEntry file;
};

// The CSV tables of a dataset version, with their project-relative paths
// (file lists hold paths relative to their root's parent folder).
Result<std::vector<Table>> tables_of(const store::Store& store, const data::Dataset& ds) {
    std::vector<Table> out;
    for (auto& root : ds.roots) {
        MLCI_TRY_ASSIGN(files, data::load_files(store, root.file_list));
        auto parent = std::filesystem::path(root.path).parent_path();
        for (auto& f : files)
            if (is_csv(f.path))
                out.push_back({(parent / f.path).generic_string(), f});
    }
    return out;
}

// The reference's stored profiles by table path.
Result<std::map<std::string, data::TableProfile>> profiles_of(const store::Store& store,
                                                              const data::Dataset& ds) {
    std::map<std::string, data::TableProfile> out;
    for (auto& p : ds.profiles) {
        MLCI_TRY_ASSIGN(text, store.read_blob(p.blob.digest));
        MLCI_TRY_ASSIGN(
            j, parse_json(text, fmt::format("profile '{}' of '{}' in '{}'", p.blob.digest.str(),
                                            p.path, store::display_name(ds.entry))));
        MLCI_TRY_ASSIGN(profile, data::profile_from_json(j));
        out.emplace(p.path, std::move(profile));
    }
    return out;
}

} // namespace

Result<DatasetCheck> check_dataset(const store::Store& store, const DatasetCheckSpec& spec,
                                   const Reporter& reporter) {
    MLCI_TRY_ASSIGN(ds, data::load_dataset(store, spec.entry));
    DatasetCheck out;
    out.label = spec.label;
    out.name = ds.name();
    out.reference = store::display_name(spec.entry);
    out.digest = spec.entry.descriptor.digest;
    out.schema_source = spec.schema ? spec.schema_source : std::string();
    MLCI_TRY_ASSIGN(tables, tables_of(store, ds));

    std::map<std::string, data::TableProfile> reference;
    if (spec.reference) {
        MLCI_TRY_ASSIGN(ref, data::load_dataset(store, *spec.reference));
        MLCI_TRY_ASSIGN(profiles, profiles_of(store, ref));
        reference = std::move(profiles);
        out.drift_reference = store::display_name(*spec.reference);
        out.drift_digest = spec.reference->descriptor.digest;
        out.max_drift = spec.max_drift;
    }
    if (tables.empty()) {
        out.notes.push_back(fmt::format("'{}' holds no CSV table to check", out.reference));
        if (spec.schema) {
            // A schema that applies to nothing would otherwise pass silently.
            FileCheck f;
            f.path = out.reference;
            f.checks.push_back({"parse",
                                "",
                                Outcome::failed,
                                "the schema applies to CSV tables and this version has none",
                                1,
                                {},
                                nullptr});
            out.files.push_back(std::move(f));
        }
        return out;
    }
    if (!spec.schema)
        out.notes.push_back(fmt::format("no schema for '{}': only drift and well-formedness "
                                        "checked (declare datasets.{}.schema in mlci.yaml or pass "
                                        "--schema FILE)",
                                        out.name, out.name));

    out.files.resize(tables.size());
    std::vector<std::string> notes(tables.size());
    std::atomic<uint64_t> done{0};
    MLCI_TRY(parallel_for(tables.size(), default_jobs(), [&](size_t i) -> Status {
        auto& t = tables[i];
        auto& f = out.files[i];
        f.path = t.path;
        f.digest = t.file.digest;
        if (!store::has_content(store, t.file))
            return runtime_error("the content of '{}' ({}) is missing from the store (run "
                                 "'mlci verify', or pull the dataset again)",
                                 t.path, t.file.digest.str());
        const data::TableProfile* ref = nullptr;
        if (spec.reference) {
            if (auto it = reference.find(t.path); it != reference.end())
                ref = &it->second;
            else if (tables.size() == 1 && reference.size() == 1) {
                // One table each under different names (a renamed export).
                ref = &reference.begin()->second;
                notes[i] = fmt::format("drift of '{}' measured against '{}' of '{}'", t.path,
                                       reference.begin()->first, out.drift_reference);
            }
        }
        MLCI_TRY_ASSIGN(readable, store::readable_file(store, t.file));
        auto blob = readable.path().string();
        auto reader = data::CsvReader::open(blob);
        if (!reader) {
            auto message = reader.error().message;
            replace_all(message, blob, t.path);
            f.checks.push_back({"parse", "", Outcome::failed, message, 1, {}, nullptr});
        } else {
            auto r =
                check_table(*reader, {spec.schema ? &*spec.schema : nullptr, ref, spec.max_drift});
            for (auto& c : r.checks)
                replace_all(c.message, blob, t.path);
            f.rows = r.rows;
            f.checks = std::move(r.checks);
        }
        if (spec.reference && !ref)
            f.checks.push_back({"drift",
                                "",
                                Outcome::skipped,
                                fmt::format("the reference '{}' has no profile of '{}'",
                                            out.drift_reference, t.path),
                                0,
                                {},
                                nullptr});
        reporter.report({"checking data", ++done, tables.size(), 0, 0});
        return {};
    }));
    for (auto& n : notes)
        if (!n.empty())
            out.notes.push_back(std::move(n));
    return out;
}

} // namespace mlci::test
