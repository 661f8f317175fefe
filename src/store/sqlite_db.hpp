#pragma once
// A thin RAII layer over the SQLite C API for the task store: one connection, its
// prepared statements (cached, so the writer does not re-parse SQL for every job),
// and result codes kept as values. Not thread-safe: every connection is used by one
// thread at a time (its owner holds a mutex).

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace arina::store::sqlite {

/// A result code with SQLite's message, captured right after the call that failed.
struct Status {
    int code = SQLITE_OK;
    std::string message;

    bool ok() const { return code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE; }
};

/// Whether a failure means the storage itself is in trouble (disk full, I/O error,
/// locked, corrupt, read-only, out of memory): the whole transaction has to be rolled
/// back and tried again later. Other failures (a constraint, a misuse) belong to one job.
bool is_storage_failure(int code);

/// Whether the code says the file is not a database or is damaged.
bool is_corruption(int code);

/// One prepared statement. Bind indexes start at 1, column indexes at 0.
class Statement {
  public:
    Statement() = default;
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, std::string_view text);

    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step();
    /// Makes the statement ready to run again and clears its bindings.
    void reset();

    std::int64_t column_int64(int column) const;
    int column_int(int column) const;
    std::string column_text(int column) const;

    sqlite3_stmt* get() const { return stmt_; }

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

/// One open connection. Closing it (the destructor) checkpoints the WAL when it is
/// the last connection to the file.
class Connection {
  public:
    /// `flags` are SQLITE_OPEN_* flags; SQLITE_OPEN_NOMUTEX is always added.
    static std::unique_ptr<Connection> open(const std::filesystem::path& path, int flags, Status& status);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs one or more statements that return no rows needed by the caller.
    Status exec(const char* sql);
    /// Runs a statement returning one row with one column; its text (or "" when no row).
    Status query_text(const char* sql, std::string& out);
    Status query_int(const char* sql, std::int64_t& out);

    /// A cached prepared statement for a string literal, reset and ready to bind.
    /// Returns nullptr (and sets `status`) when the SQL does not compile.
    Statement* prepare(const char* sql, Status& status);
    /// An uncached statement for one-off queries.
    Status prepare_once(const char* sql, Statement& out);

    /// The last error on this connection, as a Status.
    Status last_status(int code) const;
    std::int64_t last_insert_rowid() const;
    bool in_transaction() const;
    sqlite3* handle() const { return db_; }

  private:
    explicit Connection(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
    std::map<const char*, Statement> cache_;  // keyed by the literal's address
};

}  // namespace arina::store::sqlite
