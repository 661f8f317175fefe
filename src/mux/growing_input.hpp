#pragma once
// A file that is still being written, read by the muxer as it grows. A stream download appends
// each fragment to its part file in order; with a GrowingInput per part file the muxer follows
// right behind, so by the time the last fragment lands only the end of the mux is left to do
// (instead of reading everything back and muxing it after the download).
//
// The writer says how far the file is final (extend) and when nothing more will come (finish);
// the reader waits for bytes beyond where it is. Bytes past the extent are never read: a
// fragment half on disk may still be cut off and fetched again. abandon() makes every wait
// return at once, so a download that fails or is cancelled never waits for its muxer.
//
// Thread-safe: one writer thread and one reader thread.

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace arina::mux {

class GrowingInput {
  public:
    /// What the reader may read: bytes [0, end); `final`: no more will come; `abandoned`: stop.
    struct Extent {
        std::int64_t end = 0;
        bool final = false;
        bool abandoned = false;
    };

    explicit GrowingInput(std::int64_t final_bytes = 0) : end_(final_bytes) {}

    /// Bytes [0, end) are final. A smaller `end` than before is ignored.
    void extend(std::int64_t end);
    /// Nothing beyond the current extent will come.
    void finish();
    /// The reader is to stop: waits return at once with `abandoned`.
    void abandon();

    /// Waits until the extent goes beyond `offset`, or is final, or abandoned.
    Extent wait_beyond(std::int64_t offset);
    Extent extent() const;

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::int64_t end_;
    bool final_ = false;
    bool abandoned_ = false;
};

}  // namespace arina::mux
