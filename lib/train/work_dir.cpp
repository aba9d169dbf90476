#include <mlci/train/work_dir.hpp>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mlci::train {

namespace {

fs::path work_root(const store::Store& store) {
    return store.root() / "mlci" / "work";
}

// The lock sits next to its folder, not in it: it is taken before the
// folder exists, so a folder is never seen without its lock held.
fs::path lock_of(const fs::path& dir) {
    return fs::path(dir.string() + ".lock");
}

} // namespace

void remove_dead_work_dirs(const store::Store& store) {
    std::error_code ec;
    // Folders only: a lock file seen alone may be one just created and not
    // yet locked, and taking it then would let its folder be judged dead.
    // A folder appears only once its lock is held.
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(work_root(store), ec))
        if (e.is_directory(ec) && !e.is_symlink(ec))
            names.push_back(e.path().filename().string());
    for (auto& name : names) {
        auto dir = work_root(store) / name;
        auto lock = FileLock::try_acquire(lock_of(dir), FileLock::Mode::exclusive);
        if (!lock || !*lock)
            continue;            // alive, or not ours to judge
        fs::remove_all(dir, ec); // symlinks of a mirror are removed, not followed
        ::unlink(lock_of(dir).c_str());
    }
}

Result<WorkDir> WorkDir::make(const store::Store& store, const std::string& name) {
    auto root = work_root(store);
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", root.string(), ec.message());
    remove_dead_work_dirs(store);
    auto dir = root / name;
    MLCI_TRY_ASSIGN(lock, FileLock::acquire(lock_of(dir), FileLock::Mode::exclusive));
    fs::create_directories(dir, ec);
    if (ec) {
        ::unlink(lock_of(dir).c_str());
        return runtime_error("cannot create '{}': {}", dir.string(), ec.message());
    }
    return WorkDir(std::move(dir), std::move(lock));
}

WorkDir::WorkDir(WorkDir&& o) noexcept
    : m_dir(std::exchange(o.m_dir, {})), m_lock(std::exchange(o.m_lock, std::nullopt)) {}

WorkDir::~WorkDir() {
    if (m_dir.empty())
        return;
    std::error_code ec;
    fs::remove_all(m_dir, ec);
    ::unlink(lock_of(m_dir).c_str());
}

} // namespace mlci::train
