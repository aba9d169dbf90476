// A temporary file next to the file it will replace, removed unless it was
// renamed into place: how a user's file or a blob is replaced atomically
// (readers see the old file or the new one, never a part), and how a failure
// or an early return leaves nothing behind.
#pragma once

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <mlci/core/fs.hpp>
#include <unistd.h>
#include <utility>

namespace mlci {

class TempFile {
public:
    TempFile() = default;
    // Names a temporary file next to `target` (temp_path_for); the caller creates it.
    explicit TempFile(const std::filesystem::path& target) : m_path(temp_path_for(target)) {}
    TempFile(TempFile&& o) noexcept : m_path(std::exchange(o.m_path, {})) {}
    TempFile& operator=(TempFile&& o) noexcept {
        discard();
        m_path = std::exchange(o.m_path, {});
        return *this;
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { discard(); }

    const std::filesystem::path& path() const { return m_path; }

    // Renames the file onto `target`, which it replaces; from then on it is
    // not ours to remove. 0, or the errno of the failed rename.
    int rename_to(const std::filesystem::path& target) {
        if (::rename(m_path.c_str(), target.c_str()) != 0)
            return errno;
        m_path.clear();
        return 0;
    }

private:
    void discard() {
        if (!m_path.empty())
            ::unlink(m_path.c_str());
        m_path.clear();
    }
    std::filesystem::path m_path;
};

} // namespace mlci
