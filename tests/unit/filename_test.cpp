#include "util/filename.hpp"

#include <gtest/gtest.h>

#include "util/units.hpp"

namespace arina {
namespace {

TEST(Filename, DropsDirectoriesAndTraversal) {
    EXPECT_EQ(sanitize_filename("../../etc/passwd"), "passwd");
    EXPECT_EQ(sanitize_filename("..\\..\\win.ini"), "win.ini");
    EXPECT_EQ(sanitize_filename(".."), "");
    EXPECT_EQ(sanitize_filename("/"), "");
}

TEST(Filename, NoLeadingDotOrDashNoControlCharacters) {
    EXPECT_EQ(sanitize_filename(".hidden"), "hidden");
    EXPECT_EQ(sanitize_filename("-rf"), "rf");
    EXPECT_EQ(sanitize_filename("a\nb\x01"
                                "c\x7f.mp4"),
              "a_b_c_.mp4");
    EXPECT_EQ(sanitize_filename("bad\xff"
                                "utf8"),
              "bad_utf8");
    EXPECT_EQ(sanitize_filename("caf\xc3\xa9.mp4"), "caf\xc3\xa9.mp4");
}

TEST(Filename, CutsTo255BytesKeepingTheExtension) {
    const std::string name = std::string(300, 'a') + ".mp4";
    const auto safe = sanitize_filename(name);
    EXPECT_EQ(safe.size(), 255u);
    EXPECT_TRUE(safe.ends_with(".mp4"));
    // A multi-byte character is never cut in half.
    std::string wide;
    for (int i = 0; i < 200; ++i) wide += "\xc3\xa9";
    const auto cut = sanitize_filename(wide);
    EXPECT_LE(cut.size(), 255u);
    EXPECT_EQ(cut.size() % 2, 0u);
}

TEST(Filename, FromUrl) {
    EXPECT_EQ(filename_from_url("https://h/dir/My%20Video.mp4?sig=1#t"), "My Video.mp4");
    EXPECT_EQ(filename_from_url("https://h/dir/"), "");
    EXPECT_EQ(filename_from_url("https://h"), "");
    EXPECT_EQ(filename_from_url("https://h/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), "passwd");
}

TEST(Filename, FromContentDisposition) {
    EXPECT_EQ(filename_from_content_disposition("attachment; filename=\"report.pdf\""), "report.pdf");
    EXPECT_EQ(filename_from_content_disposition("attachment; filename=plain.bin"), "plain.bin");
    EXPECT_EQ(filename_from_content_disposition(
                  "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"),
              "\xe2\x82\xac rates.txt");
    EXPECT_EQ(filename_from_content_disposition("attachment; filename=\"../../x;y.sh\""), "x;y.sh");
    EXPECT_EQ(filename_from_content_disposition("inline"), "");
}

TEST(Units, ParsesSizes) {
    EXPECT_EQ(parse_size("512"), 512);
    EXPECT_EQ(parse_size("64K"), 65536);
    EXPECT_EQ(parse_size("10M"), 10 * 1024 * 1024);
    EXPECT_EQ(parse_size("1.5MiB"), 1572864);
    EXPECT_EQ(parse_size("2G"), 2LL * 1024 * 1024 * 1024);
    EXPECT_FALSE(parse_size("ten"));
    EXPECT_FALSE(parse_size("5X"));
    EXPECT_FALSE(parse_size(""));
}

}  // namespace
}  // namespace arina
