// Ed25519 signing keys over OpenSSL's EVP interface: generation, PEM files
// (PKCS#8 private keys, optionally encrypted; SubjectPublicKeyInfo public
// keys), signing and verifying. Key bytes never leave this folder as text
// that a caller could print by mistake: only the public key has accessors.
#pragma once

#include <filesystem>
#include <memory>
#include <mlci/core/error.hpp>
#include <openssl/evp.h>
#include <optional>
#include <string>
#include <string_view>

namespace mlci::sign {

namespace fs = std::filesystem;

struct PKeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, PKeyFree>;

// A public Ed25519 key. Copies share the one EVP_PKEY (freed with the last).
class PublicKey {
public:
    // Takes an Ed25519 key (public, or a private key of which only the public
    // half is kept); a usage error for any other type.
    static Result<PublicKey> from_pkey(PKeyPtr key);
    // Parses a SubjectPublicKeyInfo PEM; `where` names it in errors.
    static Result<PublicKey> from_pem(std::string_view pem, std::string_view where);

    // "sha256:<hex>" of the DER SubjectPublicKeyInfo: the key id of signatures.
    const std::string& id() const { return m_id; }
    // The DER SubjectPublicKeyInfo.
    const std::string& der() const { return m_der; }
    // The SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
    std::string pem() const;
    // True when `signature` is this key's Ed25519 signature of `message`.
    bool verify(std::string_view message, std::string_view signature) const;

private:
    PublicKey() = default;
    std::shared_ptr<EVP_PKEY> m_key;
    std::string m_der, m_id;
};

// A private Ed25519 key: move-only, its bytes reachable only as an
// encrypted-or-not PKCS#8 PEM written to a file with mode 0600.
class PrivateKey {
public:
    // A new random key.
    static Result<PrivateKey> generate();
    // Parses a PKCS#8 PEM (encrypted when `passphrase` is needed); `where`
    // names it in errors. Usage errors for a malformed, non-Ed25519 or
    // encrypted key without (or with the wrong) passphrase.
    static Result<PrivateKey> from_pem(std::string_view pem, std::string_view where,
                                       const std::optional<std::string>& passphrase);

    const PublicKey& public_key() const { return m_public; }
    // The Ed25519 signature (64 bytes) of `message`.
    Result<std::string> sign(std::string_view message) const;
    // The PKCS#8 PEM, encrypted with AES-256 when `passphrase` is set and not
    // empty. The caller writes it with write_private_key_file and drops it.
    Result<std::string> pkcs8_pem(const std::optional<std::string>& passphrase) const;

private:
    PrivateKey(PKeyPtr key, PublicKey pub) : m_key(std::move(key)), m_public(std::move(pub)) {}
    PKeyPtr m_key;
    PublicKey m_public;
};

// Reads a public key file (SubjectPublicKeyInfo PEM). Unreadable or
// malformed files are usage errors naming the file.
Result<PublicKey> load_public_key(const fs::path& path);
// Reads a private key file (PKCS#8 PEM, encrypted or not).
Result<PrivateKey> load_private_key(const fs::path& path,
                                    const std::optional<std::string>& passphrase);

// Where `key generate --out PREFIX` writes: PREFIX.key and PREFIX.pub.
struct KeyFiles {
    fs::path private_key, public_key;
};
KeyFiles key_files(const fs::path& prefix);

// Writes `key` to files.private_key (mode 0600 from its creation, renamed
// into place so no reader sees a partial or world-readable file) and its
// public key to files.public_key. Refuses (a usage error) when either file
// exists unless `force`; the check for the private key is atomic (link(2)).
Status write_key_files(const PrivateKey& key, const KeyFiles& files,
                       const std::optional<std::string>& passphrase, bool force);

} // namespace mlci::sign
