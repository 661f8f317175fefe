#pragma once
// Timestamp repair for one input: the clock of a concatenated HLS download may jump where segments from
// different encodes meet (EXT-X-DISCONTINUITY: an ad break, a re-started live encoder). Muxers need DTS
// that only grow, and players need no holes, so we splice the timeline back together.
//
// The rule. Each stream checks its own clock: a DTS that goes backwards, or lands more than
// `jump_threshold` beyond where the stream's previous packet ended, is a jump. A jump moves the stream into
// a later *epoch* of the input; an epoch is an offset added to every packet in it. The input's *frontier*
// is the latest presentation end (PTS + duration) of its audio and video packets after repair. (PTS, not
// DTS: with B-frames video DTS lag its PTS by a frame or two, and audio has no such lag.)
//  - The first stream to jump opens a new epoch whose offset presents the packet at the frontier: the
//    timeline continues with no gap and no overlap.
//  - The other streams, reaching their own jump, join the later epoch that puts them nearest to the
//    frontier (within the threshold, comparing PTS). Sharing the offset keeps audio and video in the sync
//    they had inside the new segment. Epochs a stream has no packets in (audio missing from an ad
//    segment) are skipped naturally, since they would put it far behind the frontier.
//  - If a shared offset would make a stream overlap its own previous packets (its previous segment ended
//    a little later than the other streams'), that stream is nudged forward by the overlap until its next
//    jump, so its DTS still only grow.
//  - A stream whose first packet comes after a jump takes the epoch that puts it nearest to the frontier.
// Late packets of the old segment (MPEG-TS interleaving can deliver them after another stream's jump)
// are no jump for their own stream, so they stay in the old epoch where they belong.
//
// Pure arithmetic on integers in each stream's time base, so it is unit tested without media files.

#include <cstdint>
#include <limits>
#include <vector>

namespace arina::mux {

/// Seconds per tick, as num/den (libav's AVRational without the libav dependency).
struct TimeBase {
    int num = 1;
    int den = 1;
};

inline constexpr TimeBase kMicroseconds{1, 1'000'000};

/// libav's "no timestamp" (AV_NOPTS_VALUE).
inline constexpr std::int64_t kNoTimestamp = std::numeric_limits<std::int64_t>::min();

/// `value` converted from one time base to another, rounded to nearest. kNoTimestamp stays kNoTimestamp.
std::int64_t rescale(std::int64_t value, TimeBase from, TimeBase to);

/// a + b and a - b clamped to the int64 range (never to kNoTimestamp): timestamps come from untrusted
/// files, and a garbage 64-bit value must not overflow, which would be undefined behaviour.
std::int64_t add_saturated(std::int64_t a, std::int64_t b);
std::int64_t sub_saturated(std::int64_t a, std::int64_t b);

class TimelineRepair {
  public:
    struct StreamClock {
        TimeBase time_base;
        /// Subtitles: long silences are normal, so only backward jumps count as discontinuities.
        bool sparse = false;
    };

    /// A packet's timing in its stream's time base; dts and pts may be kNoTimestamp, duration 0 if unknown.
    struct Stamp {
        std::int64_t dts = kNoTimestamp;
        std::int64_t pts = kNoTimestamp;
        std::int64_t duration = 0;
    };

    explicit TimelineRepair(std::vector<StreamClock> streams, std::int64_t jump_threshold_us = 1'000'000);

    /// The repaired timing of the next packet of `stream` (packets given in file order). The result always
    /// has both dts and pts (missing ones are inferred) and pts >= dts; it is not shifted to start at 0.
    Stamp repair(std::size_t stream, Stamp packet);

    /// Jumps found so far (epochs opened after the first).
    int discontinuities() const { return static_cast<int>(epochs_.size()) - 1; }

  private:
    struct Epoch {
        std::int64_t offset;  ///< in `time_base` (the stream's that opened the epoch, so exact for it)
        TimeBase time_base;
    };
    struct StreamState {
        StreamClock clock;
        std::int64_t threshold = 0;  ///< jump_threshold in this stream's time base
        bool seen = false;
        std::int64_t last_dts = 0;  ///< raw (unrepaired) DTS of the previous packet
        std::int64_t last_end = 0;  ///< raw DTS + duration of the previous packet
        std::size_t epoch = 0;
        std::int64_t shift = 0;                     ///< epoch offset + nudge, in this stream's time base
        std::int64_t presented_end = kNoTimestamp;  ///< latest repaired PTS + duration
    };

    bool is_jump(const StreamState& stream, std::int64_t dts) const;
    void move_to_later_epoch(StreamState& stream, std::int64_t dts, std::int64_t pts);
    void place_first_packet(StreamState& stream, std::int64_t pts);
    std::int64_t offset_in(std::size_t epoch, TimeBase time_base) const;

    std::vector<StreamState> streams_;
    std::vector<Epoch> epochs_;
    std::int64_t frontier_us_ = kNoTimestamp;  ///< latest repaired PTS + duration of audio/video, in µs
};

}  // namespace arina::mux
