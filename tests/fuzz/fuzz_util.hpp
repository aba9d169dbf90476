// What the fuzz targets share: the input as text, a scratch folder per
// process, and a check that aborts (a libFuzzer crash) when a property fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

namespace mlci::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A property of the parser that must hold for every input; a failure is a
// finding, reported like a crash so that libFuzzer saves the input.
#define MLCI_FUZZ_CHECK(cond)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);       \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

// A folder of this process's own under $TMPDIR, removed at exit.
class ScratchDir {
public:
    explicit ScratchDir(std::string_view what) {
        auto base = std::filesystem::temp_directory_path() /
                    ("mlci-fuzz-" + std::string(what) + "-" + std::to_string(getpid()));
        std::filesystem::remove_all(base);
        std::filesystem::create_directories(base);
        m_path = std::filesystem::canonical(base);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace mlci::fuzz
