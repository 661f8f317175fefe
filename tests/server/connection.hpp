#pragma once
// One client connection: read requests, answer them, act out the knobs, until either side closes.

#include <functional>

#include "server/unique_fd.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace arina::testing {

class RouteTable;
class RequestLog;
class SharedRate;

/// What every connection shares with the server.
struct ConnectionContext {
    RouteTable& routes;
    RequestLog& log;
    int stop_fd;                             ///< readable once the server stops
    SSL_CTX* tls = nullptr;                  ///< nullptr: plain HTTP
    std::function<void(int id)> on_closing;  ///< called right before the socket is closed
    SharedRate* shared_rate = nullptr;       ///< the rate all bodies share; nullptr: none
};

/// Serves `socket` until the client closes it, a knob ends it, or the server stops. An `over_capacity`
/// connection (ServerOptions::max_connections) gets its first request answered 503 and is closed.
/// Never throws.
void serve_connection(const ConnectionContext& context, UniqueFd socket, int connection_id,
                      bool over_capacity = false);

}  // namespace arina::testing
