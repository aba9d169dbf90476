#include <algorithm>
#include <mlci/config/yaml_util.hpp>
#include <mlci/deploy/yaml_documents.hpp>
#include <mlci/deploy/yaml_image_edit.hpp>
#include <optional>
#include <set>
#include <tuple>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace mlci::deploy {

namespace {

// Where a scalar's text lies in the file, quotes included.
struct Span {
    size_t begin = 0;
    size_t end = 0;
    char quote = 0;           // '"', '\'' or 0 for a plain scalar
    bool empty_value = false; // `key:` with no value: the edit inserts " VALUE"
};

struct Edit {
    size_t begin = 0;
    size_t end = 0;
    std::string text;
};

struct Entry {
    YAML::Node key;
    YAML::Node value;
};

std::optional<Entry> entry(const YAML::Node& map, std::string_view key) {
    if (!map.IsMap())
        return std::nullopt;
    for (auto it = map.begin(); it != map.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return Entry{it->first, it->second};
    return std::nullopt;
}

std::string scalar_of(const std::optional<Entry>& e) {
    return e && e->value.IsScalar() ? e->value.Scalar() : std::string();
}

bool is_container_list(std::string_view key) {
    return key == "containers" || key == "initContainers" || key == "ephemeralContainers";
}

// KServe's storage URI of a model in an image (a modelcar): "oci://" and an
// image reference.
constexpr std::string_view k_oci_scheme = "oci://";

class Editor {
public:
    Editor(std::string_view text, const ImagePin& pin, std::string_view name)
        : m_text(text), m_pin(pin), m_name(name) {}

    Status document(const YAML::Node& doc, std::string_view values_key) {
        if (!doc.IsMap())
            return {};
        if (auto kind = entry(doc, "kind"); kind && kind->value.IsScalar()) {
            if (kind->value.Scalar() == "Kustomization")
                return kustomize(doc);
            return containers(doc);
        }
        MLCI_TRY(kustomize(doc));
        if (values_key.empty())
            return helm_auto(doc);
        YAML::Node block = doc;
        for (size_t start = 0; start <= values_key.size();) {
            auto dot = values_key.find('.', start);
            auto part = values_key.substr(start, dot == std::string_view::npos ? dot : dot - start);
            auto next = entry(block, part);
            if (!next)
                return {};
            block = next->value;
            if (dot == std::string_view::npos)
                break;
            start = dot + 1;
        }
        if (block.IsScalar())
            return image_scalar(block);
        if (block.IsMap())
            MLCI_TRY(helm_block(block));
        return {};
    }

    Result<YamlPinResult> finish() {
        std::sort(m_edits.begin(), m_edits.end(), [](const Edit& a, const Edit& b) {
            return std::tie(a.begin, a.end, a.text) < std::tie(b.begin, b.end, b.text);
        });
        // An alias reaches the same scalar twice: the same edit, made once.
        m_edits.erase(std::unique(m_edits.begin(), m_edits.end(),
                                  [](const Edit& a, const Edit& b) {
                                      return a.begin == b.begin && a.end == b.end &&
                                             a.text == b.text;
                                  }),
                      m_edits.end());
        YamlPinResult out;
        out.matches = m_matches;
        out.previous_image = m_previous;
        size_t at = 0;
        for (const auto& e : m_edits) {
            if (e.begin < at)
                return usage_error("cannot pin '{}' in '{}': two edits overlap", m_pin.repository,
                                   m_name);
            out.text.append(m_text.substr(at, e.begin - at));
            out.text.append(e.text);
            at = e.end;
        }
        out.text.append(m_text.substr(at));
        out.changed = out.text != m_text;
        return out;
    }

private:
    std::string_view m_text;
    const ImagePin& m_pin;
    std::string_view m_name;
    std::vector<Edit> m_edits;
    std::set<int> m_claimed; // mappings edited, by position
    int m_matches = 0;
    std::string m_previous;

    void note_match(std::string previous) {
        if (m_matches++ == 0)
            m_previous = std::move(previous);
    }

    std::string where(const YAML::Node& n) const {
        return fmt::format("{}:{}", m_name, n.Mark().line + 1);
    }

    // The text of a scalar node; an error when it is not where the parser says
    // or cannot be replaced in place (block and multi-line plain scalars).
    Result<Span> span(const YAML::Node& n) const {
        auto pos = n.Mark().pos;
        // yaml-cpp counts positions after a byte order mark.
        size_t p = static_cast<size_t>(pos) + (m_text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
        if (pos < 0 || p >= m_text.size())
            return usage_error("cannot locate '{}' in '{}'", n.Scalar(), where(n));
        // Node properties (an anchor, a tag) come before the scalar.
        while (p < m_text.size() && (m_text[p] == '&' || m_text[p] == '!')) {
            while (p < m_text.size() && m_text[p] != ' ' && m_text[p] != '\t' && m_text[p] != '\n')
                ++p;
            while (p < m_text.size() && (m_text[p] == ' ' || m_text[p] == '\t'))
                ++p;
        }
        // A quoted scalar is edited only when it closes on its own line (an
        // image reference or a digest always does): one spread over lines
        // may run into the next document, where the parser did not look.
        if (p < m_text.size() && m_text[p] == '"') {
            size_t q = p + 1;
            while (q < m_text.size() && m_text[q] != '"' && m_text[q] != '\n')
                q += m_text[q] == '\\' ? 2 : 1;
            if (q < m_text.size() && m_text[q] == '"')
                return Span{p, q + 1, '"'};
        } else if (p < m_text.size() && m_text[p] == '\'') {
            size_t q = p + 1;
            while (q < m_text.size() && m_text[q] != '\n' &&
                   !(m_text[q] == '\'' && m_text.substr(q, 2) != "''"))
                q += m_text.substr(q, 2) == "''" ? 2 : 1;
            if (q < m_text.size() && m_text[q] == '\'')
                return Span{p, q + 1, '\''};
        } else {
            // The value must be the whole token (a key ends at its colon): a
            // parser that stopped early (a NUL byte in the line) would leave
            // the rest of it behind.
            const std::string& v = n.Scalar();
            size_t end = p + v.size();
            bool whole =
                end >= m_text.size() ||
                std::string_view(" \t\r\n,]}:").find(m_text[end]) != std::string_view::npos;
            if (!v.empty() && m_text.substr(p, v.size()) == v && whole)
                return Span{p, end};
        }
        return usage_error("cannot edit '{}' in place in '{}' (write it on one line)", n.Scalar(),
                           where(n));
    }

    // The span of an entry's value; a null value (`key:`, `key: ~`) is
    // replaced after the colon.
    Result<Span> value_span(const Entry& e) const {
        if (!e.value.IsNull())
            return span(e.value);
        MLCI_TRY_ASSIGN(key, span(e.key));
        // The colon right after the key ("{tag}" in flow style has none).
        size_t colon = key.end;
        while (colon < m_text.size() && (m_text[colon] == ' ' || m_text[colon] == '\t'))
            ++colon;
        if (colon >= m_text.size() || m_text[colon] != ':')
            return usage_error("cannot edit '{}' in place in '{}'", e.key.Scalar(), where(e.key));
        size_t p = colon + 1;
        while (p < m_text.size() && m_text[p] == ' ')
            ++p;
        for (std::string_view null_word : {"~", "null", "Null", "NULL"})
            if (m_text.substr(p, null_word.size()) == null_word)
                return Span{p, p + null_word.size()};
        // An anchor, a tag or an alias with no value: not edited in place.
        if (p < m_text.size() && (m_text[p] == '&' || m_text[p] == '!' || m_text[p] == '*'))
            return usage_error("cannot edit '{}' in place in '{}'", e.key.Scalar(), where(e.key));
        return Span{colon + 1, colon + 1, 0, true};
    }

    void replace(const Span& s, std::string_view value) {
        std::string text;
        if (s.empty_value)
            text = fmt::format(" {}", value);
        else if (s.quote)
            text = fmt::format("{}{}{}", s.quote, value, s.quote);
        else
            text = std::string(value);
        if (m_text.substr(s.begin, s.end - s.begin) != text)
            m_edits.push_back({s.begin, s.end, std::move(text)});
    }

    // `text`, ending in a plain scalar, to go before m_text[at]: with a space
    // when a comment follows at once ("1.0"# c), which would otherwise join
    // the scalar.
    std::string plain_before(size_t at, std::string text) const {
        if (at < m_text.size() && m_text[at] == '#')
            text += ' ';
        return text;
    }

    std::string_view newline_at(size_t nl) const {
        return nl > 0 && m_text[nl - 1] == '\r' ? "\r\n" : "\n";
    }

    // Adds `key: value` to a mapping after the entry `after`.
    Status insert_entry(const YAML::Node& map, const Entry& after, std::string_view key,
                        std::string_view value) {
        MLCI_TRY_ASSIGN(v, value_span(after));
        if (map.Style() == YAML::EmitterStyle::Flow) {
            m_edits.push_back(
                {v.end, v.end, plain_before(v.end, fmt::format(", {}: {}", key, value))});
            return {};
        }
        std::string indent(static_cast<size_t>(after.key.Mark().column), ' ');
        auto nl = m_text.find('\n', v.end);
        if (nl == std::string_view::npos)
            m_edits.push_back(
                {m_text.size(), m_text.size(), fmt::format("\n{}{}: {}", indent, key, value)});
        else
            m_edits.push_back(
                {nl + 1, nl + 1, fmt::format("{}{}: {}{}", indent, key, value, newline_at(nl))});
        return {};
    }

    // Removes an entry from a mapping: its whole line in block style.
    Status remove_entry(const YAML::Node& map, const Entry& e) {
        MLCI_TRY_ASSIGN(k, span(e.key));
        MLCI_TRY_ASSIGN(v, value_span(e));
        if (map.Style() == YAML::EmitterStyle::Flow) {
            size_t p = v.end;
            while (p < m_text.size() && m_text[p] == ' ')
                ++p;
            if (p < m_text.size() && m_text[p] == ',') {
                ++p;
                while (p < m_text.size() && m_text[p] == ' ')
                    ++p;
                m_edits.push_back({k.begin, p, ""});
            } else if (auto comma = m_text.rfind(',', k.begin); comma != std::string_view::npos) {
                m_edits.push_back({comma, v.end, ""});
            } else {
                m_edits.push_back({k.begin, v.end, ""});
            }
            return {};
        }
        auto line = m_text.rfind('\n', k.begin);
        line = line == std::string_view::npos ? 0 : line + 1;
        auto prefix = m_text.substr(line, k.begin - line);
        if (prefix.find_first_not_of(' ') != std::string_view::npos) {
            // "- newTag: x": the dash stays, the next keys follow on their lines.
            m_edits.push_back({k.begin, v.end, ""});
            return {};
        }
        auto nl = m_text.find('\n', v.end);
        m_edits.push_back({line, nl == std::string_view::npos ? m_text.size() : nl + 1, ""});
        return {};
    }

    // An image reference, or a storage URI "oci://IMAGE" (kept a URI).
    Status image_scalar(const YAML::Node& v) {
        std::string_view image = v.Scalar();
        bool uri = image.starts_with(k_oci_scheme);
        if (uri)
            image.remove_prefix(k_oci_scheme.size());
        if (image_repository(image) != m_pin.repository)
            return {};
        note_match(std::string(image));
        MLCI_TRY_ASSIGN(s, span(v));
        replace(s, uri ? std::string(k_oci_scheme) + m_pin.reference() : m_pin.reference());
        return {};
    }

    // False when `map` was edited already: a mapping that reads both as a
    // kustomization image and as a Helm block gets one digest, not two.
    bool claim(const YAML::Node& map) { return m_claimed.insert(map.Mark().pos).second; }

    // A mapping about to be edited must not repeat a key: YAML forbids it,
    // yaml-cpp keeps both, and an edit of one would leave the other to win.
    Status unique_keys(const YAML::Node& map) const {
        std::vector<std::string> keys;
        for (auto it = map.begin(); it != map.end(); ++it)
            if (it->first.IsScalar())
                keys.push_back(it->first.Scalar());
        std::sort(keys.begin(), keys.end());
        if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end())
            return usage_error("cannot edit '{}': the key '{}' is repeated", where(map), *dup);
        return {};
    }

    Status containers(const YAML::Node& n) {
        if (n.IsSequence())
            for (const auto& item : n)
                MLCI_TRY(containers(item));
        if (!n.IsMap())
            return {};
        for (const auto& kv : n) {
            // A copy: the node behind an iterator's proxy dies with the proxy.
            YAML::Node value = kv.second;
            if (kv.first.IsScalar() && kv.first.Scalar() == "storageUri" && value.IsScalar() &&
                value.Scalar().starts_with(k_oci_scheme)) {
                MLCI_TRY(unique_keys(n));
                MLCI_TRY(image_scalar(value));
            } else if (kv.first.IsScalar() && is_container_list(kv.first.Scalar()) &&
                       value.IsSequence()) {
                for (const auto& c : value)
                    if (auto image = entry(c, "image"); image && image->value.IsScalar()) {
                        MLCI_TRY(unique_keys(c));
                        MLCI_TRY(image_scalar(image->value));
                    }
            } else {
                MLCI_TRY(containers(value));
            }
        }
        return {};
    }

    Status kustomize(const YAML::Node& doc) {
        auto images = entry(doc, "images");
        if (!images || !images->value.IsSequence())
            return {};
        for (const auto& image : images->value) {
            auto name = entry(image, "name");
            auto new_name = entry(image, "newName");
            // The image deployed is newName when there is one.
            std::string deployed = new_name ? scalar_of(new_name) : scalar_of(name);
            if (deployed.empty() || deployed != m_pin.repository)
                continue;
            MLCI_TRY(unique_keys(image));
            if (!claim(image))
                continue;
            auto tag = entry(image, "newTag");
            auto digest = entry(image, "digest");
            if (!scalar_of(digest).empty())
                note_match(deployed + "@" + scalar_of(digest));
            else if (!scalar_of(tag).empty())
                note_match(deployed + ":" + scalar_of(tag));
            else
                note_match(deployed);
            if (digest) {
                MLCI_TRY_ASSIGN(v, value_span(*digest));
                replace(v, m_pin.digest);
                if (tag)
                    MLCI_TRY(remove_entry(image, *tag));
            } else if (tag) {
                // newTag becomes digest, in its place.
                MLCI_TRY_ASSIGN(k, span(tag->key));
                MLCI_TRY_ASSIGN(v, value_span(*tag));
                m_edits.push_back({k.begin, v.end, plain_before(v.end, "digest: " + m_pin.digest)});
            } else {
                const Entry* after = name ? &*name : &*new_name;
                if (new_name && new_name->key.Mark().pos > after->key.Mark().pos)
                    after = &*new_name;
                MLCI_TRY(insert_entry(image, *after, "digest", m_pin.digest));
            }
        }
        return {};
    }

    // Pins a Helm image block ({registry, repository, tag, digest}); false
    // when it names another image.
    Result<bool> helm_block(const YAML::Node& block) {
        auto repository = entry(block, "repository");
        auto registry = entry(block, "registry");
        std::string full = scalar_of(repository);
        if (!scalar_of(registry).empty())
            full = scalar_of(registry) + "/" + full;
        if (full.empty() || full != m_pin.repository)
            return false;
        MLCI_TRY(unique_keys(block));
        if (!claim(block))
            return false;
        auto tag = entry(block, "tag");
        auto digest = entry(block, "digest");
        if (!scalar_of(digest).empty())
            note_match(full + "@" + scalar_of(digest));
        else if (!scalar_of(tag).empty())
            note_match(full + ":" + scalar_of(tag));
        else
            note_match(full);
        if (digest) {
            MLCI_TRY_ASSIGN(v, value_span(*digest));
            replace(v, m_pin.digest);
            return true;
        }
        // After the last of the entries that name the image.
        const Entry* after = &*repository;
        for (const auto* e : {&registry, &tag})
            if (*e && (*e)->key.Mark().pos > after->key.Mark().pos)
                after = &**e;
        MLCI_TRY(insert_entry(block, *after, "digest", m_pin.digest));
        return true;
    }

    Status helm_auto(const YAML::Node& n) {
        if (n.IsSequence())
            for (const auto& item : n)
                MLCI_TRY(helm_auto(item));
        if (!n.IsMap())
            return {};
        MLCI_TRY_ASSIGN(pinned, helm_block(n));
        if (pinned)
            return {};
        for (auto it = n.begin(); it != n.end(); ++it)
            MLCI_TRY(helm_auto(it->second));
        return {};
    }
};

} // namespace

Result<YamlPinResult> pin_image_in_yaml(std::string_view text, const ImagePin& pin,
                                        std::string_view values_key, std::string_view name) {
    // Refused, not edited in the wrong place, where yaml-cpp's positions
    // would not be the file's.
    MLCI_TRY(config::check_yaml_text(text, name));
    std::vector<YAML::Node> docs;
    try {
        docs = load_yaml_documents(text);
    } catch (const YAML::Exception& e) {
        return usage_error("cannot parse '{}:{}': {}", name, e.mark.line + 1, e.msg);
    }
    Editor editor(text, pin, name);
    for (const auto& doc : docs) {
        // The editor recurses through the document, aliases included.
        MLCI_TRY(config::check_yaml_tree(doc, name));
        MLCI_TRY(editor.document(doc, values_key));
    }
    return editor.finish();
}

} // namespace mlci::deploy
