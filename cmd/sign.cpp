// mlci key generate, mlci sign, mlci verify-signature: Ed25519 signatures of
// artifacts as DSSE envelopes over in-toto statements, stored as referrers.
#include "context.hpp"

#include <cstdlib>
#include <mlci/sign/sign_json.hpp>
#include <unistd.h>

namespace mlci::cli {

namespace {

constexpr const char* k_passphrase_env = "MLCI_SIGNING_KEY_PASSWORD";

// The passphrase of private keys: from the environment only, never a flag
// (flags show in ps and shell history). Empty counts as none.
std::optional<std::string> passphrase() {
    const char* p = std::getenv(k_passphrase_env);
    if (!p || !*p)
        return std::nullopt;
    return std::string(p);
}

// "user@host" for the statement's signer when --signer is not given.
std::string default_signer() {
    std::string user;
    for (const char* var : {"USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) {
            user = v;
            break;
        }
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    if (user.empty())
        return host;
    return host[0] ? user + "@" + host : user;
}

void register_key_generate(CLI::App& parent, Context& ctx) {
    struct Options {
        std::string out = "mlci-signing";
        bool force = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = parent.add_subcommand("generate", "Generate an Ed25519 key pair for signing");
    cmd->add_option("-o,--output,--out", opts->out,
                    "Write PREFIX.key (private, mode 0600) and PREFIX.pub (default: mlci-signing)")
        ->type_name("PREFIX");
    cmd->add_flag("-f,--force", opts->force, "Replace key files that exist");
    cmd->callback([&ctx, opts] {
        auto pass = passphrase();
        auto key = value_or_throw(sign::PrivateKey::generate());
        auto files = sign::key_files(opts->out);
        value_or_throw(sign::write_key_files(key, files, pass, opts->force));
        ctx.out.note(fmt::format(
            "wrote private key '{}' (mode 0600{}) and public key '{}'", files.private_key.string(),
            pass ? fmt::format(", encrypted with ${}", k_passphrase_env) : std::string(),
            files.public_key.string()));
        ctx.out.note(fmt::format("key id {}", key.public_key().id()));
        if (ctx.options.json)
            ctx.out.json(sign::key_json(files, key.public_key(), pass.has_value()));
        else
            ctx.out.result(files.public_key.string());
    });
}

void register_key(CLI::App& app, Context& ctx) {
    auto* key = app.add_subcommand("key", "Manage signing keys: generate");
    key->group("Setup");
    key->require_subcommand(1);
    register_key_generate(*key, ctx);
    ctx.document(
        {"key",
         "Manages the Ed25519 keys that 'mlci sign' signs artifacts with. 'generate' writes a new "
         "key pair: PREFIX.key, the private key as PKCS#8 PEM, created with mode 0600 and moved "
         "into place whole, so that it is never readable by others even for an instant; and "
         "PREFIX.pub, the public key as SubjectPublicKeyInfo PEM, to hand to whoever verifies. "
         "Existing key files are never replaced without --force. The path of the public key is "
         "printed on standard output, its key id (the sha256 of its DER encoding) on standard "
         "error.\n\n"
         "When MLCI_SIGNING_KEY_PASSWORD is set and not empty, the private key is encrypted "
         "with AES-256 under that passphrase, and 'mlci sign' needs the same variable to use "
         "it. The passphrase is read from the environment only and never printed. Both files "
         "are standard: 'openssl pkey -in PREFIX.key' reads the private key.",
         {{"mlci key generate", "write mlci-signing.key and mlci-signing.pub"},
          {"MLCI_SIGNING_KEY_PASSWORD=... mlci key generate --out keys/release",
           "an encrypted key in keys/release.key"}}});
}

void register_sign_step(CLI::App& app, Context& ctx) {
    struct Options {
        std::string ref, key, signer;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand("sign", "Sign an artifact with a private key");
    cmd->group("Pipeline");
    cmd->add_option("ref", opts->ref,
                    "The artifact to sign (a reference, or - to read it from standard input)")
        ->required()
        ->type_name("REF");
    cmd->add_option("-k,--key", opts->key, "The private key file ('mlci key generate' wrote it)")
        ->required()
        ->type_name("FILE");
    cmd->add_option("--signer", opts->signer,
                    "Who signs, recorded in the signature (default: USER@HOST)")
        ->type_name("NAME");
    cmd->callback([&ctx, opts] {
        auto key = value_or_throw(sign::load_private_key(opts->key, passphrase()));
        auto& store = ctx.store();
        auto entry = ctx.resolve(opts->ref);
        sign::SignOptions so;
        so.name = store::display_name(entry);
        so.signer = opts->signer.empty() ? default_signer() : opts->signer;
        auto desc = value_or_throw(sign::sign_artifact(store, entry, key, so));
        ctx.out.note(fmt::format("signed {} ({}) with key {}: signature {}", so.name,
                                 entry.descriptor.digest.str(), key.public_key().id(),
                                 desc.digest.str()));
        if (ctx.options.json)
            ctx.out.json(sign::signed_json(desc, entry.descriptor, so, key.public_key()));
        else
            ctx.out.result(desc.digest.str());
    });
    ctx.document(
        {"sign",
         "Signs an artifact: an Ed25519 signature over its manifest digest, made with a private "
         "key from 'mlci key generate'. The signature is a DSSE envelope (payload type "
         "application/vnd.in-toto+json) holding an in-toto Statement v1 whose subject is the "
         "artifact's name and sha256 digest and whose predicate (https://mlci.dev/signature/v1) "
         "records the signer, the time and the key id. It is stored as an OCI 1.1 artifact "
         "(artifactType application/vnd.dev.mlci.signature.v1+json) whose subject is the signed "
         "manifest, so 'mlci push' and 'mlci pull' carry it along as a referrer. The signature's "
         "reference (its digest) is printed on standard output.\n\n"
         "An encrypted private key is opened with the passphrase in MLCI_SIGNING_KEY_PASSWORD. "
         "Nothing of the private key goes into the signature or any output.",
         {{"mlci sign iris-classifier:v3 --key mlci-signing.key", "sign a package"},
          {"mlci package RUN | mlci sign - --key \"$SIGNING_KEY_FILE\"",
           "sign what package just made, in CI"}}});
}

void register_verify_signature(CLI::App& app, Context& ctx) {
    struct Options {
        std::string ref, key;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd =
        app.add_subcommand("verify-signature", "Check that an artifact is signed by a public key");
    cmd->group("Pipeline");
    cmd->add_option("ref", opts->ref,
                    "The artifact to check (a reference, or - to read it from standard input)")
        ->required()
        ->type_name("REF");
    cmd->add_option("-k,--key", opts->key,
                    "The public key file (PREFIX.pub of 'mlci key generate')")
        ->required()
        ->type_name("FILE");
    cmd->callback([&ctx, opts] {
        auto key = value_or_throw(sign::load_public_key(opts->key));
        auto entry = ctx.resolve(opts->ref);
        auto name = store::display_name(entry);
        auto check = value_or_throw(sign::check_signatures(ctx.store(), entry.descriptor, key));
        for (auto& v : check.signatures)
            ctx.out.detail(fmt::format("signature {}: {}", v.signature.digest.str(),
                                       v.valid ? std::string("valid") : v.reason));
        if (check.valid) {
            auto& a = *check.accepted;
            ctx.out.note(fmt::format("{} ({}) is signed by key {}{}{}: signature {}", name,
                                     entry.descriptor.digest.str(), key.id(),
                                     a.signer.empty() ? "" : " (" + a.signer + ")",
                                     a.created.empty() ? "" : " at " + a.created,
                                     a.signature.digest.str()));
        } else if (check.signatures.empty()) {
            ctx.out.warn(fmt::format("'{}' has no signatures (sign it with 'mlci sign')", name));
        } else {
            std::string why;
            for (auto& v : check.signatures)
                why += fmt::format("; signature {}: {}", v.signature.digest.short_hex(), v.reason);
            ctx.out.warn(
                fmt::format("'{}' has no valid signature by key '{}'{}", name, key.id(), why));
        }
        if (!check.valid)
            ctx.exit = Exit::gate;
        if (ctx.options.json) {
            ctx.out.json(sign::to_json(check, name, entry.descriptor, key));
        } else if (check.valid) {
            ctx.out.result(name);
        }
    });
    ctx.document(
        {"verify-signature",
         "The signature gate: checks that an artifact in the store has a valid signature by a "
         "public key. Each signature artifact whose subject is the artifact is checked: its DSSE "
         "envelope must carry an Ed25519 signature by the key over the in-toto statement, and "
         "the statement's subject digest must be the artifact's manifest digest, so that a "
         "signature copied onto another artifact fails. Signatures pulled from a registry or an "
         "oci: layout are checked like local ones.\n\n"
         "Exits 0 and prints the artifact's reference on standard output (so that the next step "
         "can read it with -) when at least one signature verifies; exits 1 when there is none, "
         "or none verifies with the key, saying why on standard error; exits 2 when the key "
         "file cannot be read or is not a public key.",
         {{"mlci verify-signature iris-classifier:v3 --key mlci-signing.pub",
           "check a package's signature"},
          {"mlci pull registry.example.com/ml/iris:v3 | mlci verify-signature - --key release.pub",
           "check what was pulled"}}});
}

} // namespace

void register_signing(CLI::App& app, Context& ctx) {
    register_sign_step(app, ctx);
    register_verify_signature(app, ctx);
    register_key(app, ctx);
}

} // namespace mlci::cli
