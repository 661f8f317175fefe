#include "transfer/range_planner.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace arina::transfer {
namespace {

TEST(RangePlanner, CutsHolesIntoChunksNoLargerThanChunkSize) {
    const std::vector<ByteRange> holes{{0, 25}, {30, 40}};
    const auto pieces = plan_pieces(holes, 10);
    EXPECT_EQ(std::vector<ByteRange>(pieces.begin(), pieces.end()),
              (std::vector<ByteRange>{{0, 10}, {10, 20}, {20, 25}, {30, 40}}));
}

TEST(RangePlanner, PlansOnlyWhatIsMissingAfterResume) {
    IntervalSet done;
    done.add({0, 100});
    done.add({150, 200});
    const auto holes = done.holes(300);
    const auto pieces = plan_pieces(holes, 1000);
    EXPECT_EQ(std::vector<ByteRange>(pieces.begin(), pieces.end()),
              (std::vector<ByteRange>{{100, 150}, {200, 300}}));
}

TEST(RangePlanner, BalancedPiecesMakeWholeRounds) {
    constexpr std::int64_t MiB = 1024 * 1024;
    // 255 MiB over 8 connections in chunks of at most 10 MiB: 26 pieces would leave a
    // last round of 2; 32 pieces of ~8 MiB make four full rounds.
    const auto size = balanced_piece_size(255 * MiB, 10 * MiB, 8, 256 * 1024);
    EXPECT_LE(size, 10 * MiB);
    EXPECT_EQ(size % (16 * 1024), 0);
    EXPECT_EQ((255 * MiB + size - 1) / size, 32);
    // Never above the chunk size, never below the minimum piece.
    EXPECT_EQ(balanced_piece_size(100 * MiB, 1 * MiB, 4, 256 * 1024), 1 * MiB);
    EXPECT_EQ(balanced_piece_size(300 * 1024, 10 * MiB, 8, 256 * 1024), 256 * 1024);
}

TEST(RangePlanner, SplitsTheSlowestPieceInTheMiddleAligned) {
    const std::vector<InFlight> pieces{
        {{0, 1 << 20}, 9.0}, {{4 << 20, 8 << 20}, 3.0}, {{9 << 20, 10 << 20}, 1.5}};
    auto split = plan_split(pieces, 256 * 1024, 1.0);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->index, 0u);  // fewest bytes, but the slowest to finish
    EXPECT_EQ(split->split_at, 512 * 1024);
    EXPECT_EQ(split->split_at % (16 * 1024), 0);
}

TEST(RangePlanner, DoesNotSplitWhatFinishesSoonOrIsSmall) {
    const std::vector<InFlight> fast{{{0, 64 << 20}, 0.2}};
    EXPECT_FALSE(plan_split(fast, 256 * 1024, 1.0));  // its bytes are already on the wire
    const std::vector<InFlight> small{{{0, 400 * 1024}, 50.0}};
    EXPECT_FALSE(plan_split(small, 256 * 1024, 1.0));
    EXPECT_FALSE(plan_split({}, 1, 0));
    const std::vector<InFlight> not_flowing{{{0, 8 << 20}, std::numeric_limits<double>::infinity()}};
    EXPECT_TRUE(plan_split(not_flowing, 256 * 1024, 1.0));
}

TEST(RangePlanner, SplitsASlowPieceWhereBothRequestsFinishTogether) {
    // A piece on a connection at 0.4 MB/s, a free connection at 4 MB/s: the free one takes most.
    const std::vector<InFlight> pieces{{{0, 4 << 20}, 10.0, 0.4e6}, {{8 << 20, 9 << 20}, 0.3, 4e6}};
    auto split = plan_split(pieces, 256 * 1024, 0.5, 4e6, 0.05);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->index, 0u);
    EXPECT_LT(split->split_at, 1 << 20);  // not the middle (2 MiB)
    EXPECT_EQ(split->split_at % (16 * 1024), 0);
    // Without a free connection's rate: the middle, as before.
    split = plan_split(pieces, 256 * 1024, 0.5);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->split_at, 2 << 20);
}

}  // namespace
}  // namespace arina::transfer
