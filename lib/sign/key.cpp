#include <cerrno>
#include <fcntl.h>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/secrets.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/sign/key.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mlci::sign {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL's most recent error, for runtime errors; the queue is cleared so
// that a later, unrelated failure does not report it again.
std::string openssl_error() {
    unsigned long code = ERR_peek_last_error();
    char text[256] = "unknown OpenSSL error";
    if (code != 0)
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return text;
}

BioPtr memory_bio(std::string_view text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

bool has_passphrase(const std::optional<std::string>& p) {
    return p && !p->empty();
}

// The passphrase callback of PEM_read_bio_PrivateKey: never prompts on the
// terminal (the default would), answers from the environment's value only.
struct PassphraseRequest {
    const std::optional<std::string>* passphrase;
    bool asked = false;
};

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* u) {
    auto* req = static_cast<PassphraseRequest*>(u);
    req->asked = true;
    if (!has_passphrase(*req->passphrase))
        return -1;
    auto& p = **req->passphrase;
    if (p.size() > static_cast<size_t>(size))
        return -1;
    std::copy(p.begin(), p.end(), buf);
    return static_cast<int>(p.size());
}

// Writes a secret file: created 0600 (fchmod too, whatever the umask), synced,
// then linked into place (refusing an existing file) or renamed over it.
Status write_secret_file(const fs::path& path, std::string_view data, bool force) {
    auto tmp = temp_path_for(path);
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd)
        return sys_error(errno, fmt::format("cannot create '{}'", tmp.string()));
    auto fail = [&](Error e) {
        ::unlink(tmp.c_str());
        return std::unexpected(std::move(e));
    };
    if (::fchmod(fd.get(), 0600) != 0)
        return fail(
            sys_error(errno, fmt::format("cannot set the mode of '{}'", tmp.string())).error());
    if (auto w = write_all(fd.get(), data, path); !w)
        return fail(w.error());
    if (::fsync(fd.get()) != 0)
        return fail(sys_error(errno, fmt::format("cannot sync '{}'", path.string())).error());
    if (::close(fd.release()) != 0)
        return fail(sys_error(errno, fmt::format("cannot write '{}'", path.string())).error());
    if (force) {
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            return fail(
                sys_error(errno, fmt::format("cannot replace '{}'", path.string())).error());
    } else {
        if (::link(tmp.c_str(), path.c_str()) != 0) {
            int err = errno;
            if (err == EEXIST)
                return fail({Exit::usage, fmt::format("key file '{}' exists (pass --force to "
                                                      "replace it)",
                                                      path.string())});
            return fail(sys_error(err, fmt::format("cannot create '{}'", path.string())).error());
        }
        ::unlink(tmp.c_str());
    }
    return sync_dir(path.parent_path());
}

// "cannot open 'F': ..." from read_file, as "cannot open public key 'F': ...",
// and a usage error: the file was named on the command line.
std::unexpected<Error> unreadable(const Error& e, std::string_view what) {
    auto message = e.message;
    if (message.starts_with("cannot open "))
        message.insert(12, std::string(what) + " ");
    return std::unexpected(Error{Exit::usage, std::move(message)});
}

} // namespace

Result<PublicKey> PublicKey::from_pkey(PKeyPtr key) {
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        return usage_error("not an Ed25519 key");
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key.get(), &der);
    if (n <= 0)
        return runtime_error("cannot encode a public key: {}", openssl_error());
    PublicKey pub;
    pub.m_der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
    OPENSSL_free(der);
    // Keep only the public half, so a PublicKey never holds a secret.
    auto* p = reinterpret_cast<const unsigned char*>(pub.m_der.data());
    EVP_PKEY* public_only = d2i_PUBKEY(nullptr, &p, static_cast<long>(pub.m_der.size()));
    if (!public_only)
        return runtime_error("cannot decode a public key: {}", openssl_error());
    pub.m_key = std::shared_ptr<EVP_PKEY>(public_only, PKeyFree{});
    pub.m_id = hash::sha256_of(pub.m_der).str();
    return pub;
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem, std::string_view where) {
    auto bio = memory_bio(pem);
    PKeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        ERR_clear_error();
        return usage_error("'{}' is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----', "
                           "as 'mlci key generate' writes to PREFIX.pub)",
                           where);
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        return usage_error("'{}' is not an Ed25519 key", where);
    return from_pkey(std::move(key));
}

std::string PublicKey::pem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
        ERR_clear_error();
        return {};
    }
    return bio_text(bio.get());
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1;
    ERR_clear_error();
    return ok;
}

Result<PrivateKey> PrivateKey::generate() {
    PKeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key)
        return runtime_error("cannot generate an Ed25519 key: {}", openssl_error());
    MLCI_TRY_ASSIGN(pub, PublicKey::from_pkey(PKeyPtr(EVP_PKEY_dup(key.get()))));
    return PrivateKey(std::move(key), std::move(pub));
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view where,
                                        const std::optional<std::string>& passphrase) {
    auto bio = memory_bio(pem);
    PassphraseRequest req{&passphrase};
    PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &req));
    if (!key) {
        ERR_clear_error();
        if (req.asked && !has_passphrase(passphrase))
            return usage_error("private key '{}' is encrypted (set MLCI_SIGNING_KEY_PASSWORD to "
                               "its passphrase)",
                               where);
        if (req.asked)
            return usage_error("cannot decrypt private key '{}': wrong passphrase (check "
                               "MLCI_SIGNING_KEY_PASSWORD)",
                               where);
        return usage_error("'{}' is not a PEM private key (expected PKCS#8, as 'mlci key "
                           "generate' writes to PREFIX.key)",
                           where);
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        return usage_error("'{}' is not an Ed25519 key", where);
    PKeyPtr copy(EVP_PKEY_dup(key.get()));
    MLCI_TRY_ASSIGN(pub, PublicKey::from_pkey(std::move(copy)));
    return PrivateKey(std::move(key), std::move(pub));
}

Result<std::string> PrivateKey::sign(std::string_view message) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::string sig(64, '\0');
    size_t n = sig.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        return runtime_error("cannot sign: {}", openssl_error());
    sig.resize(n);
    return sig;
}

Result<std::string> PrivateKey::pkcs8_pem(const std::optional<std::string>& passphrase) const {
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio)
        return runtime_error("cannot encode a private key: {}", openssl_error());
    int ok;
    if (has_passphrase(passphrase)) {
        std::string pass = *passphrase; // PEM_write_* wants a mutable buffer
        ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), m_key.get(), EVP_aes_256_cbc(), pass.data(),
                                           static_cast<int>(pass.size()), nullptr, nullptr);
        OPENSSL_cleanse(pass.data(), pass.size());
    } else {
        ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr,
                                           nullptr);
    }
    if (ok != 1)
        return runtime_error("cannot encode a private key: {}", openssl_error());
    return bio_text(bio.get());
}

Result<PublicKey> load_public_key(const fs::path& path) {
    auto text = read_file(path);
    if (!text)
        return unreadable(text.error(), "public key");
    return PublicKey::from_pem(*text, path.string());
}

Result<PrivateKey> load_private_key(const fs::path& path,
                                    const std::optional<std::string>& passphrase) {
    keep_secrets_out_of_core_dumps();
    auto text = read_file(path);
    if (!text)
        return unreadable(text.error(), "private key");
    auto key = PrivateKey::from_pem(*text, path.string(), passphrase);
    OPENSSL_cleanse(text->data(), text->size());
    return key;
}

KeyFiles key_files(const fs::path& prefix) {
    return {fs::path(prefix.string() + ".key"), fs::path(prefix.string() + ".pub")};
}

Status write_key_files(const PrivateKey& key, const KeyFiles& files,
                       const std::optional<std::string>& passphrase, bool force) {
    if (!force) {
        std::error_code ec;
        for (auto& p : {files.private_key, files.public_key})
            if (fs::exists(fs::symlink_status(p, ec)))
                return usage_error("key file '{}' exists (pass --force to replace it)", p.string());
    }
    MLCI_TRY_ASSIGN(pem, key.pkcs8_pem(passphrase));
    auto written = write_secret_file(files.private_key, pem, force);
    OPENSSL_cleanse(pem.data(), pem.size());
    MLCI_TRY(written);
    return write_file_atomic(files.public_key, key.public_key().pem(), true, 0644);
}

} // namespace mlci::sign
