// Reads a tar (optionally compressed) back with libarchive, for checking
// what the writers made.
#pragma once

#include <catch2/catch.hpp>
#include <mlci/core/archive.hpp>
#include <string>
#include <vector>

namespace mlci::testing {

struct ReadEntry {
    std::string path;
    bool directory = false;
    unsigned mode = 0;
    int64_t mtime = 0;
    int64_t uid = -1, gid = -1;
    std::string uname, gname;
    std::string content;
};

inline std::vector<ReadEntry> read_tar(const std::string& bytes) {
    std::vector<ReadEntry> out;
    ArchiveReader reader(archive_read_new());
    archive* a = reader.get();
    archive_read_support_format_all(a);
    archive_read_support_filter_all(a);
    REQUIRE(archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        ReadEntry r;
        // The UTF-8 name: the plain one is NULL for non-ASCII names in the C locale.
        const char* name = archive_entry_pathname_utf8(e);
        r.path = name ? name : archive_entry_pathname(e);
        r.directory = archive_entry_filetype(e) == AE_IFDIR;
        r.mode = archive_entry_perm(e);
        r.mtime = archive_entry_mtime(e);
        r.uid = archive_entry_uid(e);
        r.gid = archive_entry_gid(e);
        r.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
        r.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
        std::vector<char> buf(1 << 16);
        la_ssize_t n;
        while ((n = archive_read_data(a, buf.data(), buf.size())) > 0)
            r.content.append(buf.data(), static_cast<size_t>(n));
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace mlci::testing
