#include <mlci/package/options.hpp>

namespace mlci::package {

namespace {

template <typename T>
std::optional<T> pick(const std::optional<T>& flag, const std::optional<T>& configured) {
    return flag ? flag : configured;
}

Status add_labels(std::map<std::string, std::string>& out, const std::vector<std::string>& kvs) {
    for (auto& kv : kvs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            return usage_error("invalid label '{}' (expected KEY=VALUE)", kv);
        out[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return {};
}

// A layout or archive named in mlci.yaml is found from the project's root,
// as the files it adds are, wherever in the project mlci package runs; one
// given as a flag is found from the working directory.
std::string base_from_root(const std::string& spec, const std::filesystem::path& root) {
    for (std::string_view kind : {"oci:", "oci-archive:"}) {
        if (!spec.starts_with(kind))
            continue;
        auto rest = std::string_view(spec).substr(kind.size());
        auto colon = rest.find(':'); // PATH[:REF]: paths hold no ':'
        auto path = std::filesystem::path(rest.substr(0, colon));
        if (path.empty() || path.is_absolute())
            return spec;
        return std::string(kind) + (root / path).string() +
               std::string(colon == std::string_view::npos ? "" : rest.substr(colon));
    }
    return spec;
}

// A modelcar is the model alone where KServe looks for it, on a base whose
// shell KServe's modelcar container runs: what cannot be that is refused.
Status check_modelcar(const Options& o, bool model_dir_given) {
    if (o.format != Format::image)
        return usage_error("--layout modelcar makes an image, not a {} artifact (drop --format)",
                           to_string(o.format));
    if (o.base == "scratch")
        return usage_error(
            "a modelcar needs a base image with a shell: KServe's modelcar container runs 'sh' "
            "and 'ln' in the image, and scratch has neither; give --base (e.g. a busybox image)");
    if (model_dir_given && o.model_dir != k_modelcar_model_dir)
        return usage_error("a modelcar keeps the model under {} (where KServe looks); drop "
                           "--model-dir {}",
                           k_modelcar_model_dir, o.model_dir);
    auto& c = o.changes;
    const char* flag = !o.add.empty()     ? "--add"
                       : c.entrypoint     ? "--entrypoint"
                       : c.cmd            ? "--cmd"
                       : !c.ports.empty() ? "--port"
                                          : nullptr;
    if (flag)
        return usage_error("{} has no use in a modelcar: KServe runs only its own command in it "
                           "and the model server in another image (use --layout standard)",
                           flag);
    return {};
}

} // namespace

Result<Options> make_options(const Flags& flags, const std::optional<config::PackageConfig>& config,
                             const std::filesystem::path& cwd,
                             const std::filesystem::path& project_root,
                             std::optional<int64_t> epoch) {
    config::PackageConfig c = config ? *config : config::PackageConfig{};
    Options o;
    o.base = flags.base ? *flags.base
             : c.base   ? base_from_root(*c.base, project_root)
                        : std::string("scratch");
    o.changes.entrypoint = pick(flags.entrypoint, c.entrypoint);
    o.changes.cmd = pick(flags.cmd, c.cmd);
    o.changes.workdir = pick(flags.workdir, c.workdir);
    if (o.changes.workdir && !o.changes.workdir->starts_with('/'))
        return usage_error("invalid workdir '{}' (give an absolute path in the image)",
                           *o.changes.workdir);
    // The environment and labels add up: the file's first, the flags' over them.
    o.changes.env = c.env;
    o.changes.env.insert(o.changes.env.end(), flags.env.begin(), flags.env.end());
    for (auto& kv : o.changes.env)
        MLCI_TRY(oci::validate_env(kv));
    o.changes.labels = c.labels;
    MLCI_TRY(add_labels(o.changes.labels, flags.labels));
    for (auto& p : flags.ports ? *flags.ports : c.ports) {
        MLCI_TRY_ASSIGN(port, oci::normalise_port(p));
        o.changes.ports.push_back(port);
    }
    if (flags.add) {
        for (auto& a : *flags.add) {
            MLCI_TRY_ASSIGN(spec, parse_add(a, cwd));
            o.add.push_back(std::move(spec));
        }
    } else {
        for (auto& a : c.add) {
            MLCI_TRY_ASSIGN(spec, parse_add(a, project_root));
            o.add.push_back(std::move(spec));
        }
    }
    if (auto layout = pick(flags.layout, c.layout)) {
        MLCI_TRY_ASSIGN(v, parse_layout(*layout));
        o.layout = v;
    }
    auto model_dir = pick(flags.model_dir, c.model_dir);
    o.model_dir = model_dir.value_or(o.layout == Layout::modelcar ? k_modelcar_model_dir
                                                                  : k_default_model_dir);
    o.tag = pick(flags.tag, c.tag).value_or("");
    if (auto out = pick(flags.output, c.output)) {
        MLCI_TRY_ASSIGN(target, oci::parse_archive_target(*out));
        if (target.file.is_relative())
            target.file = (flags.output ? cwd : project_root) / target.file;
        o.output = target;
    }
    if (auto comp = pick(flags.compression, c.compression)) {
        MLCI_TRY_ASSIGN(v, oci::parse_compression(*comp));
        o.compression = v;
    }
    if (auto format = pick(flags.format, c.format)) {
        MLCI_TRY_ASSIGN(v, parse_format(*format));
        o.format = v;
    }
    if (o.format == Format::modelpack && !flags.compression && !c.compression)
        o.compression = oci::Compression::none; // ModelPack keeps weights uncompressed
    if (o.format == Format::modelpack && o.output && o.output->kind == oci::ArchiveKind::docker)
        return usage_error("a ModelPack artifact cannot be a docker archive (use "
                           "--output oci-archive:FILE)");
    if (o.layout == Layout::modelcar)
        MLCI_TRY(check_modelcar(o, model_dir.has_value()));
    if (flags.platform) {
        MLCI_TRY_ASSIGN(platform, oci::parse_platform(*flags.platform));
        o.platform = platform;
    }
    o.allow_unvalidated = flags.allow_unvalidated;
    o.jobs = flags.jobs;
    o.source_date_epoch = epoch;
    return o;
}

} // namespace mlci::package
