#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <mlci/core/parallel.hpp>
#include <mlci/core/utf8.hpp>
#include <mlci/data/scan.hpp>
#include <mutex>
#include <sys/stat.h>

namespace mlci::data {

namespace {

FileStat from_stat(const struct stat& st) {
    return {static_cast<uint64_t>(st.st_size),
            static_cast<uint64_t>(st.st_ino),
            static_cast<uint64_t>(st.st_dev),
            st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
            st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec,
            static_cast<uint32_t>(st.st_mode & 0777)};
}

struct Walker {
    fs::path base;
    std::mutex m;
    std::vector<ScannedFile> files;
    std::vector<std::string> subdirs; // relative to base, still to read

    // Reads one folder; returns its subfolders.
    Result<std::vector<std::string>> read_dir(const std::string& rel) {
        auto dir_path = base / rel;
        DIR* dir = ::opendir(dir_path.c_str());
        if (!dir)
            return sys_error(errno, fmt::format("cannot read folder '{}'", dir_path.string()));
        std::unique_ptr<DIR, int (*)(DIR*)> owned(dir, ::closedir);
        std::vector<ScannedFile> found;
        std::vector<std::string> dirs;
        while (dirent* e = ::readdir(dir)) {
            std::string_view name = e->d_name;
            if (name == "." || name == "..")
                continue;
            std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
            struct stat st {};
            if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                return sys_error(errno, fmt::format("cannot stat '{}'", (base / child).string()));
            if (S_ISDIR(st.st_mode)) {
                if (name != ".git" && name != ".mlci")
                    dirs.push_back(std::move(child));
            } else if (S_ISREG(st.st_mode)) {
                found.push_back({std::move(child), from_stat(st)});
            } else if (S_ISLNK(st.st_mode)) {
                return usage_error("'{}' is a symbolic link; datasets hold regular files only "
                                   "(replace it with the file it points to)",
                                   (base / child).string());
            } else {
                return usage_error("'{}' is not a regular file", (base / child).string());
            }
        }
        std::lock_guard lock(m);
        std::move(found.begin(), found.end(), std::back_inserter(files));
        return dirs;
    }
};

// A dataset's file list is JSON, which holds UTF-8 only: a name that is not
// is refused up front, by name, rather than failing later inside the JSON
// writer with a message that names nothing.
Status check_names(const std::vector<ScannedFile>& files, const fs::path& base) {
    for (auto& f : files)
        if (find_invalid_utf8(f.path) != std::string::npos)
            return usage_error("the file name '{}' is not valid UTF-8 (shown with U+FFFD); "
                               "rename it to version it",
                               valid_utf8((base / f.path).string()));
    return {};
}

} // namespace

Result<FileStat> stat_file(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return sys_error(errno, fmt::format("cannot stat '{}'", path.string()));
    return from_stat(st);
}

Result<std::vector<ScannedFile>> scan_root(const fs::path& root, const fs::path& base,
                                           unsigned jobs) {
    struct stat st {};
    if (::lstat(root.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return usage_error("path '{}' does not exist", root.string());
        return sys_error(errno, fmt::format("cannot stat '{}'", root.string()));
    }
    auto rel_root = root.lexically_relative(base).generic_string();
    Walker w{base, {}, {}, {}};
    if (S_ISREG(st.st_mode)) {
        w.files.push_back({rel_root, from_stat(st)});
        MLCI_TRY(check_names(w.files, base));
        return std::move(w.files);
    }
    if (!S_ISDIR(st.st_mode))
        return usage_error("'{}' is neither a regular file nor a folder", root.string());

    // Breadth-first, each level's folders read in parallel.
    std::vector<std::string> level{rel_root};
    while (!level.empty()) {
        std::vector<std::vector<std::string>> next(level.size());
        MLCI_TRY(parallel_for(level.size(), jobs, [&](size_t i) -> Status {
            MLCI_TRY_ASSIGN(dirs, w.read_dir(level[i]));
            next[i] = std::move(dirs);
            return {};
        }));
        level.clear();
        for (auto& n : next)
            std::move(n.begin(), n.end(), std::back_inserter(level));
    }
    std::sort(w.files.begin(), w.files.end(),
              [](const ScannedFile& a, const ScannedFile& b) { return a.path < b.path; });
    MLCI_TRY(check_names(w.files, base));
    return std::move(w.files);
}

} // namespace mlci::data
