#include <mlci/hash/sha256.hpp>
#include <stdexcept>

namespace mlci::hash {

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
    if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("cannot initialise sha256");
}

void Sha256::update(const void* data, size_t size) {
    EVP_DigestUpdate(m_ctx.get(), data, size);
}

Digest Sha256::finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx.get(), out, &len);
    return Digest::from_bytes(out);
}

Digest sha256_of(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.finish();
}

} // namespace mlci::hash
