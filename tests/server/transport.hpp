#pragma once
// Non-blocking byte transport of one connection: a plain TCP socket or TLS over it. Calls never
// block; they say which readiness to wait for, and Channel does the waiting.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "server/unique_fd.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace arina::testing {

enum class IoStatus {
    done,        ///< `bytes` were transferred (or the handshake is complete)
    want_read,   ///< retry once the socket is readable
    want_write,  ///< retry once the socket is writable
    closed,      ///< end of stream, reset, or a TLS failure: the connection is over
};

struct IoResult {
    IoStatus status = IoStatus::closed;
    std::size_t bytes = 0;
};

class Transport {
  public:
    virtual ~Transport() = default;
    virtual IoResult handshake() = 0;
    virtual IoResult read(char* buffer, std::size_t size) = 0;
    virtual IoResult write(const char* data, std::size_t size) = 0;
    /// Zero-copy file sending (sendfile) is only possible without TLS.
    virtual bool can_send_file() const { return false; }
    virtual IoResult send_file(int /*file*/, std::int64_t /*offset*/, std::size_t /*size*/) { return {}; }
    /// Ends our direction: TLS close_notify when `graceful`, then the TCP FIN either way. An
    /// abrupt end (a drop fault) skips close_notify so that a TLS client sees a truncation.
    virtual void finish(bool graceful) = 0;
    virtual int fd() const = 0;
};

std::unique_ptr<Transport> make_plain_transport(UniqueFd socket);
/// TLS server side; the handshake happens on the first handshake() calls.
std::unique_ptr<Transport> make_tls_transport(UniqueFd socket, SSL_CTX* context);

}  // namespace arina::testing
