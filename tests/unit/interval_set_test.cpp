#include "util/interval_set.hpp"

#include <gtest/gtest.h>

namespace arina {
namespace {

TEST(IntervalSet, MergesTouchingAndOverlappingRanges) {
    IntervalSet s;
    s.add({10, 20});
    s.add({30, 40});
    s.add({20, 25});  // touches the first
    EXPECT_EQ(s.ranges(), (std::vector<ByteRange>{{10, 25}, {30, 40}}));
    s.add({24, 31});  // bridges both
    EXPECT_EQ(s.ranges(), (std::vector<ByteRange>{{10, 40}}));
    EXPECT_EQ(s.total(), 30);
}

TEST(IntervalSet, HolesAreTheComplementWithinSize) {
    IntervalSet s;
    s.add({0, 5});
    s.add({8, 10});
    EXPECT_EQ(s.holes(12), (std::vector<ByteRange>{{5, 8}, {10, 12}}));
    EXPECT_EQ(IntervalSet{}.holes(3), (std::vector<ByteRange>{{0, 3}}));
}

TEST(IntervalSet, RemoveSplitsRanges) {
    IntervalSet s;
    s.add({0, 100});
    s.remove({40, 60});
    EXPECT_EQ(s.ranges(), (std::vector<ByteRange>{{0, 40}, {60, 100}}));
    EXPECT_TRUE(s.contains({0, 40}));
    EXPECT_FALSE(s.contains({39, 41}));
}

}  // namespace
}  // namespace arina
