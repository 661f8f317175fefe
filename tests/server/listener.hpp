#pragma once
// The listening socket.

#include <cstdint>
#include <string>

#include "server/unique_fd.hpp"

namespace arina::testing {

/// Binds a non-blocking listening TCP socket to a numeric IPv4 or IPv6 address; port 0 picks an
/// ephemeral port, written to `bound_port`. Throws std::runtime_error naming the address.
UniqueFd listen_tcp(const std::string& address, std::uint16_t port, std::uint16_t& bound_port);

}  // namespace arina::testing
