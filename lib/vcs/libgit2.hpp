// What every file that talks to libgit2 shares: the library, loaded with
// dlopen on first use, and owning handles for its objects. Only lib/vcs
// includes this.
//
// Why dlopen: Debian builds libgit2 and what it pulls in (mbedTLS, Kerberos,
// libssh2, PCRE2) with BIND_NOW, so linking it made the dynamic loader
// resolve all their symbols before main() of every command, about 7 M of the
// 11.6 M instructions `mlci --version` took, although only the commands that
// record or push git state use it.
#pragma once

#include <filesystem>
#include <git2.h>
#include <memory>
#include <mlci/core/error.hpp>
#include <optional>
#include <string>

namespace mlci::vcs::detail {

// The libgit2 functions mlci calls.
#define MLCI_LIBGIT2_FUNCTIONS(X)                                                                  \
    X(git_blob_create_from_buffer)                                                                 \
    X(git_blob_free)                                                                               \
    X(git_blob_lookup)                                                                             \
    X(git_blob_rawcontent)                                                                         \
    X(git_blob_rawsize)                                                                            \
    X(git_buf_dispose)                                                                             \
    X(git_commit_create)                                                                           \
    X(git_commit_free)                                                                             \
    X(git_commit_lookup)                                                                           \
    X(git_commit_tree)                                                                             \
    X(git_config_free)                                                                             \
    X(git_config_get_string_buf)                                                                   \
    X(git_config_open_default)                                                                     \
    X(git_credential_userpass_plaintext_new)                                                       \
    X(git_diff_free)                                                                               \
    X(git_diff_to_buf)                                                                             \
    X(git_diff_tree_to_workdir_with_index)                                                         \
    X(git_error_last)                                                                              \
    X(git_ignore_path_is_ignored)                                                                  \
    X(git_index_entrycount)                                                                        \
    X(git_index_free)                                                                              \
    X(git_index_get_byindex)                                                                       \
    X(git_libgit2_init)                                                                            \
    X(git_libgit2_shutdown)                                                                        \
    X(git_object_free)                                                                             \
    X(git_odb_hash)                                                                                \
    X(git_object_id)                                                                               \
    X(git_oid_fromstr)                                                                             \
    X(git_oid_tostr)                                                                               \
    X(git_reference_create)                                                                        \
    X(git_reference_free)                                                                          \
    X(git_reference_is_branch)                                                                     \
    X(git_reference_lookup)                                                                        \
    X(git_reference_name_to_id)                                                                    \
    X(git_reference_shorthand)                                                                     \
    X(git_reference_symbolic_target)                                                               \
    X(git_remote_connect)                                                                          \
    X(git_remote_create_anonymous)                                                                 \
    X(git_remote_default_branch)                                                                   \
    X(git_remote_disconnect)                                                                       \
    X(git_remote_fetch)                                                                            \
    X(git_remote_free)                                                                             \
    X(git_remote_lookup)                                                                           \
    X(git_remote_ls)                                                                               \
    X(git_remote_push)                                                                             \
    X(git_remote_url)                                                                              \
    X(git_repository_free)                                                                         \
    X(git_repository_hashfile)                                                                     \
    X(git_repository_head)                                                                         \
    X(git_repository_head_unborn)                                                                  \
    X(git_repository_index)                                                                        \
    X(git_repository_init)                                                                         \
    X(git_repository_open_bare)                                                                    \
    X(git_repository_open_ext)                                                                     \
    X(git_repository_workdir)                                                                      \
    X(git_revparse_single)                                                                         \
    X(git_signature_free)                                                                          \
    X(git_signature_now)                                                                           \
    X(git_status_byindex)                                                                          \
    X(git_status_list_entrycount)                                                                  \
    X(git_status_list_free)                                                                        \
    X(git_status_list_new)                                                                         \
    X(git_tree_create_updated)                                                                     \
    X(git_tree_entry_bypath)                                                                       \
    X(git_tree_entry_filemode)                                                                     \
    X(git_tree_entry_free)                                                                         \
    X(git_tree_entry_id)                                                                           \
    X(git_tree_entry_type)                                                                         \
    X(git_tree_free)                                                                               \
    X(git_tree_lookup)

// Pointers to them, with the signatures of <git2.h>.
struct Libgit2 {
#define MLCI_LIBGIT2_POINTER(name) decltype(&::name) name;
    MLCI_LIBGIT2_FUNCTIONS(MLCI_LIBGIT2_POINTER)
#undef MLCI_LIBGIT2_POINTER
};

// libgit2, loaded and initialised once (git_libgit2_init) on the first call;
// a runtime error naming the library when it cannot be loaded. Thread-safe.
Result<const Libgit2*> load_libgit2();

// The library after a successful load_libgit2(): the handles below and the
// code after an open repository use it.
const Libgit2& git2();

template <typename T, auto Libgit2::*Free>
struct Deleter {
    void operator()(T* p) const { (git2().*Free)(p); }
};
template <typename T, auto Libgit2::*Free>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Repo = Handle<git_repository, &Libgit2::git_repository_free>;
using Ref = Handle<git_reference, &Libgit2::git_reference_free>;
using StatusList = Handle<git_status_list, &Libgit2::git_status_list_free>;
using Remote = Handle<git_remote, &Libgit2::git_remote_free>;
using Tree = Handle<git_tree, &Libgit2::git_tree_free>;
using TreeEntry = Handle<git_tree_entry, &Libgit2::git_tree_entry_free>;
using Diff = Handle<git_diff, &Libgit2::git_diff_free>;
using Object = Handle<git_object, &Libgit2::git_object_free>;
using Commit = Handle<git_commit, &Libgit2::git_commit_free>;
using Blob = Handle<git_blob, &Libgit2::git_blob_free>;
using Signature = Handle<git_signature, &Libgit2::git_signature_free>;
using Config = Handle<git_config, &Libgit2::git_config_free>;
using Index = Handle<git_index, &Libgit2::git_index_free>;

// libgit2's message for the last failed call on this thread.
std::string last_error_message();

// An object id as 40 hex digits.
std::string oid_hex(const git_oid& oid);

// The repository that holds `dir` (searched upwards, as git does), or
// nothing when there is none.
Result<std::optional<Repo>> open_repository(const std::filesystem::path& dir);

} // namespace mlci::vcs::detail
