// A small XML reader and the escaping an XML writer needs: enough for JUnit
// reports, which use elements, attributes, text and CDATA and nothing else.
//
// Why not libxml2: JUnit needs a tiny subset of XML, the reader is ~250 lines
// that unit tests cover byte by byte, and not linking libxml2 keeps the
// static binary and the Debian package free of one more library and its
// entity-expansion switches. DTDs are skipped, never interpreted, so no input
// can make this reader load a file or expand an entity into gigabytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mlci/core/error.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlci::junit {

struct XmlElement {
    std::string name; // as written, with any namespace prefix
    std::vector<std::pair<std::string, std::string>> attributes; // entities decoded
    std::vector<XmlElement> children;
    std::string text; // character data and CDATA directly inside, concatenated
    size_t line = 0;  // 1-based line of the start tag

    // The value of attribute `key`, or `fallback` when it is absent.
    std::string attribute(std::string_view key, std::string_view fallback = {}) const;
    bool has_attribute(std::string_view key) const;
};

// Elements nested deeper than this are refused: the reader recurses.
inline constexpr size_t k_xml_max_depth = 256;

// Parses a whole document and returns its root element. Accepted: a UTF-8
// byte order mark, an XML declaration, comments, processing instructions and
// a DOCTYPE (skipped), the five predefined entities and character references.
// An '&' that starts no valid reference is kept as text, as browsers do.
// Errors are usage errors: "malformed XML in 'WHERE' at line N: ...".
Result<XmlElement> parse_xml(std::string_view text, std::string_view where);

// Whether a code point may appear in an XML 1.0 document.
bool is_xml_char(uint32_t cp);

// `text` made safe for XML character data: &, < and > escaped, bytes that
// are not UTF-8 and control characters XML 1.0 forbids replaced with U+FFFD,
// terminal colour sequences (ESC [ ... letter) removed.
std::string xml_text(std::string_view text);

// The same for an attribute value between double quotes: also escapes '"'
// and writes tab, line feed and carriage return as character references, so
// that they survive attribute-value normalisation.
std::string xml_attribute(std::string_view text);

// `text` with invalid UTF-8 and forbidden control characters replaced by
// U+FFFD and ANSI escape sequences removed (the cleaning the two above do).
std::string clean_text(std::string_view text);

} // namespace mlci::junit
