// Text made safe for Markdown as GitLab and GitHub render it, in merge
// request notes and job summaries.
#pragma once

#include <string>
#include <string_view>

namespace mlci::report {

// Text safe in Markdown prose and table cells: punctuation that Markdown
// or HTML would read is backslash-escaped or an entity, line breaks become spaces.
std::string markdown_escape(std::string_view text);

// Text kept as written in a table cell: '|' escaped, line breaks as spaces.
std::string markdown_cell(std::string_view text);

// A code span safe in a table cell: backticks cannot be escaped inside one,
// so they are dropped.
std::string markdown_code(std::string_view text);

} // namespace mlci::report
