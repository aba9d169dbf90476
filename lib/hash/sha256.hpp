// Streaming sha256 over OpenSSL's EVP interface (SHA-NI where the CPU has it).
#pragma once

#include <memory>
#include <mlci/hash/digest.hpp>
#include <openssl/evp.h>
#include <string_view>

namespace mlci::hash {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    // Finishes the hash; the object must not be updated afterwards.
    Digest finish();

private:
    struct Free {
        void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> m_ctx;
};

// The digest of a string.
Digest sha256_of(std::string_view data);

} // namespace mlci::hash
