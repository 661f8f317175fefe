#include "mux/libav_handles.hpp"

#include <new>

namespace arina::mux {

PacketPtr make_packet() {
    PacketPtr packet(av_packet_alloc());
    if (!packet) throw std::bad_alloc();
    return packet;
}

}  // namespace arina::mux
