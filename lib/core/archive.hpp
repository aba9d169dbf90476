// Owning handles of libarchive's readers, writers and entries, and the text
// of a handle's last error: one place that frees each kind the right way and
// never hands fmt a null message.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <memory>
#include <string>

namespace mlci {

struct ArchiveReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveEntryFree {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// From archive_read_new().
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;
// From archive_write_new() or archive_write_disk_new().
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;
// From archive_entry_new().
using ArchiveEntry = std::unique_ptr<archive_entry, ArchiveEntryFree>;

// libarchive's message for the last error of `a`, or "unknown error": it has
// none after some failures (a truncated header), and fmt throws on a null
// char pointer.
const char* archive_error_text(archive* a);

// The same, with the system's reason when libarchive's message lacks it
// ("Write failed: No space left on device").
std::string archive_error_with_reason(archive* a);

} // namespace mlci
