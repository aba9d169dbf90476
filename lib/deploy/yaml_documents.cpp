#include <mlci/deploy/yaml_documents.hpp>
#include <optional>

namespace mlci::deploy {

namespace {

// Whether `line` starts with the marker `m` ("---" or "...") standing alone.
bool marker_line(std::string_view line, std::string_view m) {
    return line.starts_with(m) && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' ||
                                   line[3] == '\r' || line[3] == '\n');
}

} // namespace

// Not YAML::LoadAll: yaml-cpp 0.7 (Debian 12) loops
// forever, allocating, on a document that starts with a stray token such as
// "," (jbeder/yaml-cpp#1319, fixed in 0.8). Each document is loaded alone with
// YAML::Load, from a copy of `text` cut after it and blanked before it
// (newlines kept), so that every Mark() still points into `text`.
std::vector<YAML::Node> load_yaml_documents(std::string_view text) {
    // Where documents start: a "---" line (with the directives just above
    // it), and the line after a "..." line.
    std::vector<size_t> starts{0};
    auto add = [&](size_t at) {
        if (at > starts.back() && at < text.size())
            starts.push_back(at);
    };
    std::optional<size_t> directives;
    for (size_t at = 0; at < text.size();) {
        auto nl = text.find('\n', at);
        auto next = nl == std::string_view::npos ? text.size() : nl + 1;
        auto line = text.substr(at, next - at);
        if (marker_line(line, "---"))
            add(directives.value_or(at));
        else if (marker_line(line, "..."))
            add(next);
        directives = line.starts_with('%') ? directives.value_or(at) : std::optional<size_t>();
        at = next;
    }
    starts.push_back(text.size());
    std::vector<YAML::Node> docs;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
        std::string copy(text.substr(0, starts[i + 1]));
        for (size_t k = 0; k < starts[i]; ++k)
            if (copy[k] != '\n')
                copy[k] = ' ';
        docs.push_back(YAML::Load(copy));
    }
    return docs;
}

} // namespace mlci::deploy
