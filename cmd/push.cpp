// mlci push: send an artifact (any kind) and its referrers to a registry or
// an OCI layout directory.
#include "remotes.hpp"

#include <mlci/core/text.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/registry_json.hpp>

namespace mlci::cli {

void register_push(CLI::App& app, Context& ctx) {
    struct Options {
        std::string ref, dest, remote, tag;
        unsigned jobs = 4;
        bool plain_http = false, no_referrers = false;
        uint64_t chunk_mib = 128;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("push", "Push an artifact to an OCI registry or layout");
    cmd->group("Pipeline");
    cmd->add_option("ref", opts->ref, "The artifact (NAME[:TAG], digest, short digest, or -)")
        ->required()
        ->type_name("REF");
    cmd->add_option("dest", opts->dest,
                    "HOST[:PORT]/REPO[:TAG] or oci:PATH[:TAG] (default: the default remote)")
        ->type_name("DEST");
    cmd->add_option("-r,--remote", opts->remote,
                    "Push to this remote (see 'mlci remote') as <remote>/NAME:TAG")
        ->type_name("NAME");
    cmd->add_option("-t,--tag", opts->tag,
                    "Tag it TAG on the remote (default: the TAG of the local NAME:TAG)")
        ->type_name("TAG");
    cmd->add_option("-j,--jobs", opts->jobs, "Transfer this many blobs at once (default: 4)");
    cmd->add_flag("--plain-http", opts->plain_http,
                  "Talk HTTP, not HTTPS, to a registry on this machine");
    cmd->add_flag("--no-referrers", opts->no_referrers,
                  "Push the artifact only, not the reports and signatures that refer to it");
    cmd->add_option("--chunk-size", opts->chunk_mib,
                    "Upload blobs larger than this many MiB in resumable chunks of that size "
                    "(default: 128)")
        ->type_name("MIB");
    cmd->callback([&ctx, opts] {
        if (opts->chunk_mib < 1 || opts->chunk_mib > (1u << 20))
            throw Failure({Exit::usage, fmt::format("invalid --chunk-size {} (give 1 to 1048576 "
                                                    "MiB)",
                                                    opts->chunk_mib)});
        if (!opts->dest.empty() && !opts->remote.empty())
            throw Failure({Exit::usage, "give a destination or --remote, not both"});
        auto& store = ctx.store();
        bool plain_http = opts->plain_http;
        registry::RemoteRef dest;
        if (!opts->dest.empty()) {
            dest = value_or_throw(registry::parse_remote(opts->dest));
            if (!opts->tag.empty()) {
                if (!dest.tag.empty() || dest.digest)
                    throw Failure({Exit::usage, fmt::format("'{}' names a tag or digest "
                                                            "already; drop --tag",
                                                            opts->dest)});
                dest = value_or_throw(registry::parse_remote(dest.location() + ":" + opts->tag));
            }
        }
        auto entry = ctx.resolve(opts->ref);
        if (opts->dest.empty()) {
            auto remote = value_or_throw(registry::pick_remote(load_remotes(ctx), opts->remote));
            if (entry.tag.empty())
                throw Failure({Exit::usage, fmt::format("'{}' has no NAME:TAG to be named by on "
                                                        "remote '{}' (push it by its tag, or "
                                                        "give a destination)",
                                                        opts->ref, remote.name)});
            auto [name, tag] = registry::split_tag(entry.tag);
            dest = value_or_throw(
                registry::artifact_ref(remote, name, opts->tag.empty() ? tag : opts->tag));
            plain_http = plain_http || remote.plain_http;
        }
        registry::PushOptions o;
        o.jobs = std::max(1u, opts->jobs);
        o.referrers = !opts->no_referrers;
        o.remote.plain_http = plain_http;
        o.remote.chunk_size = opts->chunk_mib << 20;
        if (plain_http && dest.kind == registry::RemoteRef::Kind::registry &&
            !registry::is_loopback_host(dest.host))
            ctx.out.warn(fmt::format("'{}' is not on this machine: --plain-http sends "
                                     "everything unencrypted",
                                     dest.host));
        auto r = value_or_throw(registry::push(store, entry, dest, o, ctx.out.reporter()));
        ctx.out.end_progress();
        ctx.out.note(fmt::format("pushed {}: {} uploaded ({}), {} already there, {} mounted, "
                                 "{}, {}",
                                 store::display_name(entry), plural(r.blobs_uploaded, "blob"),
                                 human_bytes(r.bytes_uploaded), r.blobs_present, r.blobs_mounted,
                                 plural(r.manifests_pushed, "manifest"),
                                 plural(r.referrers, "referrer")));
        if (ctx.options.json)
            ctx.out.json(registry::to_json(r));
        else
            ctx.out.result(r.reference);
    });
    ctx.document(
        {"push",
         "Sends an artifact of any kind (dataset, run, validation, test report, package) to an "
         "OCI registry over the distribution API, or into an OCI image layout directory with "
         "oci:PATH[:TAG] (no server needed; PATH may be another mlci store). It prints the "
         "pushed reference pinned by digest, HOST/REPO:TAG@sha256:..., for the next step.\n\n"
         "Blobs the remote has are skipped (a HEAD, or none at all under a manifest it has), so "
         "pushing unchanged content sends no blob bytes; missing blobs go --jobs at a time, "
         "streamed from the store, in one PUT or, above --chunk-size, in PATCH chunks that "
         "resume from what the registry has after a dropped connection. A blob another "
         "repository of the same registry holds (one this store pushed to or pulled from) is "
         "mounted, not uploaded. A pack the store holds only some chunks of (a ranged pull, "
         "gc --repack) is first fetched whole, verified, from a registry the artifact came "
         "from or went to. Failures with 429, 5xx or a dropped connection are retried "
         "with exponential backoff.\n\n"
         "Order makes a half-finished push invisible: blobs, then manifests, then referrers "
         "(manifests in the store whose subject is the artifact: validations, test reports, "
         "signatures), and the tag last. A dataset's per-file blobs, which its file lists name "
         "but no manifest does, are also named by 'blob index' manifests (artifactType "
         "application/vnd.mlci.blobs.v1, subject the dataset) so registries keep them. "
         "Registries without the referrers API get the sha256-<digest> fallback tag.\n\n"
         "Without DEST the artifact goes to the default remote, or the one --remote names "
         "(see 'mlci remote'): NAME:TAG to the repository REPO/NAME of the remote with tag TAG "
         "(iris:v3 to localhost:5000/team/iris:v3 for the remote localhost:5000/team), or the "
         "ref name NAME:TAG of an oci: layout remote; a remote's --plain-http applies. --tag "
         "pushes under another TAG.\n\n"
         "DEST without a tag gets the TAG of the local NAME:TAG (iris:v3 pushes as :v3), or "
         "the whole NAME:TAG in an oci: layout, or 'latest'. Credentials come from "
         "MLCI_REGISTRY_USER and MLCI_REGISTRY_PASSWORD, GitLab's CI_REGISTRY_USER and "
         "CI_REGISTRY_PASSWORD (when CI_REGISTRY is the host), 'mlci login', or docker's "
         "config.json, and are never printed. TLS is verified; --plain-http is for registries "
         "on this machine.\n\n"
         "Exit status: 0 pushed; 2 bad reference or input, no DEST and no default remote, or the "
         "registry answered 404; 3 the "
         "registry is unreachable after retries, refused the credentials, or answered another "
         "error (the message says what it answered).",
         {{"mlci push iris:v3 localhost:5000/team/iris --plain-http",
           "push a dataset to a local registry as team/iris:v3"},
          {"mlci push iris:v3", "push to the default remote, as <remote>/iris:v3"},
          {"mlci push iris:v3 --remote backup --tag v3-42",
           "push to the remote 'backup' as <backup>/iris:v3-42"},
          {"mlci push iris:v3 oci:/shared/layout", "push into an OCI layout directory"},
          {"mlci train ... | mlci validate - | mlci push - registry.example.com/ml/model:1.2",
           "push what the previous step made"},
          {"mlci --json push run:latest ghcr.io/org/runs", "counters: blobs and bytes uploaded"}}});
}

} // namespace mlci::cli
