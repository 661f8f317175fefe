#include "transfer/range_planner.hpp"

#include <gtest/gtest.h>

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
    EXPECT_EQ(std::vector<ByteRange>(pieces.begin(), pieces.end()), (std::vector<ByteRange>{{100, 150}, {200, 300}}));
}

TEST(RangePlanner, SplitsTheLargestRemainingPieceInTheMiddleAligned) {
    const std::vector<ByteRange> remaining{{0, 1 << 20}, {4 << 20, 8 << 20}, {9 << 20, 9 << 20}};
    auto split = plan_split(remaining, 256 * 1024);
    ASSERT_TRUE(split);
    EXPECT_EQ(split->index, 1u);
    EXPECT_EQ(split->split_at, 6 << 20);
    EXPECT_EQ(split->split_at % (16 * 1024), 0);
}

TEST(RangePlanner, DoesNotSplitPiecesBelowTwiceTheMinimum) {
    const std::vector<ByteRange> remaining{{0, 400 * 1024}};
    EXPECT_FALSE(plan_split(remaining, 256 * 1024));
    EXPECT_FALSE(plan_split({}, 1));
}

}  // namespace
}  // namespace arina::transfer
