#include "server/listener.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace arina::testing {

UniqueFd listen_tcp(const std::string& address, std::uint16_t port, std::uint16_t& bound_port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(address.c_str(), service.c_str(), &hints, &found); rc != 0)
        throw std::runtime_error("test server: bad bind address " + address + ": " + ::gai_strerror(rc));
    const auto fail = [&](const char* what) {
        const int err = errno;
        ::freeaddrinfo(found);
        throw std::runtime_error("test server: " + std::string(what) + " " + address + ":" + service + ": " +
                                 std::strerror(err));
    };
    UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) fail("socket");
    // A benchmark restarted on a fixed port must not wait for TIME_WAIT sockets to expire.
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), found->ai_addr, found->ai_addrlen) != 0) fail("bind");
    if (::listen(fd.get(), SOMAXCONN) != 0) fail("listen");
    ::freeaddrinfo(found);

    sockaddr_storage local{};
    socklen_t len = sizeof local;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len);
    bound_port = ntohs(local.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&local)->sin6_port
                                                   : reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    return fd;
}

}  // namespace arina::testing
