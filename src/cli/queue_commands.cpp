#include "cli/queue_commands.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/options.hpp"
#include "cli/session.hpp"
#include "core/log.hpp"
#include "core/task_codec.hpp"
#include "store/task_store.hpp"
#include "util/units.hpp"

namespace arina::cli {
namespace {

constexpr const char* kQueueUsage =
    "usage: arina queue add [OPTIONS] URL...   queue downloads (options as for arina URL)\n"
    "       arina queue list                  show the queue\n"
    "       arina queue remove ID...          forget tasks (files stay)\n"
    "       arina queue clear [--finished]    forget all tasks, or only finished ones\n"
    "       arina queue workers               live workers of a shared (PostgreSQL) queue\n"
    "       arina run [OPTIONS] [--worker NAME]  download everything queued\n"
    "Every form takes --queue-db PATH, or a PostgreSQL connection string (postgresql://user@host/db)\n"
    "for a queue shared by many workers (default: $XDG_DATA_HOME/arina/tasks.db).\n";

std::string database_path(const Config& config) {
    return config.database.empty() ? store::TaskStore::default_path().string() : config.database.string();
}

int fail(const Error& e) {
    std::fprintf(stderr, "arina: error: %s\n", e.message.c_str());
    return exit_code(e.reason);
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "arina: %s\n%s", message.c_str(), kQueueUsage);
    return exit_code(FailReason::Usage);
}

// `--queue-db PATH` may appear anywhere after the verb; the rest are the verb's arguments.
std::string take_db_option(std::vector<std::string>& args) {
    std::string db;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--queue-db" && i + 1 < args.size()) {
            db = args[i + 1];
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                       args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            break;
        }
        if (args[i].rfind("--queue-db=", 0) == 0) {
            db = args[i].substr(11);
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    }
    return db.empty() ? store::TaskStore::default_path().string() : db;
}

int queue_add(int argc, char** argv) {
    auto parsed = parse_command_line(argc, argv);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) return fail(parsed.error);
    auto opened = store::TaskStore::open(database_path(parsed.options.config));
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    std::vector<store::TaskRecord> records;
    for (const auto& url : parsed.options.urls) {
        DownloadTask task = parsed.options.task;
        task.url = url;
        store::TaskRecord r;
        r.params_json = encode_task(task);
        r.state = std::string(to_string(TaskStatus::Queued));
        r.host = task_host(url);
        records.push_back(std::move(r));
    }
    // One transaction for the lot: a list of thousands of URLs costs one sync, not thousands.
    auto keys = db.insert_many(std::move(records));
    if (auto* err = std::get_if<Error>(&keys)) return fail(*err);
    const auto& added = std::get<std::vector<store::TaskKey>>(keys);
    for (std::size_t i = 0; i < added.size(); ++i)
        std::printf("%lld\t%s\n", static_cast<long long>(added[i]), parsed.options.urls[i].c_str());
    if (Error err = db.flush()) return fail(err);
    return 0;
}

int queue_list(const std::string& path) {
    auto opened = store::TaskStore::open(path);
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    const auto tasks = db.load_all();
    if (auto err = db.last_error()) return fail(*err);
    std::printf("%-6s %-16s %-22s %-20s %s\n", "ID", "STATUS", "PROGRESS", "WORKER", "URL");
    for (const auto& r : tasks) {
        std::string progress = format_bytes(static_cast<double>(r.done_bytes));
        if (r.total_bytes >= 0) progress += "/" + format_bytes(static_cast<double>(r.total_bytes));
        auto task = decode_task(r.params_json);
        std::printf("%-6lld %-16s %-22s %-20s %s\n", static_cast<long long>(r.key), r.state.c_str(),
                    progress.c_str(), r.worker.empty() ? "-" : r.worker.c_str(),
                    task ? task->url.c_str() : "(unreadable)");
        if (!r.error_message.empty()) std::printf("       %s\n", r.error_message.c_str());
    }
    return 0;
}

int queue_workers(const std::string& path) {
    auto opened = store::TaskStore::open(path);
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    if (!db.shared()) {
        std::printf("%s is a single-process queue (SQLite): no workers to list\n", db.name().c_str());
        return 0;
    }
    const auto workers = db.workers();
    if (auto err = db.last_error()) return fail(*err);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::printf("%-24s %-8s %-10s %-12s %s\n", "WORKER", "RUNNING", "COMPLETED", "SPEED", "LAST HEARTBEAT");
    for (const auto& w : workers) {
        std::printf("%-24s %-8d %-10lld %-12s %llds ago\n", w.name.c_str(), w.running,
                    static_cast<long long>(w.completed), format_rate(w.speed).c_str(),
                    static_cast<long long>(std::max<std::int64_t>(0, now - w.heartbeat_at)));
    }
    return 0;
}

int queue_remove(const std::string& path, const std::vector<std::string>& ids) {
    if (ids.empty()) return usage_error("queue remove: no task ID given");
    auto opened = store::TaskStore::open(path);
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    for (const auto& text : ids) {
        char* end = nullptr;
        const long long id = std::strtoll(text.c_str(), &end, 10);
        if (!end || *end != '\0' || id <= 0)
            return usage_error("queue remove: not a task ID: '" + text + "'");
        if (!db.get(id)) {
            std::fprintf(stderr, "arina: error: no task %lld in the queue\n", id);
            return exit_code(FailReason::Usage);
        }
        db.remove(id);
    }
    if (Error err = db.flush()) return fail(err);
    return 0;
}

int queue_clear(const std::string& path, bool finished_only) {
    auto opened = store::TaskStore::open(path);
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    if (finished_only) {
        db.clear([](const store::TaskRecord& r) {
            auto s = task_status_from_string(r.state);
            return s && is_terminal(*s);
        });
    } else {
        db.clear();
    }
    if (Error err = db.flush()) return fail(err);
    return 0;
}

}  // namespace

int queue_command(int argc, char** argv) {
    if (argc < 2) return usage_error("queue: missing action");
    const std::string action = argv[1];
    if (action == "add") return queue_add(argc - 1, argv + 1);
    std::vector<std::string> args(argv + 2, argv + argc);
    const auto db = take_db_option(args);
    if (action == "list" && args.empty()) return queue_list(db);
    if (action == "workers" && args.empty()) return queue_workers(db);
    if (action == "remove") return queue_remove(db, args);
    if (action == "clear" && args.empty()) return queue_clear(db, false);
    if (action == "clear" && args.size() == 1 && args[0] == "--finished") return queue_clear(db, true);
    if (action == "--help" || action == "-h") {
        std::printf("%s", kQueueUsage);
        return 0;
    }
    return usage_error("queue: unknown action or arguments: " + action);
}

int run_command(int argc, char** argv) {
    auto parsed = parse_command_line(argc, argv, /*urls_required=*/false);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) return fail(parsed.error);
    auto& options = parsed.options;
    set_log_level(options.verbose ? LogLevel::Info : LogLevel::Warn);
    options.config.database = database_path(options.config);
    auto created = DownloadManager::create(options.config);
    if (auto* err = std::get_if<Error>(&created)) return fail(*err);
    auto& manager = *std::get<std::unique_ptr<DownloadManager>>(created);
    install_interrupt_handler();
    DownloadArchive archive(options.download_archive);
    for (const auto& url : options.urls) {  // `arina run URL...` queues them first
        DownloadTask task = options.task;
        task.url = url;
        manager.add_task(std::move(task));
    }
    return run_queue(manager, options, archive);
}

}  // namespace arina::cli
