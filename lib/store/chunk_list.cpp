#include <mlci/store/chunk_list.hpp>
#include <simdjson.h>

namespace mlci::store {

namespace {

constexpr size_t k_max_chunks_per_list = 2048;

} // namespace

bool ends_chunk_list(const hash::RawDigest& id, size_t count) {
    // The digest's last 9 bits are zero for one chunk in 512.
    return count >= k_max_chunks_per_list || ((id.bytes[30] & 1) == 0 && id.bytes[31] == 0);
}

std::string serialize_chunk_list(const ChunkList& list) {
    std::string out;
    out.reserve(list.packs.size() * 100 + list.chunks.size() * 96 + 32);
    out += "{\"packs\":[";
    for (size_t i = 0; i < list.packs.size(); ++i)
        out += fmt::format("{}{{\"digest\":\"{}\",\"size\":{}}}", i ? "," : "",
                           list.packs[i].digest.str(), list.packs[i].size);
    out += "],\"chunks\":[";
    for (size_t i = 0; i < list.chunks.size(); ++i) {
        auto& c = list.chunks[i];
        out += fmt::format("{}[{},{},{},\"{}\"]", i ? "," : "", c.pack, c.offset, c.length,
                           c.id.hex());
    }
    out += "]}";
    return out;
}

Result<ChunkList> parse_chunk_list(std::string_view text, std::string_view where) {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(text);
    ChunkList out;
    auto bad = [&](std::string_view why) {
        return usage_error("malformed chunk list '{}': {}", where, why);
    };
    try {
        auto doc = parser.iterate(padded);
        for (auto item : doc["packs"].get_array()) {
            BlobRef p;
            for (auto field : item.get_object()) {
                std::string_view key = field.unescaped_key();
                if (key == "digest") {
                    auto d = hash::Digest::parse(std::string_view(field.value().get_string()));
                    if (!d)
                        return bad(d.error().message);
                    p.digest = *d;
                } else if (key == "size") {
                    p.size = field.value().get_uint64();
                }
            }
            if (p.digest.empty())
                return bad("a pack without a digest");
            out.packs.push_back(std::move(p));
        }
        for (auto item : doc["chunks"].get_array()) {
            ChunkRecord c;
            uint64_t pack = 0, length = 0;
            std::optional<hash::RawDigest> id;
            size_t field = 0;
            for (auto value : item.get_array()) {
                switch (field++) {
                case 0:
                    pack = value.get_uint64();
                    break;
                case 1:
                    c.offset = value.get_uint64();
                    break;
                case 2:
                    length = value.get_uint64();
                    break;
                case 3:
                    id = hash::RawDigest::from_hex(std::string_view(value.get_string()));
                    break;
                default:
                    return bad("a chunk with more than four fields");
                }
            }
            if (field != 4)
                return bad("a chunk with fewer than four fields");
            if (!id)
                return bad("a chunk digest that is not 64 hex digits");
            if (pack >= out.packs.size())
                return bad(fmt::format("a chunk names pack {} of {}", pack, out.packs.size()));
            auto& p = out.packs[pack];
            if (length == 0 || length > UINT32_MAX || c.offset > p.size ||
                length > p.size - c.offset)
                return bad(fmt::format("a chunk (offset {}, {} bytes) lies outside its pack",
                                       c.offset, length));
            c.pack = static_cast<uint32_t>(pack);
            c.length = static_cast<uint32_t>(length);
            c.id = *id;
            out.chunks.push_back(c);
        }
    } catch (const simdjson::simdjson_error& e) {
        return bad(e.what());
    }
    return out;
}

} // namespace mlci::store
