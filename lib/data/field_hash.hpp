// The hash that profiles tell fields apart by: FNV-1a, then a finalizer, as
// FNV alone leaves the low bits (which pick hash-table slots) poorly mixed.
// Our own function rather than std::hash so that profiles never depend on
// the standard library; streamable, so that the CSV reader can hash a field
// too long to keep.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mlci::data {

inline uint64_t mix64(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

class FieldHasher {
public:
    void update(std::string_view s) {
        for (unsigned char c : s) {
            m_h ^= c;
            m_h *= 0x100000001b3ULL;
        }
        m_size += s.size();
    }
    uint64_t size() const { return m_size; }
    uint64_t finish() const { return mix64(m_h ^ m_size); }

private:
    uint64_t m_h = 0xcbf29ce484222325ULL;
    uint64_t m_size = 0;
};

inline uint64_t field_hash(std::string_view s) {
    FieldHasher h;
    h.update(s);
    return h.finish();
}

} // namespace mlci::data
