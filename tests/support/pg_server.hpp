#pragma once
// A throwaway PostgreSQL server for tests: `initdb` and `pg_ctl` from Debian's
// postgresql package (/usr/lib/postgresql/15/bin, or $ARINA_PG_BINDIR) in a temporary
// directory, listening on a Unix socket only (no TCP port), with fsync off. PostgreSQL
// refuses to run as root, so under root the server runs as `nobody`. One server per
// test process, started on first use, stopped and removed when the process exits.
//
// Tests that need it call PgServer::get() and skip with its message when it cannot
// start: never silently.

#include <string>
#include <vector>

namespace arina::test {

class PgServer {
  public:
    /// The shared server, started if needed; nullptr with `why` filled in when it cannot start.
    static PgServer* get(std::string& why);

    /// A new empty database; its libpq connection string (keyword form).
    std::string create_database();
    /// The connection string for database `name` (keyword form, Unix socket).
    std::string conninfo(const std::string& name) const;
    /// The same as a URI: postgresql://arina@/NAME?host=SOCKETDIR
    std::string uri(const std::string& name) const;
    /// Runs SQL on database `name` (as the superuser); "" on success, else the message.
    std::string exec(const std::string& name, const std::string& sql) const;

    /// Stops the server (fast shutdown: connections are cut). Returns false on failure.
    bool stop();
    /// Starts it again on the same data and socket.
    bool start(std::string& why);

    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

  private:
    PgServer() = default;
    bool init(std::string& why);
    /// Runs a PostgreSQL program (as the server's user); exit status, output in `log`.
    int run_tool(const std::string& tool, const std::vector<std::string>& args, std::string& log) const;

    std::string bindir_;
    std::string base_;  // temporary directory: data/, the socket, server.log
    unsigned uid_ = 0, gid_ = 0;
    bool drop_privileges_ = false;
    bool running_ = false;
    int next_db_ = 0;
};

}  // namespace arina::test
