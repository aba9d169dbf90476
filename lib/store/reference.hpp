// References to artifacts in the store:
//   NAME[:TAG][@sha256:HEX], sha256:HEX, a unique prefix of >= 7 hex digits,
//   and "-": one reference read from standard input.
#pragma once

#include <istream>
#include <mlci/store/store.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mlci::store {

// Resolves `text` to the index entry of a manifest in `store`. "-" reads the
// reference from `in`. Unknown or ambiguous references are usage errors.
Result<IndexEntry> resolve(const Store& store, std::string_view text, std::istream& in);

// Reads the one reference a stream holds: its only non-empty line, trimmed.
// A usage error when it holds several; a gate failure when it holds none.
Result<std::string> read_reference(std::istream& in);

// The N of a version tag "NAME:vN", or -1 for any other tag.
long tag_version(std::string_view tag, std::string_view name);

// True when `text` names a remote artifact (HOST[:PORT]/REPO...): the part
// before the first '/' has a '.' or a ':' or is "localhost".
bool is_remote_reference(std::string_view text);

// What a shell completes a reference with: every tag (NAME:TAG) and every
// name (NAME) of `entries`, sorted, each once.
std::vector<std::string> reference_words(const std::vector<IndexEntry>& entries);

// The manifest's tag when it has one, else its digest: how to name it to a person.
std::string display_name(const IndexEntry& e);

} // namespace mlci::store
