#include "store/sqlite_db.hpp"

#include <climits>

namespace arina::store::sqlite {

bool is_storage_failure(int code) {
    switch (code & 0xff) {
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_READONLY:
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_NOMEM:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_INTERRUPT:
        case SQLITE_ABORT:
        case SQLITE_PERM:
        case SQLITE_NOLFS:
            return true;
        default:
            return false;
    }
}

bool is_corruption(int code) {
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

Statement::~Statement() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (stmt_ != nullptr) sqlite3_finalize(stmt_);
        stmt_ = other.stmt_;
        other.stmt_ = nullptr;
    }
    return *this;
}

void Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
}

void Statement::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT copies the bytes: the caller's string may go away before step().
    // Texts above 2 GiB do not occur (SQLite's own limit is 1 GB); they would be cut.
    const auto size =
        text.size() > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(text.size());
    // A null pointer would bind SQL NULL; an empty text is still a text.
    sqlite3_bind_text(stmt_, index, text.data() != nullptr ? text.data() : "", size, SQLITE_TRANSIENT);
}

int Statement::step() {
    return sqlite3_step(stmt_);
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int column) const {
    return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, column));
}

int Statement::column_int(int column) const {
    return sqlite3_column_int(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr || size <= 0) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::unique_ptr<Connection> Connection::open(const std::filesystem::path& path, int flags, Status& status) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        status = {rc, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)};
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_extended_result_codes(db, 1);
    status = {};
    return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
    cache_.clear();  // statements must be finalized before the close
    sqlite3_close(db_);
}

Status Connection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    Status status{rc, {}};
    if (rc != SQLITE_OK) status.message = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return status;
}

Status Connection::query_text(const char* sql, std::string& out) {
    Statement stmt;
    if (auto status = prepare_once(sql, stmt); !status.ok()) return status;
    const int rc = stmt.step();
    if (rc == SQLITE_ROW) {
        out = stmt.column_text(0);
        return {};
    }
    out.clear();
    return rc == SQLITE_DONE ? Status{} : last_status(rc);
}

Status Connection::query_int(const char* sql, std::int64_t& out) {
    Statement stmt;
    if (auto status = prepare_once(sql, stmt); !status.ok()) return status;
    const int rc = stmt.step();
    if (rc == SQLITE_ROW) {
        out = stmt.column_int64(0);
        return {};
    }
    out = 0;
    return rc == SQLITE_DONE ? Status{} : last_status(rc);
}

Statement* Connection::prepare(const char* sql, Status& status) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
        it->second.reset();
        status = {};
        return &it->second;
    }
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) {
        status = last_status(rc);
        sqlite3_finalize(raw);
        return nullptr;
    }
    status = {};
    return &cache_.emplace(sql, Statement(raw)).first->second;
}

Status Connection::prepare_once(const char* sql, Statement& out) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(raw);
        return last_status(rc);
    }
    out = Statement(raw);
    return {};
}

Status Connection::last_status(int code) const {
    // sqlite3_errmsg describes the most recent failure on this connection; fall back
    // to the generic text for the code when it says nothing useful.
    const char* message = sqlite3_errmsg(db_);
    if (message == nullptr || std::string_view(message) == "not an error") message = sqlite3_errstr(code);
    return {code, message};
}

std::int64_t Connection::last_insert_rowid() const {
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

bool Connection::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace arina::store::sqlite
