#include "support/pg_server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

namespace arina::test {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

PgServer* PgServer::get(std::string& why) {
    static std::mutex mutex;
    static std::unique_ptr<PgServer> server;
    static std::string failure;
    std::lock_guard lk(mutex);
    if (!server && failure.empty()) {
        std::unique_ptr<PgServer> fresh(new PgServer());
        if (fresh->init(failure))
            server = std::move(fresh);
        else if (failure.empty())
            failure = "unknown failure";
    }
    why = failure;
    return server.get();
}

int PgServer::run_tool(const std::string& tool, const std::vector<std::string>& args,
                       std::string& log) const {
    const std::string out = base_ + "/tool.out";
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        if (drop_privileges_) {
            if (fd >= 0 && ::fchown(fd, uid_, gid_) != 0) _exit(126);
            if (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0) _exit(126);
        }
        ::setenv("LC_ALL", "C", 1);
        ::unsetenv("PGDATA");
        const std::string path = bindir_ + "/" + tool;
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(path.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(path.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    log = read_all(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool PgServer::init(std::string& why) {
    const char* env_bindir = std::getenv("ARINA_PG_BINDIR");
    bindir_ = env_bindir != nullptr ? env_bindir : "/usr/lib/postgresql/15/bin";
    if (::access((bindir_ + "/initdb").c_str(), X_OK) != 0 ||
        ::access((bindir_ + "/pg_ctl").c_str(), X_OK) != 0) {
        why = "PostgreSQL not found: no initdb/pg_ctl in " + bindir_ +
              " (scripts/setup installs the postgresql package)";
        return false;
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "arina-pg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
        why = "cannot create a temporary directory for PostgreSQL";
        return false;
    }
    base_ = tmpl;
    ::chmod(base_.c_str(), 0755);
    if (::geteuid() == 0) {
        // PostgreSQL refuses to run as root: the server runs as `nobody`.
        const passwd* pw = ::getpwnam("nobody");
        if (pw == nullptr) {
            why = "running as root and there is no user 'nobody' to run PostgreSQL as";
            return false;
        }
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        drop_privileges_ = true;
        if (::chown(base_.c_str(), uid_, gid_) != 0) {
            why = "cannot give " + base_ + " to user nobody";
            return false;
        }
    }
    std::string log;
    if (run_tool(
            "initdb",
            {"-D", base_ + "/data", "-U", "arina", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"},
            log) != 0) {
        why = "initdb failed: " + log;
        return false;
    }
    {
        // Unix socket only, in our directory; speed over durability (a test database).
        std::ofstream conf(base_ + "/data/postgresql.conf", std::ios::app);
        conf << "\nlisten_addresses = ''\nunix_socket_directories = '" << base_
             << "'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n";
    }
    return start(why);
}

bool PgServer::start(std::string& why) {
    std::string log;
    if (run_tool("pg_ctl", {"-D", base_ + "/data", "-l", base_ + "/server.log", "-w", "-t", "60", "start"},
                 log) != 0) {
        why = "pg_ctl start failed: " + log + read_all(base_ + "/server.log");
        return false;
    }
    running_ = true;
    return true;
}

bool PgServer::stop() {
    std::string log;
    const bool ok =
        run_tool("pg_ctl", {"-D", base_ + "/data", "-m", "fast", "-w", "-t", "60", "stop"}, log) == 0;
    if (ok) running_ = false;
    return ok;
}

PgServer::~PgServer() {
    if (running_) {
        std::string log;
        run_tool("pg_ctl", {"-D", base_ + "/data", "-m", "immediate", "-w", "stop"}, log);
    }
    std::error_code ec;
    if (!base_.empty()) std::filesystem::remove_all(base_, ec);
}

std::string PgServer::conninfo(const std::string& name) const {
    return "host=" + base_ + " user=arina dbname=" + name;
}

std::string PgServer::uri(const std::string& name) const {
    return "postgresql://arina@/" + name + "?host=" + base_;
}

std::string PgServer::exec(const std::string& name, const std::string& sql) const {
    PGconn* conn = PQconnectdb(conninfo(name).c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* res = PQexec(conn, sql.c_str());
        const auto status = PQresultStatus(res);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQresultErrorMessage(res);
        PQclear(res);
    }
    PQfinish(conn);
    return error;
}

std::string PgServer::create_database() {
    const std::string name = "arina_test_" + std::to_string(::getpid()) + "_" + std::to_string(next_db_++);
    // The name is ours (digits and letters), not input.
    if (const auto error = exec("postgres", "CREATE DATABASE " + name); !error.empty()) return {};
    return conninfo(name);
}

}  // namespace arina::test
