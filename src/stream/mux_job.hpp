#pragma once
// The mux of a stream download, on a thread of its own so the engine never waits for libav.
//
// A job can start while the fragments are still coming: its inputs are then GrowingInputs
// (mux/growing_input.hpp) that the download extends as each track's part file grows, and the
// muxer follows right behind the download. complete() says the inputs are whole and asks for
// the result: `done` is posted to the engine thread once the mux ends (at once if it already
// has). On success the job removes the part files and the sidecar, after the output is synced
// and renamed into place.
//
// After complete(), `done` is posted exactly once; cancel() makes the mux stop at its next check
// and report FailReason::Cancelled. abandon() (or the destructor) stops the job promptly, joins
// it, and from then on `done` is never called: nobody waits for an abandoned job.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mux/mux.hpp"
#include "net/engine.hpp"
#include "util/fail_reason.hpp"

namespace arina::stream {

struct MuxJobSpec {
    std::vector<mux::MuxInput> inputs;  // with `growing` set: followed while written
    std::filesystem::path output;
    mux::Container container = mux::Container::Mp4;
    std::vector<std::filesystem::path> remove_on_success;  // part files and the sidecar
    // Tags, subtitle files and a cover picture for the output (mux/extras.hpp); none by default.
    // What cannot be added is logged as a warning (util/log_hook.hpp), never a failure.
    mux::Extras extras;
};

class MuxJob {
  public:
    using Done = std::function<void(const Error&)>;  // engine thread; no error = the output is in place

    MuxJob(net::Engine& engine, MuxJobSpec spec, Done done);
    ~MuxJob();
    MuxJob(const MuxJob&) = delete;
    MuxJob& operator=(const MuxJob&) = delete;

    /// Growing inputs: bytes [0, bytes) of input `index` are final.
    void extend(std::size_t index, std::int64_t bytes);
    /// Growing inputs are whole; `done` is posted when the mux ends.
    void complete();
    /// Stops the mux at its next check; after complete(), `done` reports Cancelled.
    void cancel() { cancelled_ = true; }
    /// Stops and joins the job; `done` is not called afterwards. Engine thread.
    void abandon();

  private:
    void run();

    net::Engine& engine_;
    MuxJobSpec spec_;
    Done done_;
    std::atomic<bool> cancelled_{false};
    std::shared_ptr<std::atomic<bool>> wanted_ = std::make_shared<std::atomic<bool>>(true);  // not abandoned
    std::mutex mutex_;
    bool completed_ = false;  // complete() was called: the result is to be posted
    bool ended_ = false;      // the mux returned
    Error result_;
    std::thread thread_;
};

}  // namespace arina::stream
