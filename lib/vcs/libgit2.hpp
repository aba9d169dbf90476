// What every file that talks to libgit2 shares: the one-per-process init and
// owning handles for libgit2's objects. Only lib/vcs includes this.
#pragma once

#include <git2.h>
#include <memory>

namespace mlci::vcs::detail {

// libgit2 counts its inits; one for the process, made on first use.
inline void ensure_libgit2() {
    struct Libgit2 {
        Libgit2() { git_libgit2_init(); }
        ~Libgit2() { git_libgit2_shutdown(); }
    };
    static Libgit2 once;
}

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Repo = Handle<git_repository, git_repository_free>;
using Ref = Handle<git_reference, git_reference_free>;
using StatusList = Handle<git_status_list, git_status_list_free>;
using Remote = Handle<git_remote, git_remote_free>;
using Tree = Handle<git_tree, git_tree_free>;
using TreeEntry = Handle<git_tree_entry, git_tree_entry_free>;
using Diff = Handle<git_diff, git_diff_free>;
using Object = Handle<git_object, git_object_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Signature = Handle<git_signature, git_signature_free>;
using Config = Handle<git_config, git_config_free>;

} // namespace mlci::vcs::detail
