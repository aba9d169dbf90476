#include <cstring>
#include <mlci/store/pack.hpp>

namespace mlci::store {

namespace {

constexpr std::string_view k_magic = "MLCIPACK";
constexpr uint32_t k_version = 1;

void put_le(std::string& out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_le(const char* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = v << 8 | static_cast<uint8_t>(p[i]);
    return v;
}

} // namespace

std::string serialize_pack_index(std::span<const PackEntry> entries) {
    std::string out;
    out.reserve(entries.size() * k_pack_entry_size + k_pack_trailer_size);
    for (auto& e : entries) {
        out.append(reinterpret_cast<const char*>(e.id.bytes.data()), e.id.bytes.size());
        put_le(out, e.offset, 8);
        put_le(out, e.length, 4);
    }
    put_le(out, entries.size(), 4);
    put_le(out, k_version, 4);
    out += k_magic;
    return out;
}

Result<uint64_t> pack_index_size(std::string_view trailer, uint64_t pack_size,
                                 std::string_view where) {
    if (trailer.size() != k_pack_trailer_size || !trailer.ends_with(k_magic))
        return usage_error("malformed pack '{}': no pack trailer", where);
    // NOLINTNEXTLINE(bugprone-suspicious-stringview-data-usage): the size is checked above
    uint64_t count = get_le(trailer.data(), 4);
    uint64_t version = get_le(trailer.data() + 4, 4);
    if (version != k_version)
        return usage_error("pack '{}' has format version {}, which this mlci cannot read", where,
                           version);
    uint64_t size = count * k_pack_entry_size + k_pack_trailer_size;
    if (size > pack_size)
        return usage_error("malformed pack '{}': an index of {} chunks does not fit in {} bytes",
                           where, count, pack_size);
    return size;
}

Result<std::vector<PackEntry>> parse_pack_index(std::string_view tail, uint64_t pack_size,
                                                std::string_view where) {
    if (tail.size() < k_pack_trailer_size)
        return usage_error("malformed pack '{}': no pack trailer", where);
    MLCI_TRY_ASSIGN(
        size, pack_index_size(tail.substr(tail.size() - k_pack_trailer_size), pack_size, where));
    if (size != tail.size())
        return usage_error("malformed pack '{}': the index is {} bytes, not {}", where, tail.size(),
                           size);
    uint64_t data_end = pack_size - size;
    size_t count = (size - k_pack_trailer_size) / k_pack_entry_size;
    std::vector<PackEntry> out(count);
    uint64_t next = 0;
    for (size_t i = 0; i < count; ++i) {
        const char* p = tail.data() + i * k_pack_entry_size;
        auto& e = out[i];
        std::memcpy(e.id.bytes.data(), p, 32);
        e.offset = get_le(p + 32, 8);
        e.length = static_cast<uint32_t>(get_le(p + 40, 4));
        if (e.offset < next || e.length == 0 || e.offset > data_end ||
            e.length > data_end - e.offset)
            return usage_error("malformed pack '{}': chunk {} (offset {}, {} bytes) lies outside "
                               "the chunk data or overlaps the one before",
                               where, i, e.offset, e.length);
        next = e.offset + e.length;
    }
    return out;
}

} // namespace mlci::store
