#include "cli/queue_commands.hpp"

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
    "       arina run [OPTIONS]               download everything queued\n"
    "Every form takes --queue-db PATH (default: $XDG_DATA_HOME/arina/tasks.db).\n";

std::filesystem::path database_path(const Config& config) {
    return config.database.empty() ? store::TaskStore::default_path() : config.database;
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
std::filesystem::path take_db_option(std::vector<std::string>& args) {
    std::filesystem::path db;
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
    return db.empty() ? store::TaskStore::default_path() : db;
}

int queue_add(int argc, char** argv) {
    auto parsed = parse_command_line(argc, argv);
    if (parsed.exit_now) return *parsed.exit_now;
    if (parsed.error) return fail(parsed.error);
    auto opened = store::TaskStore::open(database_path(parsed.options.config));
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    std::int64_t position = 0;
    for (const auto& r : db.load_all()) position = std::max(position, r.position);
    std::vector<store::TaskRecord> records;
    for (const auto& url : parsed.options.urls) {
        DownloadTask task = parsed.options.task;
        task.url = url;
        store::TaskRecord r;
        r.params_json = encode_task(task);
        r.state = std::string(to_string(TaskStatus::Queued));
        r.position = ++position;
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

int queue_list(const std::filesystem::path& path) {
    auto opened = store::TaskStore::open(path);
    if (auto* err = std::get_if<Error>(&opened)) return fail(*err);
    auto& db = *std::get<std::unique_ptr<store::TaskStore>>(opened);
    std::printf("%-6s %-16s %-22s %s\n", "ID", "STATUS", "PROGRESS", "URL");
    for (const auto& r : db.load_all()) {
        std::string progress = format_bytes(static_cast<double>(r.done_bytes));
        if (r.total_bytes >= 0) progress += "/" + format_bytes(static_cast<double>(r.total_bytes));
        auto task = decode_task(r.params_json);
        std::printf("%-6lld %-16s %-22s %s\n", static_cast<long long>(r.key), r.state.c_str(),
                    progress.c_str(), task ? task->url.c_str() : "(unreadable)");
        if (!r.error_message.empty()) std::printf("       %s\n", r.error_message.c_str());
    }
    return 0;
}

int queue_remove(const std::filesystem::path& path, const std::vector<std::string>& ids) {
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

int queue_clear(const std::filesystem::path& path, bool finished_only) {
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
