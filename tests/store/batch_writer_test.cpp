// The write queue under both task stores (store/batch_writer.hpp): when a burst is
// committed, and on which thread.

#include "store/batch_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace arina::store::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Committed {
    Clock::time_point at;
    std::thread::id thread;
    std::size_t jobs = 0;
};

/// Records every commit; waits for the n-th one.
class Recorder {
  public:
    detail::BatchWriter::Commit commit() {
        return [this](detail::Batch& batch) {
            std::lock_guard lk(mutex_);
            commits_.push_back(Committed{Clock::now(), std::this_thread::get_id(), batch.size()});
            return true;
        };
    }
    /// The n-th commit (1-based), waiting up to 10 s for it; a default one when it never came.
    Committed nth(std::size_t n) {
        const auto deadline = Clock::now() + 10s;
        while (Clock::now() < deadline) {
            {
                std::lock_guard lk(mutex_);
                if (commits_.size() >= n) return commits_[n - 1];
            }
            std::this_thread::sleep_for(1ms);
        }
        ADD_FAILURE() << "commit " << n << " never came";
        return {};
    }
    std::size_t count() {
        std::lock_guard lk(mutex_);
        return commits_.size();
    }

  private:
    std::mutex mutex_;
    std::vector<Committed> commits_;
};

// A burst is one window long from its first job, whether the writer slept (a quiet store:
// the job wakes it) or was looking by itself every window (a busy store: nobody wakes it).
TEST(BatchWriter, ABurstIsCommittedOneWindowAfterItsFirstJobOnAQuietAndOnABusyStore) {
    constexpr auto window = 100ms;
    constexpr auto slack = 900ms;  // a loaded 2-core machine
    Recorder recorder;
    detail::BatchWriter writer({.batch_window = window}, "test");
    ASSERT_FALSE(writer.start(recorder.commit()));
    std::size_t n = 0;
    const auto burst = [&](const char* what) {
        const auto queued = Clock::now();
        writer.enqueue(1, detail::OutputJob{"a"});
        writer.enqueue(2, detail::OutputJob{"b"});
        const Committed c = recorder.nth(++n);
        EXPECT_GE(c.at - queued, window - 5ms) << what;
        EXPECT_LE(c.at - queued, window + slack) << what;
        EXPECT_EQ(c.jobs, 2u) << what;
        EXPECT_NE(c.thread, std::this_thread::get_id()) << what;
    };
    burst("the first job of a new store");
    for (int i = 0; i < 5; ++i) burst("a busy store");
    std::this_thread::sleep_for(1300ms);  // quiet: the writer goes to sleep
    burst("after a quiet second");
    burst("busy again");
    writer.stop();
    EXPECT_EQ(recorder.count(), n);
}

// With a commit for callers, flush() and settle() commit on the calling thread, at once,
// instead of handing the burst to the writer thread; the writer thread still commits what
// nobody waits for.
TEST(BatchWriter, AWaitingCallerCommitsOnItsOwnThread) {
    Recorder by_writer, by_caller;
    detail::BatchWriter writer({.batch_window = 10s}, "test");
    ASSERT_FALSE(writer.start(by_writer.commit(), by_caller.commit()));
    writer.enqueue(1, detail::OutputJob{"a"});
    const auto asked = Clock::now();
    EXPECT_FALSE(writer.flush());
    EXPECT_LT(Clock::now() - asked, 5s);  // not after the 10 s window
    const Committed flushed = by_caller.nth(1);
    EXPECT_EQ(flushed.thread, std::this_thread::get_id());
    EXPECT_EQ(flushed.jobs, 2u);  // the job and flush()'s barrier
    writer.enqueue(2, detail::OutputJob{"b"});
    writer.settle();
    EXPECT_EQ(by_caller.nth(2).thread, std::this_thread::get_id());
    EXPECT_EQ(writer.caller_commit_count(), 2u);
    EXPECT_EQ(by_writer.count(), 0u);
    writer.enqueue(3, detail::OutputJob{"c"});
    writer.stop();  // its one last attempt: the writer thread's
    ASSERT_EQ(by_writer.count(), 1u);
    EXPECT_NE(by_writer.nth(1).thread, std::this_thread::get_id());
}

}  // namespace
}  // namespace arina::store::testing
