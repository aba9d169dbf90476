// mlci package: a validated run's model as a runnable OCI image (or a
// ModelPack artifact), reproducible, with lineage and provenance.
#include "context.hpp"

#include <filesystem>
#include <mlci/config/package_config.hpp>
#include <mlci/config/project_config.hpp>
#include <mlci/core/text.hpp>
#include <mlci/oci/epoch.hpp>
#include <mlci/package/options.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/transfer.hpp>
#include <mlci/store/reference.hpp>

namespace mlci::cli {

namespace {

struct PackageArgs {
    std::string reference;
    package::Flags flags;
    bool plain_http = false; // for a base in a registry on this machine
    // Lists: one value a flag, so an empty list was not given.
    std::vector<std::string> entrypoint, cmd, ports, add;
};

// The flags, with the lists given set.
package::Flags collect(const PackageArgs& a) {
    auto f = a.flags;
    auto set = [](std::optional<std::vector<std::string>>& out,
                  const std::vector<std::string>& given) {
        if (!given.empty())
            out = given;
    };
    set(f.entrypoint, a.entrypoint);
    set(f.cmd, a.cmd);
    set(f.ports, a.ports);
    set(f.add, a.add);
    return f;
}

void run_package(Context& ctx, PackageArgs& args) {
    auto cwd = std::filesystem::current_path();
    auto project = value_or_throw(config::find_project_config(cwd));
    auto epoch = value_or_throw(oci::source_date_epoch());
    auto options = value_or_throw(
        package::make_options(collect(args), project.package, cwd, project.root, epoch));
    options.requested = args.reference;

    auto& store = ctx.store();
    auto entry = ctx.resolve(args.reference);
    // A base in a registry is pulled into the store first: verified once,
    // reused by the next package, and named by digest in the provenance.
    if (!options.base.starts_with("oci:") && !options.base.starts_with("oci-archive:") &&
        store::is_remote_reference(options.base)) {
        auto src = value_or_throw(registry::parse_remote(options.base));
        registry::PullOptions o;
        o.referrers = false;
        // A base is named after its repository (python:3.11), not the name an
        // mlci package used as a base records.
        o.tag = value_or_throw(registry::default_local_tag(src));
        o.remote.plain_http = args.plain_http;
        auto pulled = value_or_throw(registry::pull(store, src, o, ctx.out.reporter()));
        ctx.out.end_progress();
        ctx.out.note(fmt::format("base {} pulled as {} ({} downloaded)", options.base,
                                 pulled.reference, plural(pulled.blobs_downloaded, "blob")));
        options.base = pulled.reference + "@" + pulled.digest.str();
    }
    auto r = value_or_throw(package::package_run(store, entry, options, ctx.out.reporter()));
    ctx.out.end_progress();
    if (r.verdict != "passed")
        ctx.out.warn(fmt::format("packaged run {} without a passing validation (verdict: {})",
                                 r.run, r.verdict));
    ctx.out.note(fmt::format("{} {}: run {} (validation {}), {} ({}){}, {}",
                             r.unchanged ? "unchanged" : "packaged", r.reference, r.run, r.verdict,
                             plural(r.model_files, "model file"), human_bytes(r.model_bytes),
                             r.serving_files
                                 ? fmt::format(", {}", plural(r.serving_files, "serving file"))
                                 : std::string(),
                             r.manifest.digest.str()));
    if (options.output)
        ctx.out.note(fmt::format("wrote {}", options.output->file.string()));
    if (ctx.options.json)
        ctx.out.json(package::to_json(r, options.output));
    else
        ctx.out.result(r.reference);
}

} // namespace

void register_package(CLI::App& app, Context& ctx) {
    auto a = std::make_shared<PackageArgs>();
    auto* cmd = app.add_subcommand(
        "package", "Build a runnable OCI image (or ModelPack artifact) of a validated run's model");
    cmd->group("Pipeline");
    cmd->add_option("ref", a->reference, "The run, or its validation (NAME:vN, digest, or -)")
        ->required()
        ->type_name("REF");
    // One value a flag, repeated for lists: `--entrypoint python3 REF` must
    // not take REF as a second argument.
    auto opt = [&](auto& value, const char* flag, const char* help, const char* type) {
        return cmd->add_option(flag, value, help)->type_name(type)->allow_extra_args(false);
    };
    opt(a->flags.base, "--base",
        "Base image: scratch (default), HOST/REPO[:TAG|@DIGEST] in a registry, oci:DIR[:REF], "
        "oci-archive:FILE[:REF], or an image in the store",
        "IMAGE");
    opt(a->entrypoint, "--entrypoint", "The image's entrypoint, one argument per flag", "ARG");
    opt(a->cmd, "--cmd", "The image's default arguments, one per flag", "ARG");
    cmd->add_option("--env", a->flags.env, "Set an environment variable in the image")
        ->type_name("K=V")
        ->allow_extra_args(false);
    opt(a->ports, "--port", "Expose a port (8080, 8080/tcp, 53/udp)", "N");
    opt(a->flags.workdir, "--workdir", "The working directory (default: the base's, else /app)",
        "DIR");
    opt(a->add, "--add",
        "Add serving files: a file or folder, to DEST (default: its name under the workdir)",
        "SRC[:DEST]");
    cmd->add_option("--label", a->flags.labels, "Set a label in the image config")
        ->type_name("K=V")
        ->allow_extra_args(false);
    opt(a->flags.tag, "-t,--tag",
        "Tag as NAME:TAG, or NAME for the next NAME:vN (default: RUN-NAME-image)", "NAME[:TAG]");
    opt(a->flags.output, "-o,--output",
        "Also write the image to oci-archive:FILE or docker-archive:FILE", "KIND:FILE");
    auto* compression = opt(a->flags.compression, "--compression",
                            "Layer compression: none, gzip (default) or zstd", "KIND");
    auto* format = opt(a->flags.format, "--format", "image (default) or modelpack", "FORMAT");
    auto* layout =
        opt(a->flags.layout, "--layout",
            "standard (default) or modelcar: the model alone under /models, for KServe", "LAYOUT");
    opt(a->flags.model_dir, "--model-dir",
        "Where the model's files go in the image (default: /model; /models for a modelcar)", "DIR");
    opt(a->flags.platform, "--platform",
        "The platform to take from a multi-platform base, and that a scratch image declares "
        "(default: linux/amd64)",
        "OS/ARCH[/VARIANT]");
    cmd->add_flag("--plain-http", a->plain_http,
                  "Talk HTTP, not HTTPS, to the registry of a base on this machine");
    cmd->add_flag("--allow-unvalidated", a->flags.allow_unvalidated,
                  "Package a run that has no passing validation");
    cmd->add_option("-j,--jobs", a->flags.jobs, "Compression threads (default: all cores)")
        ->type_name("N");
    compression->check(CLI::IsMember({"none", "gzip", "zstd"}));
    format->check(CLI::IsMember({"image", "modelpack"}));
    layout->check(CLI::IsMember({"standard", "modelcar"}));
    cmd->callback([&ctx, a] { run_package(ctx, *a); });

    ctx.document(
        {"package",
         "Builds a container image of a run's model without a Docker daemon and stores it in the "
         "store, tagged (NAME:TAG, or the next NAME:vN; by default RUN-NAME-image). The image is "
         "the base image's layers, reused as they are, then a layer holding the run's output "
         "files under /model (--model-dir), then a layer of the serving files given with --add "
         "(a file or a folder; DEST defaults to its name under the working directory, /app "
         "unless the base sets one; .git, __pycache__ and *.pyc are left out). The image config "
         "takes the base's and sets the entrypoint, cmd, environment (MLCI_MODEL_DIR names the "
         "model folder), working directory, exposed ports and labels given. A base in a registry "
         "(HOST/REPO:TAG, credentials as for 'mlci pull', --plain-http for one on this machine) "
         "is pulled into the store first, its digests verified; an OCI layout directory or "
         "archive is copied into the store; --platform picks from a multi-platform base.\n\n"
         "Images are reproducible: layers are tars with sorted entries, every parent folder, "
         "owner 0:0, modes 0644 or 0755 and one mtime ($SOURCE_DATE_EPOCH, else "
         "1980-01-01), compressed with gzip (a fixed header), zstd or nothing (--compression); "
         "the config is created at $SOURCE_DATE_EPOCH, else when the run ended. The same run, "
         "base and flags give the same image digest in any store, and the same model files the "
         "same model layer. Compression runs on all cores while the tar is read and the blob "
         "written.\n\n"
         "A run is packaged only if its latest validation passed (or the validation given as "
         "REF passed); otherwise mlci package exits with 1, unless --allow-unvalidated. The "
         "manifest's annotations carry the lineage: org.opencontainers.image.created, revision "
         "and source (the run's git commit and remote), version (TAG of --tag NAME:TAG), "
         "dev.mlci.run, dev.mlci.lineage.run and dev.mlci.lineage.inputs (the run and its "
         "datasets), dev.mlci.metric.*, dev.mlci.validation and dev.mlci.verdict. An in-toto "
         "statement with a SLSA provenance v1 predicate (run, datasets, code, base image, "
         "flags) is stored as a referrer of the image.\n\n"
         "--output also writes the image as one file that 'podman load', 'docker load' and "
         "skopeo read: oci-archive:FILE (an OCI layout) or docker-archive:FILE (docker save's "
         "format, uncompressed layers). --format modelpack makes a CNCF ModelPack artifact "
         "instead: one uncompressed layer per file, typed weight, weight.config, code, doc or "
         "dataset by its name, with a model config.\n\n"
         "--layout modelcar makes a model-only image for KServe (an InferenceService's "
         "storageUri: oci://REGISTRY/REPO@sha256:...): the run's files under /models, one layer "
         "on the base. KServe runs 'sh' and 'ln' in it to share /models with the model server, "
         "so the base must have a shell (a busybox image): scratch is refused, as are --add, "
         "--entrypoint, --cmd and --port, which KServe never runs. A gitops deploy pins the "
         "storageUri by digest.\n\n"
         "Every flag may be set in the package: section of mlci.yaml (base, entrypoint, cmd, "
         "env, ports, workdir, add, labels, tag, output, compression, format, layout, "
         "model_dir); flags win. Prints the package's tag.",
         {{"mlci package iris-classifier:v3 --entrypoint python3 --entrypoint /app/serve.py "
           "--add serve.py --port 8080",
           "a serving image of run v3, on an empty base"},
          {"mlci package - --base python-slim:latest --tag iris:1.0",
           "the run on standard input, on a base pulled into the store, tagged iris:1.0"},
          {"mlci package iris-classifier:v3 --base oci:layouts/python:3.11 --output "
           "docker-archive:iris.tar",
           "a base from an OCI layout; the result also as a file for 'docker load'"},
          {"mlci package iris-classifier:v3 --layout modelcar --base oci:layouts/busybox",
           "a modelcar for KServe: the model under /models on a busybox base"},
          {"mlci package iris-classifier:v3 --format modelpack",
           "the model as a ModelPack artifact for KitOps and image volumes"},
          {"SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) mlci package iris-classifier:v3",
           "timestamps from the last commit"}}});
}

} // namespace mlci::cli
