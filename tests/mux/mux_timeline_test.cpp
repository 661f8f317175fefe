// TimelineRepair: the splice rule for timestamp jumps, on synthetic packet timings.

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "mux/timeline.hpp"

namespace arina::mux {
namespace {

constexpr TimeBase k90kHz{1, 90000};
constexpr std::int64_t kFrame = 3600;  // 40 ms at 90 kHz: 25 fps video
constexpr std::int64_t kAudio = 1920;  // 21.3 ms at 90 kHz: an AAC frame at 48 kHz

using Stamp = TimelineRepair::Stamp;

TimelineRepair one_stream() {
    return TimelineRepair({{k90kHz, false}});
}

// Feeds `count` packets starting at raw `start`, each `step` long; returns the repaired DTS.
std::vector<std::int64_t> feed(TimelineRepair& repair, std::size_t stream, std::int64_t start,
                               std::int64_t step, int count) {
    std::vector<std::int64_t> out;
    for (int i = 0; i < count; ++i)
        out.push_back(repair.repair(stream, {start + i * step, start + i * step, step}).dts);
    return out;
}

TEST(TimelineRepair, LeavesAContinuousStreamAlone) {
    TimelineRepair repair = one_stream();
    const auto out = feed(repair, 0, 126000, kFrame, 50);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], 126000 + i * kFrame);
    EXPECT_EQ(repair.discontinuities(), 0);
}

TEST(TimelineRepair, ClockRestartContinuesWhereThePreviousSegmentEnded) {
    TimelineRepair repair = one_stream();
    feed(repair, 0, 126000, kFrame, 100);                    // 1.4 s .. 5.4 s
    const auto after = feed(repair, 0, 126000, kFrame, 10);  // a new encode restarting at 1.4 s
    EXPECT_EQ(after.front(), 126000 + 100 * kFrame);
    EXPECT_EQ(after.back(), 126000 + 109 * kFrame);
    EXPECT_EQ(repair.discontinuities(), 1);
}

TEST(TimelineRepair, ForwardLeapBeyondThresholdIsClosed) {
    TimelineRepair repair = one_stream();
    feed(repair, 0, 0, kFrame, 25);
    const auto after = feed(repair, 0, 100 * 90000, kFrame, 3);
    EXPECT_EQ(after.front(), 25 * kFrame);
    EXPECT_EQ(repair.discontinuities(), 1);
}

TEST(TimelineRepair, SmallForwardGapIsKept) {
    TimelineRepair repair = one_stream();
    feed(repair, 0, 0, kFrame, 25);
    const auto after = feed(repair, 0, 25 * kFrame + 45000, kFrame, 1);  // half a second missing
    EXPECT_EQ(after.front(), 25 * kFrame + 45000);
    EXPECT_EQ(repair.discontinuities(), 0);
}

TEST(TimelineRepair, StreamsOfOneInputShareTheSpliceAndKeepTheirSync) {
    TimelineRepair repair({{k90kHz, false}, {k90kHz, false}});
    // Segment one: video 0..4 s, audio 0..~4 s.
    feed(repair, 0, 0, kFrame, 100);
    feed(repair, 1, 0, kAudio, 187);
    // Segment two restarts at 10 s raw; its audio starts 0.1 s after its video.
    const std::int64_t video_start = repair.repair(0, {900000, 900000, kFrame}).dts;
    const std::int64_t audio_start = repair.repair(1, {909000, 909000, kAudio}).dts;
    EXPECT_EQ(video_start, 100 * kFrame);
    EXPECT_EQ(audio_start - video_start, 9000) << "audio must keep its place relative to video";
    EXPECT_EQ(repair.discontinuities(), 1);
}

TEST(TimelineRepair, LatePacketFromBeforeTheJumpStaysInItsSegment) {
    TimelineRepair repair({{k90kHz, false}, {k90kHz, false}});
    feed(repair, 0, 0, kFrame, 100);
    feed(repair, 1, 0, kAudio, 186);
    repair.repair(0, {0, 0, kFrame});  // video restarts first
    // The last audio frame of segment one arrives after it (MPEG-TS interleaving).
    const std::int64_t late = repair.repair(1, {186 * kAudio, 186 * kAudio, kAudio}).dts;
    EXPECT_EQ(late, 186 * kAudio);
    EXPECT_EQ(repair.discontinuities(), 1);
}

TEST(TimelineRepair, OverlapAfterSharedSpliceIsNudgedForward) {
    TimelineRepair repair({{k90kHz, false}, {k90kHz, false}});
    feed(repair, 0, 0, kFrame, 100);                     // video ends at 360000
    const auto audio = feed(repair, 1, 0, kAudio, 190);  // audio ends at 364800, after the video
    // Segment two at 10 s raw, its audio starting 0.1 s before its video: sharing the video's offset
    // would put the audio back over its own last frames.
    const std::int64_t video = repair.repair(0, {900000, 900000, kFrame}).dts;
    EXPECT_EQ(video, 364800) << "a new epoch starts at the frontier, the latest end of any stream";
    const std::int64_t first = repair.repair(1, {891000, 891000, kAudio}).dts;
    EXPECT_EQ(first, audio.back() + kAudio) << "audio must not overlap its own previous frames";
    const std::int64_t second = repair.repair(1, {891000 + kAudio, 891000 + kAudio, kAudio}).dts;
    EXPECT_EQ(second, first + kAudio);
    EXPECT_EQ(repair.discontinuities(), 1);
}

TEST(TimelineRepair, StreamMissingFromASegmentJoinsTheRightEpoch) {
    TimelineRepair repair({{k90kHz, false}, {k90kHz, false}});
    feed(repair, 0, 0, kFrame, 100);  // segment one: 0..4 s, both streams
    feed(repair, 1, 0, kAudio, 187);
    feed(repair, 0, 0, kFrame, 50);  // segment two (an ad without audio): clock restarts, 2 s
    // Segment three restarts again; audio comes back.
    const std::int64_t video = repair.repair(0, {0, 0, kFrame}).dts;
    const std::int64_t audio = repair.repair(1, {0, 0, kAudio}).dts;
    EXPECT_EQ(video, 150 * kFrame);
    EXPECT_EQ(audio, video) << "audio must join segment three's splice, not segment two's";
}

TEST(TimelineRepair, StreamStartingAfterASpliceTakesTheNearestEpoch) {
    TimelineRepair repair({{k90kHz, false}, {k90kHz, false}});
    feed(repair, 0, 0, kFrame, 100);
    feed(repair, 0, 0, kFrame, 5);  // restart: now at 4.0 .. 4.2 s output
    const std::int64_t audio = repair.repair(1, {0, 0, kAudio}).dts;
    EXPECT_EQ(audio, 100 * kFrame);
}

TEST(TimelineRepair, SparseStreamSilenceIsNotAJump) {
    TimelineRepair repair({{k90kHz, true}});
    repair.repair(0, {0, 0, 90000});
    EXPECT_EQ(repair.repair(0, {60 * 90000, 60 * 90000, 90000}).dts, 60 * 90000);
    EXPECT_EQ(repair.discontinuities(), 0);
}

TEST(TimelineRepair, InfersMissingTimestampsAndKeepsPtsAtLeastDts) {
    TimelineRepair repair = one_stream();
    repair.repair(0, {1000, 1000, kFrame});
    const Stamp inferred = repair.repair(0, {kNoTimestamp, kNoTimestamp, kFrame});
    EXPECT_EQ(inferred.dts, 1000 + kFrame);
    EXPECT_EQ(inferred.pts, inferred.dts);
    const Stamp clamped = repair.repair(0, {1000 + 2 * kFrame, 5, kFrame});
    EXPECT_EQ(clamped.pts, clamped.dts);
}

TEST(TimelineRepair, ExtremeTimestampsDoNotOverflow) {
    TimelineRepair repair = one_stream();
    const std::int64_t huge = std::numeric_limits<std::int64_t>::max() - 10;
    repair.repair(0, {huge, huge, huge});
    repair.repair(0, {-huge, -huge, huge});
    const Stamp out = repair.repair(0, {huge, kNoTimestamp, huge});
    EXPECT_NE(out.dts, kNoTimestamp);
}

TEST(Rescale, ConvertsAndKeepsTheMissingMarker) {
    EXPECT_EQ(rescale(90000, k90kHz, kMicroseconds), 1'000'000);
    EXPECT_EQ(rescale(kNoTimestamp, k90kHz, kMicroseconds), kNoTimestamp);
}

}  // namespace
}  // namespace arina::mux
