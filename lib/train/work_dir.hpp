// A private folder under the store's mlci/work for one run (params file, log,
// kept copies of its outputs) or one sweep (the members' mirrors). Outside
// mlci/tmp, which gc empties of old files: a run may be quiet for longer than
// gc's grace. A lock held for the folder's life tells a live one from one
// left by an mlci that died (SIGKILL, power loss), which the next run removes:
// nothing in it is needed once its mlci is gone.
#pragma once

#include <filesystem>
#include <mlci/core/error.hpp>
#include <mlci/core/file_lock.hpp>
#include <mlci/store/store.hpp>
#include <optional>
#include <string>

namespace mlci::train {

namespace fs = std::filesystem;

class WorkDir {
public:
    // Creates mlci/work/<name> (a name used once) and holds it; first
    // removes the folders of dead runs.
    static Result<WorkDir> make(const store::Store& store, const std::string& name);
    WorkDir(WorkDir&& o) noexcept;
    WorkDir& operator=(WorkDir&&) = delete;
    ~WorkDir(); // removes the folder, then lets go of its lock
    const fs::path& dir() const { return m_dir; }

private:
    WorkDir(fs::path dir, FileLock lock) : m_dir(std::move(dir)), m_lock(std::move(lock)) {}
    fs::path m_dir;
    std::optional<FileLock> m_lock;
};

// Removes every folder under mlci/work whose lock nobody holds.
void remove_dead_work_dirs(const store::Store& store);

} // namespace mlci::train
