#include <algorithm>
#include <map>
#include <mlci/train/mirror.hpp>

namespace mlci::train {

namespace {

// `own` maps a name in `src` to what lies under it ("" for the name itself).
Status mirror_dir(const fs::path& src, const fs::path& dst,
                  const std::map<std::string, std::vector<std::string>>& own) {
    std::error_code ec;
    fs::create_directories(dst, ec);
    if (ec)
        return runtime_error("cannot create '{}': {}", dst.string(), ec.message());
    bool listed = fs::is_directory(src, ec);
    for (auto& entry : listed ? fs::directory_iterator(src, ec) : fs::directory_iterator()) {
        auto name = entry.path().filename().string();
        auto it = own.find(name);
        if (it == own.end()) {
            fs::create_symlink(entry.path(), dst / name, ec);
            if (ec)
                return runtime_error("cannot link '{}': {}", (dst / name).string(), ec.message());
            continue;
        }
        bool whole = std::find(it->second.begin(), it->second.end(), "") != it->second.end();
        if (whole) {
            if (entry.is_directory(ec) && !entry.is_symlink(ec))
                fs::create_directory(dst / name, ec);
            continue;
        }
        if (!entry.is_directory(ec))
            continue; // a file where an output's folder belongs: the command will say
        std::map<std::string, std::vector<std::string>> below;
        for (auto& rest : it->second) {
            auto slash = rest.find('/');
            below[rest.substr(0, slash)].push_back(
                slash == std::string::npos ? std::string() : rest.substr(slash + 1));
        }
        MLCI_TRY(mirror_dir(entry.path(), dst / name, below));
    }
    if (listed && ec)
        return runtime_error("cannot list '{}': {}", src.string(), ec.message());
    // Folders of outputs that the project does not have yet.
    for (auto& [name, rests] : own) {
        bool nested = std::any_of(rests.begin(), rests.end(), [](auto& r) { return !r.empty(); });
        if (nested && !fs::exists(src / name, ec)) {
            std::map<std::string, std::vector<std::string>> below;
            for (auto& rest : rests)
                if (!rest.empty()) {
                    auto slash = rest.find('/');
                    below[rest.substr(0, slash)].push_back(
                        slash == std::string::npos ? std::string() : rest.substr(slash + 1));
                }
            MLCI_TRY(mirror_dir(src / name, dst / name, below));
        }
    }
    return {};
}

} // namespace

Status make_mirror(const fs::path& project, const fs::path& dest,
                   const std::vector<std::string>& own) {
    std::map<std::string, std::vector<std::string>> top;
    for (auto& p : own) {
        auto slash = p.find('/');
        top[p.substr(0, slash)].push_back(slash == std::string::npos ? std::string()
                                                                     : p.substr(slash + 1));
    }
    return mirror_dir(project, dest, top);
}

} // namespace mlci::train
