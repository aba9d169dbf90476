#include <mlci/package/source.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/validate/run_summary.hpp>
#include <sys/stat.h>

namespace mlci::package {

namespace {

// The validation `entry` is, read as latest_validation() reports them.
Result<std::optional<validate::ValidationInfo>> validation_named(const store::Store& store,
                                                                 const store::IndexEntry& entry) {
    MLCI_TRY_ASSIGN(m, store.read_manifest(entry.descriptor.digest));
    if (m.artifact_type != store::k_type_validation)
        return std::optional<validate::ValidationInfo>();
    auto get = [&](const char* key) {
        auto it = m.annotations.find(key);
        return it == m.annotations.end() ? std::string() : it->second;
    };
    auto verdict = get(validate::k_ann_verdict);
    auto created = get(store::k_ann_created);
    return std::optional<validate::ValidationInfo>(
        validate::ValidationInfo{entry, std::move(m), verdict, created});
}

bool left_out(const fs::path& p) {
    auto name = p.filename().string();
    return name == ".git" || name == "__pycache__" || p.extension() == ".pyc";
}

// "/app" + "x/../y" as the relative path "app/y"; empty when it leaves '/'.
std::string image_path(const std::string& workdir, const std::string& dest) {
    fs::path p = dest.starts_with('/') ? fs::path(dest) : fs::path(workdir) / dest;
    auto normal = p.lexically_normal().relative_path().generic_string();
    while (normal.ends_with('/'))
        normal.pop_back();
    if (normal == ".")
        normal.clear();
    if (normal.starts_with(".."))
        return {};
    return normal;
}

Status add_file(std::vector<ServingFile>& out, const fs::path& source, const struct stat& st,
                const std::string& path, std::string_view given) {
    if (!store::is_safe_relative_path(path))
        return usage_error("cannot add '{}': its destination '{}' is not a path in the image",
                           given, path);
    out.push_back({path, source, static_cast<uint64_t>(st.st_size), (st.st_mode & 0111) != 0});
    return {};
}

} // namespace

Result<RunSource> load_source(const store::Store& store, const store::IndexEntry& entry) {
    RunSource src;
    if (entry.descriptor.artifact_type == store::k_type_validation) {
        MLCI_TRY_ASSIGN(v, validation_named(store, entry));
        src.validation = std::move(v);
    }
    MLCI_TRY_ASSIGN(run_entry, validate::run_behind(store, entry));
    MLCI_TRY_ASSIGN(r, train::load_run(store, run_entry));
    src.run = std::move(r);
    if (!src.validation) {
        MLCI_TRY_ASSIGN(v, validate::latest_validation(store, src.run.entry.descriptor.digest));
        src.validation = std::move(v);
    }
    auto name = src.run.reference();
    if (auto* list = src.run.layer(train::k_outputs_title)) {
        MLCI_TRY_ASSIGN(text, store.read_blob(list->digest));
        MLCI_TRY_ASSIGN(files, store::parse_file_list(text, list->digest.str()));
        src.outputs = std::move(files);
    } else {
        for (auto& o : src.run.record.outputs)
            src.outputs.push_back({o.path, o.size, 0644, o.digest});
    }
    if (src.outputs.empty())
        return usage_error("run '{}' has no output files to package (declare them with 'mlci "
                           "train --output' or train.outputs in mlci.yaml)",
                           name);
    for (auto& f : src.outputs) {
        if (!store::has_content(store, f))
            return usage_error("output '{}' of run '{}' is missing from the store (content "
                               "'{}'; pull the run again or run 'mlci verify')",
                               f.path, name, f.digest.str());
    }
    return src;
}

Status check_gate(const RunSource& source, bool allow_unvalidated) {
    auto name = source.run.reference();
    if (source.run.record.status != train::RunStatus::succeeded)
        return std::unexpected(Error{
            Exit::gate, fmt::format("run '{}' did not succeed (status {}): there is no model to "
                                    "package",
                                    name, train::to_string(source.run.record.status))});
    if (allow_unvalidated || (source.validation && source.validation->passed()))
        return {};
    if (source.validation)
        return std::unexpected(
            Error{Exit::gate,
                  fmt::format("run '{}' has no passing validation: its latest validation '{}' "
                              "failed (fix the model and validate again, or pass "
                              "--allow-unvalidated)",
                              name, source.validation->entry.descriptor.digest.short_hex())});
    return std::unexpected(Error{Exit::gate, fmt::format("run '{}' has no passing validation (run "
                                                         "'mlci validate {}' or pass "
                                                         "--allow-unvalidated)",
                                                         name, name)});
}

Result<AddSpec> parse_add(std::string_view text, const fs::path& base_dir) {
    auto colon = text.find(':');
    auto src = text.substr(0, colon);
    if (src.empty())
        return usage_error("invalid --add '{}' (expected SRC[:DEST])", text);
    AddSpec spec;
    spec.source = (base_dir / fs::path(std::string(src))).lexically_normal();
    if (colon != std::string_view::npos) {
        spec.dest = std::string(text.substr(colon + 1));
        if (spec.dest.empty())
            return usage_error("invalid --add '{}': empty DEST after ':'", text);
    }
    return spec;
}

Result<std::vector<ServingFile>> collect_serving_files(const std::vector<AddSpec>& specs,
                                                       const std::string& workdir) {
    std::vector<ServingFile> out;
    for (auto& spec : specs) {
        auto given = spec.source.string();
        struct stat st {};
        if (::stat(spec.source.c_str(), &st) != 0)
            return usage_error("cannot add '{}': no such file or folder", given);
        auto name = spec.source.filename().string();
        if (S_ISREG(st.st_mode)) {
            auto dest = spec.dest.empty()          ? name
                        : spec.dest.ends_with('/') ? spec.dest + name
                                                   : spec.dest;
            MLCI_TRY(add_file(out, spec.source, st, image_path(workdir, dest), given));
            continue;
        }
        if (!S_ISDIR(st.st_mode))
            return usage_error("cannot add '{}': not a file or folder", given);
        auto dest_dir = image_path(workdir, spec.dest.empty() ? name : spec.dest);
        std::error_code ec;
        fs::recursive_directory_iterator it(spec.source,
                                            fs::directory_options::follow_directory_symlink, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (left_out(it->path())) {
                if (it->is_directory())
                    it.disable_recursion_pending();
                continue;
            }
            struct stat fst {};
            if (::stat(it->path().c_str(), &fst) != 0 || !S_ISREG(fst.st_mode))
                continue; // folders are implied; broken links and sockets are not content
            auto rel = it->path().lexically_relative(spec.source).generic_string();
            auto path = dest_dir.empty() ? rel : fmt::format("{}/{}", dest_dir, rel);
            MLCI_TRY(add_file(out, it->path(), fst, path, it->path().string()));
        }
        if (ec)
            return runtime_error("cannot read folder '{}': {}", given, ec.message());
    }
    return out;
}

} // namespace mlci::package
