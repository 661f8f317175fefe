#include "mux/mux.hpp"

namespace arina::mux {

std::optional<Container> container_from_name(std::string_view name) {
    if (name == "mp4") return Container::Mp4;
    if (name == "mkv" || name == "matroska") return Container::Mkv;
    return std::nullopt;
}

std::string_view extension(Container container) {
    return container == Container::Mkv ? "mkv" : "mp4";
}

}  // namespace arina::mux
