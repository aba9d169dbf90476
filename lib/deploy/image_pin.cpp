#include <mlci/deploy/image_pin.hpp>

namespace mlci::deploy {

std::string_view image_repository(std::string_view image) {
    if (auto at = image.find('@'); at != std::string_view::npos)
        image = image.substr(0, at);
    auto colon = image.rfind(':');
    auto slash = image.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
        image = image.substr(0, colon);
    return image;
}

} // namespace mlci::deploy
