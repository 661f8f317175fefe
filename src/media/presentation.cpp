#include "media/presentation.hpp"

namespace arina::media {

std::array<std::uint8_t, 16> effective_iv(const Encryption& key, std::int64_t sequence) {
    if (key.iv) return *key.iv;
    // RFC 8216 §5.2: the sequence number as a big-endian 128-bit integer. Sequence numbers are
    // non-negative 64-bit values, so the high eight bytes stay zero.
    std::array<std::uint8_t, 16> iv{};
    auto value = static_cast<std::uint64_t>(sequence);
    for (int i = 15; i >= 8; --i) {
        iv[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value & 0xffU);
        value >>= 8U;
    }
    return iv;
}

std::array<std::uint8_t, 16> effective_iv(const Fragment& fragment) {
    return fragment.key ? effective_iv(*fragment.key, fragment.sequence) : std::array<std::uint8_t, 16>{};
}

const Fragment* init_for(const Stream& stream, std::size_t fragment_index) {
    const Fragment* current = stream.init ? &*stream.init : nullptr;
    for (const InitSwitch& change : stream.init_switches) {
        if (change.first_fragment > fragment_index) break;
        current = &change.init;
    }
    return current;
}

}  // namespace arina::media
