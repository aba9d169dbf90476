// Layer tar streams (plain, gzip or zstd) unpacked by a `dir` deploy. The
// property: nothing is created, changed or removed outside the target
// folder, and what is inside is regular files, folders and symlinks that
// resolve inside it; anything else is refused.
#include "fuzz_util.hpp"

#include <fstream>
#include <mlci/deploy/unpack.hpp>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

// base/layer.tar          the input
// base/run/sentinel       beside the target: must stay as it is
// base/run/target/        where the layer is unpacked
// base/outside/sentinel   further away: must stay as it is
struct Paths {
    mlci::fuzz::ScratchDir base{"tar"};
    fs::path tar = base.path() / "layer.tar";
    fs::path run = base.path() / "run";
    fs::path target = run / "target";
    fs::path outside = base.path() / "outside";
};

const Paths& paths() {
    static Paths p;
    return p;
}

void write_file(const fs::path& file, std::string_view data) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    MLCI_FUZZ_CHECK(out.good());
}

std::string read_whole(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

bool inside(const fs::path& p, const fs::path& root) {
    auto rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
}

// Exactly `names` in `dir`, not following symlinks.
void expect_only(const fs::path& dir, std::initializer_list<const char*> names) {
    size_t n = 0;
    for (auto& e : fs::directory_iterator(dir)) {
        ++n;
        bool known = false;
        for (auto* name : names)
            known = known || e.path().filename() == name;
        if (!known)
            std::fprintf(stderr, "unexpected '%s'\n", e.path().c_str());
        MLCI_FUZZ_CHECK(known);
    }
    MLCI_FUZZ_CHECK(n == names.size());
}

void reset_run(const Paths& p) {
    std::error_code ec;
    // A layer may leave folders without write permission.
    if (fs::exists(p.target, ec))
        for (auto it = fs::recursive_directory_iterator(p.target, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::permissions(p.target, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(p.run, ec);
    MLCI_FUZZ_CHECK(!ec);
    fs::create_directories(p.target);
    write_file(p.run / "sentinel", "beside");
    fs::create_directories(p.outside);
    write_file(p.outside / "sentinel", "outside");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& p = paths();
    reset_run(p);
    write_file(p.tar, mlci::fuzz::as_text(data, size));

    auto stats = mlci::deploy::unpack_layer(p.tar, p.target, "fuzz layer");

    // Whatever the outcome, nothing outside the target changed.
    expect_only(p.base.path(), {"layer.tar", "run", "outside"});
    expect_only(p.run, {"sentinel", "target"});
    expect_only(p.outside, {"sentinel"});
    MLCI_FUZZ_CHECK(fs::is_directory(fs::symlink_status(p.target)));
    for (auto* s : {"run/sentinel", "outside/sentinel"}) {
        struct stat st {};
        MLCI_FUZZ_CHECK(lstat((p.base.path() / s).c_str(), &st) == 0);
        MLCI_FUZZ_CHECK(S_ISREG(st.st_mode) && st.st_nlink == 1); // no hard link into a layer
    }
    MLCI_FUZZ_CHECK(read_whole(p.run / "sentinel") == "beside");
    MLCI_FUZZ_CHECK(read_whole(p.outside / "sentinel") == "outside");

    if (!stats)
        return 0;
    // What was accepted: files, folders and symlinks resolving inside.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(p.target, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        auto st = it->symlink_status();
        MLCI_FUZZ_CHECK(fs::is_regular_file(st) || fs::is_directory(st) || fs::is_symlink(st));
        if (!fs::is_symlink(st))
            MLCI_FUZZ_CHECK((st.permissions() & (fs::perms::set_uid | fs::perms::set_gid)) ==
                            fs::perms::none);
        else {
            std::error_code rec;
            auto resolved = fs::weakly_canonical(it->path(), rec);
            if (!rec && !inside(resolved, p.target))
                std::fprintf(stderr, "symlink '%s' resolves to '%s'\n", it->path().c_str(),
                             resolved.c_str());
            MLCI_FUZZ_CHECK(rec || inside(resolved, p.target));
        }
    }
    return 0;
}
