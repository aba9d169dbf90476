#include <cstring>
#include <mlci/core/archive.hpp>

namespace mlci {

const char* archive_error_text(archive* a) {
    const char* s = archive_error_string(a);
    return s ? s : "unknown error";
}

std::string archive_error_with_reason(archive* a) {
    std::string text = archive_error_text(a);
    if (int e = archive_errno(a); e > 0 && text.find(std::strerror(e)) == std::string::npos)
        text += std::string(": ") + std::strerror(e);
    return text;
}

} // namespace mlci
