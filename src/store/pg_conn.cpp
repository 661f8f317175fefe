#include "store/pg_conn.hpp"

#include <cstdlib>

namespace arina::store::pg {
namespace {

std::string trimmed(const char* message) {
    std::string out = message != nullptr ? message : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    // libpq prefixes server messages with "ERROR:  "; the store adds its own context.
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
        if (out.rfind(prefix, 0) == 0) out.erase(0, prefix.size());
    return out;
}

}  // namespace

bool Result::ok() const {
    if (!res_) return false;
    const auto status = PQresultStatus(res_.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

std::string Result::sqlstate() const {
    if (!res_) return {};
    const char* state = PQresultErrorField(res_.get(), PG_DIAG_SQLSTATE);
    return state != nullptr ? state : "";
}

std::string Result::text(int row, int column) const {
    const char* value = PQgetvalue(res_.get(), row, column);
    return value != nullptr
               ? std::string(value, static_cast<std::size_t>(PQgetlength(res_.get(), row, column)))
               : std::string();
}

std::int64_t Result::int64(int row, int column) const {
    return is_null(row, column) ? 0 : std::strtoll(PQgetvalue(res_.get(), row, column), nullptr, 10);
}

double Result::real(int row, int column) const {
    return is_null(row, column) ? 0 : std::strtod(PQgetvalue(res_.get(), row, column), nullptr);
}

std::unique_ptr<Connection> Connection::connect(const std::string& conninfo, std::string& error) {
    // Our defaults first: the user's string comes last and overrides any of them.
    // Keepalives let a connection to a machine that vanished (network cut) fail in
    // about 25 s instead of hanging for the kernel's two hours.
    const char* keywords[] = {"connect_timeout",
                              "application_name",
                              "keepalives",
                              "keepalives_idle",
                              "keepalives_interval",
                              "keepalives_count",
                              "options",
                              "dbname",
                              nullptr};
    // NOTICEs (CREATE ... IF NOT EXISTS) are not for the user's terminal.
    const char* values[] = {
        "10", "arina", "1", "10", "5", "3", "-c client_min_messages=warning", conninfo.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (conn == nullptr) {
        error = "out of memory";
        return nullptr;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        error = trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return nullptr;
    }
    return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() {
    PQfinish(conn_);
}

bool Connection::reconnect(std::string& error) {
    prepared_.clear();
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    error = trimmed(PQerrorMessage(conn_));
    return false;
}

Result Connection::wrap(PGresult* res) {
    if (res != nullptr) {
        const auto status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(res, {});
        const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        return Result(res, primary != nullptr ? std::string(primary) : trimmed(PQerrorMessage(conn_)));
    }
    return Result(nullptr, trimmed(PQerrorMessage(conn_)));
}

Result Connection::exec(const char* sql) {
    return wrap(PQexec(conn_, sql));
}

Result Connection::run(const char* name, const char* sql, const std::vector<Param>& params) {
    if (!prepared_.count(name)) {
        Result prepared = wrap(PQprepare(conn_, name, sql, 0, nullptr));
        if (!prepared.ok()) return prepared;
        prepared_.insert(name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return wrap(
        PQexecPrepared(conn_, name, static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
}

bool Connection::in_transaction() const {
    const auto status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool is_connection_failure(const Result& result, const Connection& conn) {
    if (!conn.ok()) return true;
    const std::string state = result.sqlstate();
    if (state.empty()) return !result.ok();  // no answer from the server at all
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace arina::store::pg
