#pragma once
// One client connection: read requests, answer them, act out the knobs, until either side closes.

#include <functional>

#include "server/unique_fd.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace arina::testing {

class RouteTable;
class RequestLog;

/// What every connection shares with the server.
struct ConnectionContext {
    RouteTable& routes;
    RequestLog& log;
    int stop_fd;                             ///< readable once the server stops
    SSL_CTX* tls = nullptr;                  ///< nullptr: plain HTTP
    std::function<void(int id)> on_closing;  ///< called right before the socket is closed
};

/// Serves `socket` until the client closes it, a knob ends it, or the server stops. Never throws.
void serve_connection(const ConnectionContext& context, UniqueFd socket, int connection_id);

}  // namespace arina::testing
