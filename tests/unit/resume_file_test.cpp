#include "store/resume_file.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace arina::store {
namespace {

ResumeState sample() {
    ResumeState s;
    s.url = "http://example.com/a.bin";
    s.size = 1000;
    s.etag = "\"abc\"";
    s.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
    s.done.add({0, 100});
    s.done.add({500, 700});
    return s;
}

TEST(ResumeFile, RoundTrips) {
    test::TempDir dir;
    const auto path = dir / "a.bin.part.arina";
    ASSERT_FALSE(save_resume_state(path, sample()));
    auto loaded = load_resume_state(path);
    ASSERT_TRUE(std::holds_alternative<ResumeState>(loaded));
    EXPECT_EQ(std::get<ResumeState>(loaded), sample());
}

TEST(ResumeFile, MissingFileIsNotAnError) {
    test::TempDir dir;
    EXPECT_TRUE(std::holds_alternative<std::monostate>(load_resume_state(dir / "none.arina")));
}

TEST(ResumeFile, TruncatedFileIsDetected) {
    const std::string text = encode_resume_state(sample());
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 3}) {
        auto decoded = decode_resume_state(text.substr(0, cut));
        ASSERT_TRUE(std::holds_alternative<Error>(decoded)) << cut;
        EXPECT_NE(std::get<Error>(decoded).message.find("corrupt resume file"), std::string::npos);
    }
}

TEST(ResumeFile, EditedContentFailsTheChecksum) {
    std::string text = encode_resume_state(sample());
    const auto pos = text.find("700");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, 3, "900");
    auto decoded = decode_resume_state(text);
    ASSERT_TRUE(std::holds_alternative<Error>(decoded));
    EXPECT_EQ(std::get<Error>(decoded).message, "corrupt resume file: checksum mismatch");
}

TEST(ResumeFile, GarbageIsDetected) {
    auto decoded = decode_resume_state(std::string("\x00\xff garbage", 10));
    ASSERT_TRUE(std::holds_alternative<Error>(decoded));
    EXPECT_EQ(std::get<Error>(decoded).message, "corrupt resume file: not JSON");
}

}  // namespace
}  // namespace arina::store
