// mlci pull: fetch an artifact and its referrers into the store, verified.
#include "context.hpp"

#include <mlci/registry/reference.hpp>
#include <mlci/registry/transfer.hpp>

namespace mlci::cli {

void register_pull(CLI::App& app, Context& ctx) {
    struct Options {
        std::string src, tag;
        unsigned jobs = 4;
        bool plain_http = false, no_referrers = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("pull", "Pull an artifact from an OCI registry or layout");
    cmd->group("Pipeline");
    cmd->add_option("src", opts->src, "HOST[:PORT]/REPO[:TAG|@DIGEST] or oci:PATH:TAG")
        ->required()
        ->type_name("SRC");
    cmd->add_option("-t,--tag", opts->tag,
                    "Tag it NAME:TAG in the store (default: the repository's last part and tag)")
        ->type_name("NAME:TAG");
    cmd->add_option("-j,--jobs", opts->jobs, "Transfer this many blobs at once (default: 4)");
    cmd->add_flag("--plain-http", opts->plain_http,
                  "Talk HTTP, not HTTPS, to a registry on this machine");
    cmd->add_flag("--no-referrers", opts->no_referrers,
                  "Pull the artifact only, not the reports and signatures that refer to it");
    cmd->callback([&ctx, opts] {
        auto src = value_or_throw(registry::parse_remote(opts->src));
        auto& store = ctx.store();
        registry::PullOptions o;
        o.jobs = std::max(1u, opts->jobs);
        o.referrers = !opts->no_referrers;
        o.tag = opts->tag;
        o.remote.plain_http = opts->plain_http;
        auto r = value_or_throw(registry::pull(store, src, o, ctx.out.reporter()));
        ctx.out.end_progress();
        ctx.out.note(fmt::format("pulled {} as {}: {} blob(s) downloaded ({}), {} already "
                                 "here, {} referrer(s)",
                                 r.source, r.reference, r.blobs_downloaded,
                                 human_bytes(r.bytes_downloaded), r.blobs_present, r.referrers));
        if (ctx.options.json)
            ctx.out.json({{"reference", r.reference},
                          {"digest", r.digest.str()},
                          {"source", r.source},
                          {"blobs", r.blobs},
                          {"blobs_present", r.blobs_present},
                          {"blobs_downloaded", r.blobs_downloaded},
                          {"bytes_downloaded", r.bytes_downloaded},
                          {"manifests", r.manifests},
                          {"referrers", r.referrers},
                          {"retries", r.retries}});
        else
            ctx.out.result(r.reference);
    });
    ctx.document(
        {"pull",
         "Fetches an artifact of any kind from an OCI registry, or from an OCI image layout "
         "directory with oci:PATH:TAG, into the store, and tags it: by default the repository's "
         "last path component and the tag (localhost:5000/team/iris:v3 becomes iris:v3; an oci: "
         "tag that is already NAME:TAG is kept), or --tag NAME:TAG. Pulled by digest alone, it "
         "stays untagged unless --tag is given. It prints the local reference.\n\n"
         "Manifests are read with OCI and Docker media types; image indexes bring every "
         "manifest they list; a dataset's file lists bring every file blob they name. "
         "Referrers (validations, test reports, signatures) come along through the referrers "
         "API or its sha256-<digest> fallback tag.\n\n"
         "Every blob is streamed into the store's temporary folder, --jobs at a time, and its "
         "digest checked before it is moved into place; a download that drops resumes with a "
         "Range request. Blobs the store has are not fetched. Only when every blob is in and "
         "durable are the manifests written, and the tag last: a corrupt or failed pull leaves "
         "nothing visible in the store.\n\n"
         "Exit status: 0 pulled; 2 bad reference or input, or no such tag or repository; 3 "
         "the registry is unreachable after retries, refused the credentials, or sent content "
         "that does not match its digest.",
         {{"mlci pull localhost:5000/team/iris:v3 --plain-http", "pull as iris:v3"},
          {"mlci --store /other pull oci:/shared/layout:iris:v3", "pull from an OCI layout"},
          {"mlci pull registry.example.com/ml/model@sha256:4f2a... --tag model:prod",
           "pull a pinned digest under a local name"}}});
}

} // namespace mlci::cli
