#pragma once
// Fewer, larger reads from connections that trickle. A server (or a rate-limited link) that
// sends a body in small bursts would otherwise wake the engine for every burst: one epoll
// wake-up, one recv and one libcurl pass per 16 KiB. SO_RCVLOWAT lets the kernel hold the
// wake-up until a socket has a worthwhile amount, and we ask for about 25 ms of the
// connection's own speed, so a slow connection is never held back noticeably.
//
// The low-water mark never exceeds the bytes still expected, so the end of a response always
// wakes us; it is set back to 1 before the connection can carry the next response head, and
// when a connection has been quiet for a second (it may have slowed down below the mark: the
// stall detector must keep seeing its bytes). The engine also puts every raised mark back to 1
// once any transfer has been quiet for a second: it infers a transfer's socket from the socket
// libcurl was reading, which is wrong when libcurl runs another transfer in the same call.

#include <cstdint>

namespace arina::net {

/// Largest low-water mark asked for: three quarters of the buffer libcurl reads into.
inline constexpr std::int64_t kMaxReceiveLowWater = 96 * 1024;

/// The low-water mark for a body arriving at `bytes_per_second` with `remaining` bytes still to
/// come (-1: unknown, then 1). Always at least 1.
std::int64_t receive_low_water(double bytes_per_second, std::int64_t remaining);

/// Whether to move the mark from `current` to `wanted` with `remaining` bytes still to come (-1:
/// unknown): always when `current` could hold back the end of the body, otherwise only for a
/// change of more than a quarter (speed estimates wobble; each change is a system call).
bool low_water_worth_changing(std::int64_t current, std::int64_t wanted, std::int64_t remaining);

}  // namespace arina::net
