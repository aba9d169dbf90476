// Labels each line of a command's output, so that runs going at once (a
// sweep's members, independent stages) stay readable on one terminal.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace mlci::process {

// Prefixes each line that passes through it with its label.
class LinePrefixer {
public:
    LinePrefixer(std::string label, std::function<void(std::string_view)> out)
        : m_label(std::move(label)), m_out(std::move(out)) {}
    void feed(std::string_view chunk) {
        while (!chunk.empty()) {
            auto nl = chunk.find('\n');
            m_pending.append(chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl + 1));
            if (nl == std::string_view::npos)
                return;
            emit();
            chunk.remove_prefix(nl + 1);
        }
    }
    void flush() {
        if (!m_pending.empty()) {
            m_pending.push_back('\n');
            emit();
        }
    }

private:
    void emit() {
        m_out(m_label + " " + m_pending);
        m_pending.clear();
    }
    std::string m_label, m_pending;
    std::function<void(std::string_view)> m_out;
};

} // namespace mlci::process
