#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <linux/fs.h>
#include <map>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/hash/sha256.hpp>
#include <mlci/store/chunk_copy.hpp>
#include <mlci/store/chunk_locator.hpp>
#include <mlci/store/chunked_file.hpp>
#include <mlci/store/media_types.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

namespace mlci::store {

namespace {

fs::path recipe_path(const Store& store, const hash::Digest& digest) {
    return store.root() / "mlci" / "chunks" / "files" / digest.hex();
}

Result<size_t> read_some(int fd, uint8_t* buf, size_t cap, const fs::path& what) {
    for (;;) {
        ssize_t n = ::read(fd, buf, cap);
        if (n >= 0)
            return static_cast<size_t>(n);
        if (errno != EINTR)
            return sys_error(errno, fmt::format("cannot read '{}'", what.string()));
    }
}

Status read_blob_into(const Store& store, const FileEntry& entry, int from, hash::Sha256& sha,
                      uint64_t& size, const ContentSink* sink) {
    constexpr size_t k_buffer = 1 << 20;
    thread_local auto buf = std::make_unique_for_overwrite<uint8_t[]>(k_buffer);
    for (;;) {
        MLCI_TRY_ASSIGN(n, read_some(from, buf.get(), k_buffer, store.blob_path(entry.digest)));
        if (n == 0)
            return {};
        sha.update(buf.get(), n);
        size += n;
        if (sink)
            MLCI_TRY((*sink)(buf.get(), n));
    }
}

Result<UniqueFd> open_blob(const Store& store, const FileEntry& entry, const fs::path& what) {
    UniqueFd src(::open(store.blob_path(entry.digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!src)
        return sys_error(errno, fmt::format("cannot open the blob of '{}' ({})", what.string(),
                                            entry.digest.str()));
    ::posix_fadvise(src.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    return src;
}

std::string serialize_recipe(const std::vector<BlobRef>& lists) {
    std::string out;
    for (auto& l : lists)
        out += fmt::format("{} {}\n", l.digest.str(), l.size);
    return out;
}

} // namespace

Result<std::vector<BlobRef>> put_chunk_lists(const Store& store, const ChunkStore& chunks,
                                             const ChunkedContent& content) {
    std::vector<BlobRef> lists;
    ChunkList list;
    std::map<uint32_t, uint32_t> pack_index; // slot -> index in list.packs
    auto flush = [&]() -> Status {
        if (list.chunks.empty())
            return {};
        auto text = serialize_chunk_list(list);
        MLCI_TRY_ASSIGN(writer, store.begin_blob());
        MLCI_TRY(writer.write(text.data(), text.size()));
        MLCI_TRY_ASSIGN(desc, writer.commit(k_media_chunk_list));
        lists.push_back({desc.digest, desc.size});
        list = {};
        pack_index.clear();
        return {};
    };
    for (auto& c : content.chunks) {
        auto [it, added] =
            pack_index.try_emplace(c.at.pack, static_cast<uint32_t>(list.packs.size()));
        if (added)
            list.packs.push_back(chunks.pack(c.at.pack));
        list.chunks.push_back({c.id, it->second, c.at.offset, c.at.length});
        if (ends_chunk_list(c.id, list.chunks.size()))
            MLCI_TRY(flush());
    }
    MLCI_TRY(flush());
    // Where this content can be found again by its digest (a cache, like
    // the chunk index: losing it costs only that lookup).
    auto recipe = recipe_path(store, content.digest);
    std::error_code ec;
    fs::create_directories(recipe.parent_path(), ec);
    MLCI_TRY(write_file_atomic(recipe, serialize_recipe(lists), /*durable=*/false));
    return lists;
}

namespace {

Status check_content(const FileEntry& entry, const hash::Digest& digest, uint64_t size,
                     const fs::path& what) {
    if (digest != entry.digest || size != entry.size)
        return runtime_error("the stored content of '{}' is corrupt: it hashes to '{}' ({} "
                             "bytes), not '{}' (run 'mlci verify')",
                             what.string(), digest.str(), size, entry.digest.str());
    return {};
}

} // namespace

Status stream_content(const Store& store, const FileEntry& entry, const ContentSink& sink,
                      const fs::path& what) {
    if (entry.chunked()) {
        MLCI_TRY_ASSIGN(copied, copy_chunks(store, entry, sink, what));
        return check_content(entry, copied.digest, copied.size, what);
    }
    MLCI_TRY_ASSIGN(src, open_blob(store, entry, what));
    hash::Sha256 sha;
    uint64_t size = 0;
    MLCI_TRY(read_blob_into(store, entry, src.get(), sha, size, &sink));
    return check_content(entry, sha.finish(), size, what);
}

Status write_content(const Store& store, const FileEntry& entry, int out, const fs::path& what) {
    ContentSink to_out = [&](const void* data, size_t n) {
        return write_all(out, std::string_view(static_cast<const char*>(data), n), what);
    };
    if (entry.chunked())
        return stream_content(store, entry, to_out, what);
    // A reflink shares the blob's extents copy-on-write where the file
    // system allows; the clone is then read back to check it (only into a
    // file open for reading too).
    MLCI_TRY_ASSIGN(src, open_blob(store, entry, what));
    if ((::fcntl(out, F_GETFL) & O_ACCMODE) == O_RDWR && ::ioctl(out, FICLONE, src.get()) == 0) {
        hash::Sha256 sha;
        uint64_t size = 0;
        MLCI_TRY(read_blob_into(store, entry, out, sha, size, nullptr));
        return check_content(entry, sha.finish(), size, what);
    }
    hash::Sha256 sha;
    uint64_t size = 0;
    MLCI_TRY(read_blob_into(store, entry, src.get(), sha, size, &to_out));
    return check_content(entry, sha.finish(), size, what);
}

ReadableFile::~ReadableFile() {
    if (m_temporary)
        ::unlink(m_path.c_str());
}

Result<ReadableFile> readable_file(const Store& store, const FileEntry& entry) {
    if (!entry.chunked())
        return ReadableFile(store.blob_path(entry.digest), false);
    ReadableFile file(temp_path_for(store.temp_dir() / "file"), true);
    UniqueFd out(::open(file.path().c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        return sys_error(errno, fmt::format("cannot create '{}'", file.path().string()));
    MLCI_TRY(write_content(store, entry, out.get(), entry.path));
    if (::close(out.release()) != 0)
        return sys_error(errno, fmt::format("cannot write '{}'", file.path().string()));
    return file;
}

bool has_content(const Store& store, const FileEntry& entry) {
    if (!entry.chunked())
        return store.has_blob(entry.digest);
    ChunkLocator locator(store);
    return has_content(store, entry, locator);
}

bool has_content(const Store& store, const FileEntry& entry, ChunkLocator& locator) {
    if (!entry.chunked())
        return store.has_blob(entry.digest);
    for (auto& ref : entry.chunk_lists) {
        auto text = store.read_blob(ref.digest);
        if (!text)
            return false;
        auto list = parse_chunk_list(*text, ref.digest.str());
        if (!list)
            return false;
        for (auto& c : list->chunks)
            if (!locator.locate(list->packs[c.pack].digest, c))
                return false;
    }
    return true;
}

std::optional<std::vector<BlobRef>> chunked_content(const Store& store,
                                                    const hash::Digest& digest) {
    auto text = read_file(recipe_path(store, digest));
    if (!text)
        return std::nullopt;
    std::vector<BlobRef> lists;
    size_t start = 0;
    while (start < text->size()) {
        auto end = text->find('\n', start);
        if (end == std::string::npos)
            return std::nullopt;
        std::string_view line(text->data() + start, end - start);
        auto space = line.find(' ');
        if (space == std::string_view::npos)
            return std::nullopt;
        auto d = hash::Digest::parse(line.substr(0, space));
        uint64_t size = 0;
        auto sz = line.substr(space + 1);
        if (!d || std::from_chars(sz.data(), sz.data() + sz.size(), size).ec != std::errc())
            return std::nullopt;
        lists.push_back({*d, size});
        start = end + 1;
    }
    if (lists.empty())
        return std::nullopt;
    return lists;
}

bool has_content(const Store& store, const hash::Digest& digest) {
    if (store.has_blob(digest))
        return true;
    auto lists = chunked_content(store, digest);
    if (!lists)
        return false;
    FileEntry entry;
    entry.digest = digest;
    entry.chunk_lists = std::move(*lists);
    return has_content(store, entry);
}

} // namespace mlci::store
