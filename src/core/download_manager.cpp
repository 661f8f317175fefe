#include "core/download_manager.hpp"

#include <stdexcept>

#include "core/manager_impl.hpp"
#include "core/manager_with_factory.hpp"

namespace arina {
namespace {

store::TaskStoreOptions store_options(const Config& config) {
    store::TaskStoreOptions options;
    options.worker_name = config.worker;
    return options;
}

std::unique_ptr<DownloadManager::Impl> make_impl_or_throw(Config config,
                                                          std::unique_ptr<DownloadFactory> factory) {
    std::unique_ptr<store::TaskStore> store;
    if (!config.database.empty()) {
        auto opened = store::TaskStore::open(config.database, store_options(config));
        if (auto* err = std::get_if<Error>(&opened)) throw std::runtime_error(err->message);
        store = std::move(std::get<std::unique_ptr<store::TaskStore>>(opened));
    }
    return std::make_unique<DownloadManager::Impl>(std::move(config), std::move(factory), std::move(store));
}

Config with_workers(int max_workers) {
    Config c;
    c.max_workers = max_workers;
    return c;
}

}  // namespace

DownloadManager::DownloadManager(int max_workers) : DownloadManager(with_workers(max_workers)) {}

DownloadManager::DownloadManager(Config config) : impl_(make_impl_or_throw(std::move(config), nullptr)) {}

std::variant<std::unique_ptr<DownloadManager>, Error> DownloadManager::create(Config config) {
    return create_download_manager(std::move(config), nullptr);
}

DownloadManager make_download_manager(Config config, std::unique_ptr<DownloadFactory> factory) {
    return DownloadManager(make_impl_or_throw(std::move(config), std::move(factory)));
}

std::variant<std::unique_ptr<DownloadManager>, Error> create_download_manager(
    Config config, std::unique_ptr<DownloadFactory> factory) {
    std::unique_ptr<store::TaskStore> store;
    if (!config.database.empty()) {
        auto opened = store::TaskStore::open(config.database, store_options(config));
        if (auto* err = std::get_if<Error>(&opened)) return *err;
        store = std::move(std::get<std::unique_ptr<store::TaskStore>>(opened));
    }
    return std::make_unique<DownloadManager>(
        std::make_unique<DownloadManager::Impl>(std::move(config), std::move(factory), std::move(store)));
}

DownloadManager::DownloadManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

DownloadManager::~DownloadManager() = default;

std::future<TaskResult> DownloadManager::add_task(DownloadTask task) {
    return submit(std::move(task)).second;
}

std::pair<TaskId, std::future<TaskResult>> DownloadManager::submit(DownloadTask task) {
    std::vector<DownloadTask> one;
    one.push_back(std::move(task));
    return std::move(impl_->add(std::move(one)).front());
}

std::vector<std::pair<TaskId, std::future<TaskResult>>> DownloadManager::add_tasks(
    std::vector<DownloadTask> tasks) {
    return impl_->add(std::move(tasks));
}

bool DownloadManager::pause(TaskId id) {
    return impl_->post_if_known(id, [this](TaskId t) { impl_->do_pause(t); });
}
bool DownloadManager::resume(TaskId id) {
    return impl_->post_if_known(id, [this](TaskId t) { impl_->do_resume(t); });
}
bool DownloadManager::cancel(TaskId id) {
    return impl_->post_if_known(id, [this](TaskId t) { impl_->do_cancel(t); });
}
bool DownloadManager::retry(TaskId id) {
    return impl_->post_if_known(id, [this](TaskId t) { impl_->do_retry(t); });
}
bool DownloadManager::remove(TaskId id, bool delete_files) {
    return impl_->post_if_known(id, [this, delete_files](TaskId t) { impl_->do_remove(t, delete_files); });
}

bool DownloadManager::set_priority(TaskId id, int priority) {
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->entries.find(id);
        if (it == impl_->entries.end()) return false;
        it->second.task.priority = priority;
        if (impl_->store) impl_->store->set_priority(id, priority);
    }
    impl_->run_on_engine([this] { impl_->schedule(); });
    return true;
}

bool DownloadManager::move_to_front(TaskId id) {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->entries.find(id);
    if (it == impl_->entries.end()) return false;
    it->second.seq = --impl_->front_seq;
    if (impl_->store) impl_->store->move_to(id, it->second.seq);
    return true;
}

bool DownloadManager::move_up(TaskId id) {
    return impl_->move_by(id, -1);
}

bool DownloadManager::move_down(TaskId id) {
    return impl_->move_by(id, +1);
}

std::vector<TaskInfo> DownloadManager::list() const {
    std::lock_guard lock(impl_->mutex);
    std::vector<TaskInfo> out;
    out.reserve(impl_->entries.size());
    for (const auto& [id, e] : impl_->entries) out.push_back(impl_->info_of(e));
    return out;
}

std::optional<TaskInfo> DownloadManager::get(TaskId id) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->entries.find(id);
    if (it == impl_->entries.end()) return std::nullopt;
    return impl_->info_of(it->second);
}

void DownloadManager::wait_idle() {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [this] { return impl_->idle_locked(); });
}

void DownloadManager::set_rate_limit(double bytes_per_second) {
    impl_->runtime.engine.set_rate_limit(bytes_per_second);
}

void DownloadManager::apply_settings(const Config& config) {
    auto next = std::make_shared<Config>(config);
    {
        std::lock_guard lock(impl_->settings_mutex);
        const Config& created_with = *impl_->settings_;
        next->database = created_with.database;
        next->worker = created_with.worker;
        next->max_connections_per_host = created_with.max_connections_per_host;
        impl_->settings_ = std::move(next);
    }
    set_rate_limit(config.rate_limit);
    set_max_workers(config.max_workers);
}

void DownloadManager::set_max_workers(int max_workers) {
    impl_->run_on_engine([this, max_workers] {
        {
            std::lock_guard lock(impl_->mutex);
            impl_->max_workers = std::max(1, max_workers);
        }
        impl_->schedule();
    });
}

std::shared_ptr<EventSubscription> DownloadManager::subscribe_events() {
    auto s = std::make_shared<EventSubscription>();
    std::lock_guard lock(impl_->subs_mutex);
    impl_->subscriptions.push_back(s);
    return s;
}

void DownloadManager::unsubscribe_events(const std::shared_ptr<EventSubscription>& subscription) {
    std::lock_guard lock(impl_->subs_mutex);
    std::erase(impl_->subscriptions, subscription);
}

SubscriptionId DownloadManager::subscribe(std::function<void(const ProgressEvent&)> callback) {
    auto subscriber = std::make_unique<CallbackSubscriber>(subscribe_events(), std::move(callback));
    std::lock_guard lock(impl_->subs_mutex);
    const SubscriptionId id = impl_->next_subscription++;
    impl_->callback_subscribers.emplace(id, std::move(subscriber));
    return id;
}

void DownloadManager::unsubscribe(SubscriptionId id) {
    std::unique_ptr<CallbackSubscriber> gone;
    {
        std::lock_guard lock(impl_->subs_mutex);
        auto it = impl_->callback_subscribers.find(id);
        if (it == impl_->callback_subscribers.end()) return;
        std::erase(impl_->subscriptions, it->second->subscription());
        gone = std::move(it->second);
        impl_->callback_subscribers.erase(it);
    }
    // Joined outside the lock: the callback may be running right now.
}

Metrics DownloadManager::metrics() const {
    Metrics m;
    {
        std::lock_guard lock(impl_->mutex);
        for (const auto& [id, e] : impl_->entries) {
            if (impl_->counts_as_queued(e)) ++m.queued_tasks;
            if (!is_active(e.status)) continue;
            ++m.active_tasks;
            m.speed += e.speed;
            m.done_bytes += e.progress.done_bytes;
            if (e.progress.total_bytes > 0) m.total_bytes += e.progress.total_bytes;
        }
    }
    if (m.speed > 0 && m.total_bytes >= m.done_bytes)
        m.eta = static_cast<double>(m.total_bytes - m.done_bytes) / m.speed;
    // Cached by the store (refreshed by its heartbeats and notifications): never blocks.
    if (impl_->store && impl_->store->shared()) m.shared_queue_busy = impl_->store->has_pending();
    m.active_connections = impl_->runtime.engine.stats().active_transfers;
    m.threads = process_thread_count();
    m.rss_bytes = process_rss_bytes();
    m.peak_rss_bytes = process_peak_rss_bytes();
    return m;
}

std::filesystem::path DownloadManager::default_database_path() {
    return store::TaskStore::default_path();
}

Config DownloadManager::config() const {
    return *impl_->settings();
}

}  // namespace arina
