#pragma once
// A thin RAII layer over libpq for the PostgreSQL task store: one connection, its
// named prepared statements (prepared once per server session, re-prepared after a
// reconnect), text parameters bound as values (never spliced into SQL), and results
// as owned objects. Not thread-safe: each connection is used by one thread at a time.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace arina::store::pg {

/// One result; empty (ok() false, message set) when the call failed before the server answered.
class Result {
  public:
    Result() = default;
    Result(PGresult* res, std::string message) : res_(res, &PQclear), message_(std::move(message)) {}

    /// The command succeeded (with or without rows).
    bool ok() const;
    /// The server's or libpq's message when !ok() (never contains the password).
    const std::string& message() const { return message_; }
    /// SQLSTATE of a failure ("" when unknown, e.g. the connection broke).
    std::string sqlstate() const;

    int rows() const { return res_ ? PQntuples(res_.get()) : 0; }
    bool is_null(int row, int column) const { return PQgetisnull(res_.get(), row, column) != 0; }
    std::string text(int row, int column) const;
    std::int64_t int64(int row, int column) const;
    double real(int row, int column) const;

  private:
    std::shared_ptr<PGresult> res_;
    std::string message_;
};

/// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class Connection {
  public:
    /// Connects with `conninfo` (URI or keyword form; libpq's rules for ~/.pgpass and PG*
    /// variables apply). nullptr and `error` (libpq's message) when it fails.
    static std::unique_ptr<Connection> connect(const std::string& conninfo, std::string& error);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Whether the session is usable; after a failure that broke it, reconnect() first.
    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    /// Tries to open a new session with the same settings (blocking, up to connect_timeout).
    bool reconnect(std::string& error);

    /// Runs SQL without parameters (one or more statements).
    Result exec(const char* sql);
    /// Runs a statement with parameters $1..$n; prepared once per session under `name`.
    Result run(const char* name, const char* sql, const std::vector<Param>& params);

    PGconn* handle() const { return conn_; }
    int socket() const { return PQsocket(conn_); }
    /// Whether we are inside a transaction block (or one that failed).
    bool in_transaction() const;

  private:
    explicit Connection(PGconn* conn) : conn_(conn) {}
    Result wrap(PGresult* res);
    PGconn* conn_ = nullptr;
    std::set<std::string> prepared_;  // statement names prepared in the current session
};

/// SQLSTATE class 08 (connection exception), 57P01..03 (server shutting down), or a
/// broken session: the transaction must be retried on a new connection.
bool is_connection_failure(const Result& result, const Connection& conn);

}  // namespace arina::store::pg
