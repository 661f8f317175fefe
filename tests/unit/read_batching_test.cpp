#include "net/read_batching.hpp"

#include <gtest/gtest.h>

namespace arina::net {
namespace {

TEST(ReadBatching, AsksForAboutTwentyFiveMillisecondsOfTheConnectionsSpeed) {
    EXPECT_EQ(receive_low_water(400'000, 10'000'000), 10'000);
    EXPECT_EQ(receive_low_water(40'000, 10'000'000), 1'000);
}

TEST(ReadBatching, NeverMoreThanTheCapNorThanTheBytesStillToCome) {
    EXPECT_EQ(receive_low_water(1e9, 10'000'000), kMaxReceiveLowWater);
    EXPECT_EQ(receive_low_water(1e9, 5'000), 5'000);
    EXPECT_EQ(receive_low_water(1e9, 1), 1);
}

TEST(ReadBatching, OneByteWhenTheSpeedOrTheLengthIsUnknownOrTheBodyIsComplete) {
    EXPECT_EQ(receive_low_water(0, 10'000'000), 1);
    EXPECT_EQ(receive_low_water(1e6, -1), 1);
    EXPECT_EQ(receive_low_water(1e6, 0), 1);
    EXPECT_EQ(receive_low_water(10, 10'000'000), 1);  // 0.25 bytes: rounds up to 1
}

TEST(ReadBatching, ChangesTheMarkOnlyForAQuarterOrToReachTheEnd) {
    EXPECT_TRUE(low_water_worth_changing(1, 20'000, 1'000'000));
    EXPECT_FALSE(low_water_worth_changing(20'000, 22'000, 1'000'000));
    EXPECT_FALSE(low_water_worth_changing(20'000, 16'000, 1'000'000));
    EXPECT_TRUE(low_water_worth_changing(20'000, 26'000, 1'000'000));
    EXPECT_TRUE(low_water_worth_changing(20'000, 14'000, 1'000'000));
    // A mark above what is left would hold back the end of the body.
    EXPECT_TRUE(low_water_worth_changing(20'000, 19'000, 19'000));
    EXPECT_TRUE(low_water_worth_changing(20'000, 1, 0));
    EXPECT_FALSE(low_water_worth_changing(1, 1, 0));
}

}  // namespace
}  // namespace arina::net
