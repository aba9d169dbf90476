// mlci pull: fetch an artifact and its referrers into the store, verified.
#include "remotes.hpp"

#include <mlci/core/text.hpp>
#include <mlci/registry/reference.hpp>
#include <mlci/registry/registry_json.hpp>

namespace mlci::cli {

void register_pull(CLI::App& app, Context& ctx) {
    struct Options {
        std::string src, tag, remote;
        std::vector<std::string> paths;
        unsigned jobs = 4;
        bool plain_http = false, no_referrers = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("pull", "Pull an artifact from an OCI registry or layout");
    cmd->group("Pipeline");
    cmd->add_option("src", opts->src,
                    "NAME[:TAG] from the default remote, HOST[:PORT]/REPO[:TAG|@DIGEST] or "
                    "oci:PATH:TAG")
        ->required()
        ->type_name("SRC");
    cmd->add_option("-r,--remote", opts->remote,
                    "Pull NAME[:TAG] from this remote (see 'mlci remote')")
        ->type_name("NAME");
    cmd->add_option("-t,--tag", opts->tag,
                    "Tag it NAME:TAG in the store, or NAME for its next NAME:vN (default: the "
                    "artifact's own name and the tag)")
        ->type_name("NAME:TAG");
    cmd->add_option("--path", opts->paths,
                    "Fetch only the data of files whose path in the artifact matches this glob "
                    "or lies under this folder (repeatable)")
        ->type_name("GLOB");
    cmd->add_option("-j,--jobs", opts->jobs, "Transfer this many blobs at once (default: 4)");
    cmd->add_flag("--plain-http", opts->plain_http,
                  "Talk HTTP, not HTTPS, to a registry on this machine");
    cmd->add_flag("--no-referrers", opts->no_referrers,
                  "Pull the artifact only, not the reports and signatures that refer to it");
    cmd->callback([&ctx, opts] {
        auto& store = ctx.store();
        registry::PullOptions o;
        o.jobs = std::max(1u, opts->jobs);
        o.referrers = !opts->no_referrers;
        // --tag NAME:TAG tags exactly; --tag NAME, the next NAME:vN (or the
        // version that holds the same artifact already), as elsewhere.
        if (opts->tag.find(':') == std::string::npos)
            o.version_of = opts->tag;
        else
            o.tag = opts->tag;
        o.paths = opts->paths;
        o.remote.plain_http = opts->plain_http;
        registry::RemoteRef src;
        if (registry::looks_remote(opts->src)) {
            if (!opts->remote.empty())
                throw Failure({Exit::usage, fmt::format("'{}' names where to pull from; drop "
                                                        "--remote, or give NAME[:TAG]",
                                                        opts->src)});
            src = value_or_throw(registry::parse_remote(opts->src));
        } else {
            // NAME[:TAG] of a remote: pulled as NAME:TAG unless --tag says otherwise.
            value_or_throw(store::validate_tag(opts->src));
            auto remote = value_or_throw(registry::pick_remote(load_remotes(ctx), opts->remote));
            auto [name, tag] = registry::split_tag(opts->src);
            src = value_or_throw(registry::artifact_ref(remote, name, tag));
            if (o.tag.empty() && o.version_of.empty())
                o.tag = name + ":" + tag;
            o.remote.plain_http = o.remote.plain_http || remote.plain_http;
        }
        auto r = value_or_throw(registry::pull(store, src, o, ctx.out.reporter()));
        ctx.out.end_progress();
        ctx.out.note(fmt::format("pulled {} as {}: {} downloaded ({}), {} already here, {}",
                                 r.source, r.reference, plural(r.blobs_downloaded, "blob"),
                                 human_bytes(r.bytes_downloaded), r.blobs_present,
                                 plural(r.referrers, "referrer")));
        if (r.packs_ranged > 0)
            ctx.out.detail(fmt::format("only the needed chunks of {} came, by range",
                                       plural(r.packs_ranged, "pack")));
        if (!o.paths.empty())
            ctx.out.note(fmt::format("the data of {} of its {} (--path); 'mlci "
                                     "data-version checkout {} PATH...' restores them",
                                     r.files_selected, plural(r.files, "file"), r.reference));
        if (ctx.options.json)
            ctx.out.json(registry::to_json(r));
        else
            ctx.out.result(r.reference);
    });
    ctx.document(
        {"pull",
         "Fetches an artifact of any kind from an OCI registry, or from an OCI image layout "
         "directory with oci:PATH:TAG, into the store, and tags it: by default with the "
         "artifact's own name (the one a dataset, run or package records) and the remote tag, so "
         "that iris:v3 pushed anywhere comes back as iris:v3 (and iris:latest when no later "
         "version is here); for other artifacts, the repository's last path component and the "
         "tag (localhost:5000/team/img:1 becomes img:1; an oci: tag that is already NAME:TAG is "
         "kept); or --tag NAME:TAG, or --tag NAME for the next NAME:vN (the version of NAME that "
         "holds the same artifact already, if one does). Pulled by digest alone, it stays untagged "
         "unless --tag is "
         "given. It prints the local reference.\n\n"
         "SRC NAME[:TAG] (no host, no oci:) is pulled from the default remote, or the one "
         "--remote names (see 'mlci remote'): from <remote>/NAME:TAG, as push puts it there, "
         "and tagged NAME:TAG.\n\n"
         "Manifests are read with OCI and Docker media types; image indexes bring every "
         "manifest they list; a dataset's file lists bring every file blob they name. "
         "Referrers (validations, test reports, signatures) come along through the referrers "
         "API or its sha256-<digest> fallback tag.\n\n"
         "--path GLOB (repeatable) pulls part of a dataset or of a run's outputs: the manifest, "
         "the file lists and the data of the files whose path in the file list (which starts "
         "with the dataset's root name, as 'mlci data-version show' lists it) matches GLOB ('*' "
         "also crosses '/') or lies under the folder GLOB names. Only the blobs, chunk lists and "
         "chunks those files need are fetched: a pack of which they need less than half comes "
         "as HTTP Range requests for those chunks' bytes (each chunk checked against its "
         "digest), as does a pull into a store that holds an earlier version. The store marks such "
         "a file list as pulled in "
         "part, so that 'mlci verify' does not report the other files' data as missing, 'mlci "
         "push' refuses to push it, and 'mlci data-version checkout REF PATH...' restores the "
         "pulled files (any other fails with exit 3 and the pull that fetches it). A later pull "
         "without --path completes it. No file matching is a usage error (exit 2).\n\n"
         "Every blob is streamed into the store's temporary folder, --jobs at a time, and its "
         "digest checked before it is moved into place; a download that drops resumes with a "
         "Range request. Blobs the store has are not fetched. Only when every blob is in and "
         "durable are the manifests written, and the tag last: a corrupt or failed pull leaves "
         "nothing visible in the store.\n\n"
         "Exit status: 0 pulled; 2 bad reference or input, no such tag or repository, or NAME "
         "without a remote; 3 "
         "the registry is unreachable after retries, refused the credentials, or sent content "
         "that does not match its digest.",
         {{"mlci pull localhost:5000/team/iris:v3 --plain-http", "pull as iris:v3"},
          {"mlci pull iris:v3", "pull iris:v3 from the default remote"},
          {"mlci pull images:v2 --path 'images/val/*'", "pull the validation images only"},
          {"mlci --store /other pull oci:/shared/layout:iris:v3", "pull from an OCI layout"},
          {"mlci pull registry.example.com/ml/model@sha256:4f2a... --tag model:prod",
           "pull a pinned digest under a local name"}}});
}

} // namespace mlci::cli
