#include "stream/mux_job.hpp"

#include <exception>

#include "mux/on_demand.hpp"
#include "util/atomic_file.hpp"
#include "util/log_hook.hpp"

namespace arina::stream {

MuxJob::MuxJob(net::Engine& engine, MuxJobSpec spec, Done done)
    : engine_(engine), spec_(std::move(spec)), done_(std::move(done)) {
    thread_ = std::thread([this] { run(); });
}

MuxJob::~MuxJob() {
    abandon();
}

void MuxJob::extend(std::size_t index, std::int64_t bytes) {
    if (index < spec_.inputs.size() && spec_.inputs[index].growing)
        spec_.inputs[index].growing->extend(bytes);
}

void MuxJob::complete() {
    bool post_now = false;
    {
        std::lock_guard lock(mutex_);
        completed_ = true;
        post_now = ended_;
    }
    for (auto& input : spec_.inputs)
        if (input.growing) input.growing->finish();
    if (post_now)
        engine_.post([done = done_, result = result_, wanted = wanted_] {
            if (*wanted) done(result);
        });
}

void MuxJob::abandon() {
    *wanted_ = false;
    if (!thread_.joinable()) return;
    cancelled_ = true;
    for (auto& input : spec_.inputs)
        if (input.growing) input.growing->abandon();
    thread_.join();
}

void MuxJob::run() {
    Error error;
    try {
        mux::MuxOptions options;
        options.container = spec_.container;
        options.cancelled = [this] { return cancelled_.load(); };
        options.extras = spec_.extras;
        auto muxed = mux::mux_on_demand(spec_.inputs, spec_.output, options);
        if (auto* e = std::get_if<Error>(&muxed)) {
            error = *e;
        } else {
            for (const std::string& warning : std::get<mux::MuxReport>(muxed).warnings)
                emit_log(LogLevel::Warn, spec_.output.string() + ": " + warning);
            std::error_code ec;
            for (const auto& path : spec_.remove_on_success) std::filesystem::remove(path, ec);
            sync_directory(spec_.output.parent_path());
        }
    } catch (const std::exception& e) {
        error = {FailReason::Internal, std::string("muxing failed: ") + e.what()};
    }
    bool post = false;
    {
        std::lock_guard lock(mutex_);
        ended_ = true;
        result_ = error;
        post = completed_;
    }
    // Posted last: the receiver may destroy this job (joining this thread) as soon as it runs.
    if (post)
        engine_.post([done = done_, error, wanted = wanted_] {
            if (*wanted) done(error);
        });
}

}  // namespace arina::stream
