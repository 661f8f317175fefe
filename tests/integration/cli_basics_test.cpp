#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace arina {
namespace {

TEST(Cli, BinaryRuns) {
    const auto r = test::run_program({ARINA_BIN, "--version"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace arina
