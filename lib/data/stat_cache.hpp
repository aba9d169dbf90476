// Remembers the digest of each workspace file with the stat facts it had, so
// that an unchanged tree is not read again (what makes `status` as fast as git's).
#pragma once

#include <filesystem>
#include <mlci/data/scan.hpp>
#include <mlci/hash/digest.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>
#include <unordered_map>

namespace mlci::data {

class StatCache {
public:
    // Loads the cache for files under `base` (an absolute folder). A missing
    // or unreadable cache is an empty one: it is only ever a shortcut.
    static StatCache load(const store::Store& store, const fs::path& base);

    // The recorded digest when `path` still has the same size, inode, mtime and ctime.
    std::optional<hash::Digest> lookup(const std::string& path, const FileStat& st) const;
    void record(const std::string& path, const FileStat& st, const hash::Digest& d);
    // Writes the cache atomically. Entries modified within the last two
    // seconds are left out: a write in the same timestamp tick could go unseen.
    Status save() const;

private:
    struct Entry {
        FileStat stat;
        hash::Digest digest;
    };
    fs::path m_file;
    std::unordered_map<std::string, Entry> m_entries;
};

} // namespace mlci::data
