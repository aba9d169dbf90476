#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/sign/key.hpp>
#include <sys/stat.h>

using namespace mlci;
using namespace mlci::sign;
using mlci::testing::TempDir;

namespace {

unsigned file_mode(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Sets the umask for a scope: key files must be 0600 whatever it is.
struct Umask {
    mode_t old;
    explicit Umask(mode_t m) : old(::umask(m)) {}
    ~Umask() { ::umask(old); }
};

} // namespace

TEST_CASE("sign/key: sign and verify round trip", "[sign][key]") {
    auto key = PrivateKey::generate();
    REQUIRE(key);
    auto sig = key->sign("message");
    REQUIRE(sig);
    CHECK(sig->size() == 64);
    CHECK(key->public_key().verify("message", *sig));
    CHECK_FALSE(key->public_key().verify("messagE", *sig));
    auto tampered = *sig;
    tampered[10] ^= 1;
    CHECK_FALSE(key->public_key().verify("message", tampered));
    CHECK_FALSE(key->public_key().verify("message", sig->substr(0, 63)));

    auto other = PrivateKey::generate();
    REQUIRE(other);
    CHECK_FALSE(other->public_key().verify("message", *sig));
    CHECK(other->public_key().id() != key->public_key().id());
}

TEST_CASE("sign/key: the key id is the sha256 of the public key's DER", "[sign][key]") {
    auto key = *PrivateKey::generate();
    auto& pub = key.public_key();
    CHECK(pub.der().size() == 44); // SubjectPublicKeyInfo of Ed25519: 12 + 32 bytes
    CHECK(pub.id() == hash::sha256_of(pub.der()).str());
    CHECK_THAT(pub.pem(), Catch::StartsWith("-----BEGIN PUBLIC KEY-----\n"));
    auto again = PublicKey::from_pem(pub.pem(), "pem");
    REQUIRE(again);
    CHECK(again->id() == pub.id());
}

TEST_CASE("sign/key: key files, mode 0600, no overwrite without force", "[sign][key]") {
    TempDir dir;
    Umask open_umask(0); // the private key must not follow the umask
    auto key = *PrivateKey::generate();
    auto files = key_files(dir / "release");
    CHECK(files.private_key == dir / "release.key");
    CHECK(files.public_key == dir / "release.pub");
    REQUIRE(write_key_files(key, files, std::nullopt, false));
    CHECK(file_mode(files.private_key) == 0600);
    CHECK(file_mode(files.public_key) == 0644);
    auto text = *read_file(files.private_key);
    CHECK_THAT(text, Catch::StartsWith("-----BEGIN PRIVATE KEY-----\n"));
    // Nothing but the two files is left behind.
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 2);

    auto loaded = load_private_key(files.private_key, std::nullopt);
    REQUIRE(loaded);
    CHECK(loaded->public_key().id() == key.public_key().id());
    auto pub = load_public_key(files.public_key);
    REQUIRE(pub);
    CHECK(pub->id() == key.public_key().id());
    CHECK(pub->verify("x", *loaded->sign("x")));

    auto other = *PrivateKey::generate();
    auto refused = write_key_files(other, files, std::nullopt, false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Exit::usage);
    CHECK_THAT(refused.error().message, Catch::Contains("--force"));
    CHECK(*read_file(files.private_key) == text);

    REQUIRE(write_key_files(other, files, std::nullopt, true));
    CHECK(file_mode(files.private_key) == 0600);
    CHECK(load_public_key(files.public_key)->id() == other.public_key().id());

    // An existing private key alone is enough to refuse.
    fs::remove(files.public_key);
    CHECK_FALSE(write_key_files(key, files, std::nullopt, false));
    CHECK_FALSE(fs::exists(files.public_key));
}

TEST_CASE("sign/key: encrypted private key with a passphrase", "[sign][key]") {
    TempDir dir;
    auto key = *PrivateKey::generate();
    auto files = key_files(dir / "enc");
    std::optional<std::string> pass = "correct horse battery staple";
    REQUIRE(write_key_files(key, files, pass, false));
    CHECK(file_mode(files.private_key) == 0600);
    auto text = *read_file(files.private_key);
    CHECK_THAT(text, Catch::StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    CHECK_THAT(text, !Catch::Contains("correct horse"));

    auto loaded = load_private_key(files.private_key, pass);
    REQUIRE(loaded);
    CHECK(loaded->public_key().id() == key.public_key().id());
    CHECK(key.public_key().verify("m", *loaded->sign("m")));

    auto none = load_private_key(files.private_key, std::nullopt);
    REQUIRE_FALSE(none);
    CHECK(none.error().code == Exit::usage);
    CHECK_THAT(none.error().message,
               Catch::Contains("is encrypted") && Catch::Contains("MLCI_SIGNING_KEY_PASSWORD"));

    auto wrong = load_private_key(files.private_key, std::string("wrong"));
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == Exit::usage);
    CHECK_THAT(wrong.error().message, Catch::Contains("wrong passphrase"));

    // An empty passphrase means none: the key is written in the clear.
    auto clear = key_files(dir / "clear");
    REQUIRE(write_key_files(key, clear, std::string(), false));
    CHECK_THAT(*read_file(clear.private_key), Catch::StartsWith("-----BEGIN PRIVATE KEY-----"));
}

TEST_CASE("sign/key: unreadable and malformed key files are usage errors", "[sign][key]") {
    TempDir dir;
    auto missing = load_public_key(dir / "missing.pub");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Exit::usage);
    CHECK_THAT(missing.error().message, Catch::Contains("cannot open public key '"));

    REQUIRE(write_file_atomic(dir / "junk.pub", "not a key\n"));
    auto junk = load_public_key(dir / "junk.pub");
    REQUIRE_FALSE(junk);
    CHECK(junk.error().code == Exit::usage);
    CHECK_THAT(junk.error().message, Catch::Contains("is not a PEM public key"));
    CHECK_FALSE(load_private_key(dir / "junk.pub", std::nullopt));

    // A private key where a public key is expected, and the other way round.
    auto key = *PrivateKey::generate();
    auto files = key_files(dir / "k");
    REQUIRE(write_key_files(key, files, std::nullopt, false));
    auto swapped = load_public_key(files.private_key);
    REQUIRE_FALSE(swapped);
    CHECK(swapped.error().code == Exit::usage);
    auto swapped2 = load_private_key(files.public_key, std::nullopt);
    REQUIRE_FALSE(swapped2);
    CHECK(swapped2.error().code == Exit::usage);

    // An RSA-free check of "not Ed25519": an X25519 public key.
    EVP_PKEY* x = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
    REQUIRE(x);
    auto wrong_type = PublicKey::from_pkey(PKeyPtr(x));
    REQUIRE_FALSE(wrong_type);
    CHECK(wrong_type.error().code == Exit::usage);
}
