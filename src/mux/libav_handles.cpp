#include "mux/libav_handles.hpp"

#include <new>

namespace arina::mux {

PacketPtr make_packet() {
    PacketPtr packet(av_packet_alloc());
    if (!packet) throw std::bad_alloc();
    return packet;
}

void free_custom_io(AVIOContext* io) noexcept {
    if (io == nullptr) return;
    delete static_cast<CustomInputIo*>(io->opaque);
    av_freep(&io->buffer);  // libav may have replaced the buffer it was given
    avio_context_free(&io);
}

void InputClose::operator()(AVFormatContext* context) const noexcept {
    // avformat_close_input() leaves custom I/O to its owner.
    AVIOContext* custom = (context->flags & AVFMT_FLAG_CUSTOM_IO) ? context->pb : nullptr;
    avformat_close_input(&context);
    free_custom_io(custom);
}

}  // namespace arina::mux
