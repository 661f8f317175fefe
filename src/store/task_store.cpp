#include "store/task_store.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "store/pg_task_store.hpp"
#include "store/sqlite_task_store.hpp"
#include "store/store_common.hpp"

namespace arina::store {

bool is_valid_task_state(std::string_view state) {
    return std::find(kTaskStates.begin(), kTaskStates.end(), state) != kTaskStates.end();
}

namespace detail {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string default_worker_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
        std::snprintf(host, sizeof host, "localhost");
    return std::string(host) + ":" + std::to_string(::getpid());
}

std::string mask_password(std::string_view locator) {
    std::string out(locator);
    // URI form: scheme://user:password@host...
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto authority_end = out.find_first_of("/?#", scheme + 3);
        const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
        if (at != std::string::npos && at > scheme + 3) {
            const auto colon = out.find(':', scheme + 3);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // password=... as a URI parameter (&password=x) or a keyword (password=x or password='x y').
    for (std::size_t pos = 0; (pos = out.find("password", pos)) != std::string::npos;) {
        std::size_t eq = pos + 8;
        while (eq < out.size() && out[eq] == ' ') ++eq;
        const bool starts_word =
            pos == 0 || out[pos - 1] == ' ' || out[pos - 1] == '&' || out[pos - 1] == '?';
        if (!starts_word || eq >= out.size() || out[eq] != '=') {
            pos += 8;
            continue;
        }
        std::size_t begin = eq + 1;
        while (begin < out.size() && out[begin] == ' ') ++begin;
        std::size_t end = begin;
        if (begin < out.size() && out[begin] == '\'') {
            end = begin + 1;
            while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
            end = std::min(out.size(), end + 1);
        } else {
            while (end < out.size() && out[end] != ' ' && out[end] != '&' && out[end] != '#') ++end;
        }
        out.replace(begin, end - begin, "***");
        pos = begin + 3;
    }
    return out;
}

}  // namespace detail

bool TaskStore::is_postgres_locator(std::string_view locator) {
    if (locator.rfind("postgresql://", 0) == 0 || locator.rfind("postgres://", 0) == 0) return true;
    // libpq's keyword form: "key=value" pairs. A file name may contain '=' too, so the
    // first word must be a keyword libpq knows and the string must not look like a path.
    if (locator.empty() || locator.front() == '/' || locator.front() == '.') return false;
    const auto eq = locator.find('=');
    if (eq == std::string_view::npos) return false;
    std::string key(locator.substr(0, eq));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    static constexpr std::string_view kKeywords[] = {"host",
                                                     "hostaddr",
                                                     "port",
                                                     "dbname",
                                                     "user",
                                                     "password",
                                                     "passfile",
                                                     "service",
                                                     "sslmode",
                                                     "connect_timeout",
                                                     "application_name"};
    return std::find(std::begin(kKeywords), std::end(kKeywords), key) != std::end(kKeywords);
}

std::variant<std::unique_ptr<TaskStore>, Error> TaskStore::open(const std::string& locator,
                                                                TaskStoreOptions options) {
    if (is_postgres_locator(locator)) {
        auto opened = PgTaskStore::open(locator, std::move(options));
        if (auto* error = std::get_if<Error>(&opened)) return std::move(*error);
        return std::unique_ptr<TaskStore>(std::move(std::get<std::unique_ptr<PgTaskStore>>(opened)));
    }
    auto opened = SqliteTaskStore::open(locator, std::move(options));
    if (auto* error = std::get_if<Error>(&opened)) return std::move(*error);
    return std::unique_ptr<TaskStore>(std::move(std::get<std::unique_ptr<SqliteTaskStore>>(opened)));
}

std::variant<TaskKey, Error> TaskStore::insert(TaskRecord record) {
    std::vector<TaskRecord> one;
    one.push_back(std::move(record));
    auto added = insert_many(std::move(one));
    if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
    return std::get<std::vector<TaskKey>>(added).front();
}

std::filesystem::path TaskStore::default_path() {
    const std::filesystem::path tail = std::filesystem::path("arina") / "tasks.db";
    // The XDG spec: a relative XDG_DATA_HOME is invalid and is ignored.
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
        return std::filesystem::path(xdg) / tail;
    }
    std::filesystem::path home;
    if (const char* env = std::getenv("HOME"); env != nullptr && env[0] != '\0') {
        home = env;
    } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
        home = pw->pw_dir;
    }
    return home / ".local" / "share" / tail;
}

}  // namespace arina::store
