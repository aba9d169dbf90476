#include <cstring>
#include <mlci/core/error.hpp>

namespace mlci {

std::unexpected<Error> sys_error(int err, std::string what) {
    return std::unexpected(Error{Exit::runtime, fmt::format("{}: {}", what, std::strerror(err))});
}

} // namespace mlci
