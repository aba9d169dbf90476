#include <algorithm>
#include <charconv>
#include <mlci/core/text.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/store/reference.hpp>
#include <set>
#include <utility>

namespace mlci::store {

namespace {

bool all_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

// An entry for a digest: the index's when listed (it carries the media and
// artifact type), else one read from the blob.
Result<IndexEntry> entry_for_digest(const Store& store, const std::vector<IndexEntry>& entries,
                                    const hash::Digest& d, std::string_view text) {
    for (auto& e : entries)
        if (e.descriptor.digest == d)
            return e;
    if (!store.has_blob(d))
        return usage_error("unknown reference '{}': no such artifact in the store", text);
    MLCI_TRY_ASSIGN(blob, store.read_blob(d));
    auto j = nlohmann::json::parse(blob, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("schemaVersion"))
        return usage_error("'{}' names a blob, not an artifact manifest", text);
    // Not j.value(): it throws when the member is there with another type.
    auto string_at = [&](const char* key, std::string fallback) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
    };
    Descriptor desc;
    desc.media_type = string_at("mediaType", k_oci_manifest);
    desc.digest = d;
    desc.size = blob.size();
    desc.artifact_type = string_at("artifactType", {});
    return IndexEntry{desc, {}};
}

Result<IndexEntry> resolve_prefix(const std::vector<IndexEntry>& entries, std::string_view prefix,
                                  std::string_view text) {
    std::set<std::string> matches;
    const IndexEntry* found = nullptr;
    for (auto& e : entries)
        if (e.descriptor.digest.hex().starts_with(prefix)) {
            matches.insert(e.descriptor.digest.str());
            if (!found || (found->tag.empty() && !e.tag.empty()))
                found = &e;
        }
    if (matches.size() > 1) {
        std::string list;
        for (auto& m : matches)
            list += (list.empty() ? "" : ", ") + m.substr(0, 19);
        return usage_error("short digest '{}' is ambiguous: it matches {} (give more digits)", text,
                           list);
    }
    if (!found)
        return usage_error("unknown reference '{}': no artifact has that digest prefix", text);
    return *found;
}

// In NAME[:TAG]@DIGEST the digest picks the artifact and the name must agree
// with it: a tag that names another artifact, or an artifact recorded under
// another name, is a mistake to refuse, not a detail to ignore.
Status check_pinned_name(const Store& store, const std::vector<IndexEntry>& entries,
                         std::string_view name, const IndexEntry& entry, std::string_view text) {
    auto digest = entry.descriptor.digest;
    bool has_tag = name.find(':') != std::string_view::npos;
    std::string bare(has_tag ? name.substr(0, name.find(':')) : name);
    for (auto& e : entries) {
        if (has_tag && e.tag == name) {
            if (e.descriptor.digest == digest)
                return {};
            // A version tag never moves; `latest` and other tags do, and a
            // digest pinned beside one may be an earlier artifact of the name.
            if (tag_version(e.tag, bare) >= 0)
                return usage_error("reference '{}' disagrees with itself: '{}' is '{}', not the "
                                   "pinned digest",
                                   text, name, e.descriptor.digest.str());
        }
        if (e.descriptor.digest == digest && e.tag.starts_with(bare + ":"))
            return {};
    }
    // No tag decides it: the name recorded in the artifact does.
    auto blob = store.read_blob(digest);
    if (!blob)
        return {};
    auto j = nlohmann::json::parse(*blob, nullptr, false);
    if (!j.is_object())
        return {};
    auto ann = j.find("annotations");
    if (ann == j.end() || !ann->is_object())
        return {};
    auto recorded = ann->find(k_ann_name);
    if (recorded == ann->end() || !recorded->is_string() || *recorded == bare)
        return {};
    return usage_error("reference '{}' disagrees with itself: the pinned digest is an artifact "
                       "named '{}', not '{}'",
                       text, recorded->get<std::string>(), bare);
}

} // namespace

Result<std::string> read_reference(std::istream& in) {
    std::string line, found;
    while (std::getline(in, line)) {
        auto t = trim(line);
        if (t.empty())
            continue;
        // Taking the first of several would act on an artifact the user may
        // not have meant (a sweep prints one reference a run).
        if (!found.empty())
            return usage_error("standard input holds more than one reference ('{}', '{}', ...); "
                               "'-' takes exactly one",
                               found, t);
        found = t;
    }
    if (!found.empty())
        return found;
    // In `a | b - | c -` an empty input means an earlier step made nothing,
    // almost always because its gate failed: pass that on as a gate failure,
    // so that `set -o pipefail` reports the pipe's exit status as 1.
    return std::unexpected(Error{Exit::gate, "no reference on standard input: the previous step "
                                             "made none (did its gate fail?)"});
}

long tag_version(std::string_view tag, std::string_view name) {
    if (!tag.starts_with(name) || tag.size() < name.size() + 3 || tag[name.size()] != ':' ||
        tag[name.size() + 1] != 'v')
        return -1;
    auto digits = tag.substr(name.size() + 2);
    long n = -1;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size())
        return -1;
    return n;
}

std::vector<std::string> reference_words(const std::vector<IndexEntry>& entries) {
    std::set<std::string> words;
    for (auto& e : entries) {
        if (e.tag.empty())
            continue;
        words.insert(e.tag);
        if (auto colon = e.tag.rfind(':'); colon != std::string::npos)
            words.insert(e.tag.substr(0, colon));
    }
    return {words.begin(), words.end()};
}

bool is_remote_reference(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return false;
    auto host = text.substr(0, slash);
    return host == "localhost" || host.find('.') != std::string_view::npos ||
           host.find(':') != std::string_view::npos;
}

std::string display_name(const IndexEntry& e) {
    return e.tag.empty() ? e.descriptor.digest.str() : e.tag;
}

Result<IndexEntry> resolve(const Store& store, std::string_view text, std::istream& in) {
    if (text == "-") {
        MLCI_TRY_ASSIGN(line, read_reference(in));
        if (line == "-")
            return usage_error("standard input names '-' again");
        return resolve(store, line, in);
    }
    if (text.empty())
        return usage_error("empty reference");
    MLCI_TRY_ASSIGN(entries, store.entries());

    if (text.starts_with("sha256:")) {
        auto hex = text.substr(7);
        if (hash::is_sha256_hex(hex))
            return entry_for_digest(store, entries, *hash::Digest::parse(text), text);
        if (hex.size() >= 7 && all_hex(hex))
            return resolve_prefix(entries, hex, text);
        return usage_error("invalid digest '{}'", text);
    }

    std::string_view name = text;
    std::string_view pinned;
    if (auto at = text.find('@'); at != std::string_view::npos) {
        name = text.substr(0, at);
        pinned = text.substr(at + 1);
    }
    if (text.find('@') != std::string_view::npos) {
        if (pinned.empty() || name.empty())
            return usage_error("invalid reference '{}': expected NAME[:TAG]@sha256:HEX", text);
        MLCI_TRY_ASSIGN(d, hash::Digest::parse(pinned));
        MLCI_TRY_ASSIGN(entry, entry_for_digest(store, entries, d, text));
        MLCI_TRY(check_pinned_name(store, entries, name, entry, text));
        return entry;
    }
    std::string tag(name);
    if (tag.find(':') == std::string::npos)
        tag += ":latest";
    for (auto& e : entries)
        if (e.tag == tag)
            return e;
    if (text.size() >= 7 && all_hex(text))
        return resolve_prefix(entries, text, text);
    return usage_error("unknown reference '{}' (list artifacts with 'mlci data-version list' or "
                       "'mlci log')",
                       text);
}

} // namespace mlci::store
