// mux() failures: each gives its FailReason, a message naming the file, and leaves no output behind.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "media_fixtures.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

Error mux_error(const std::vector<fs::path>& paths, const fs::path& output, const MuxOptions& options = {}) {
    std::vector<MuxInput> inputs;
    for (const auto& path : paths) inputs.push_back({path});
    auto result = mux(inputs, output, options);
    if (!std::holds_alternative<Error>(result)) {
        ADD_FAILURE() << "mux succeeded unexpectedly";
        return {};
    }
    const Error error = std::get<Error>(result);
    std::cout << "[ error    ] " << to_string(error.reason) << ": " << error.message << "\n";
    return error;
}

void expect_nothing_left(const fs::path& output) {
    EXPECT_FALSE(fs::exists(output)) << output;
    EXPECT_FALSE(fs::exists(output.string() + ".tmp")) << output << ".tmp";
}

TEST(MuxFailure, GarbageInputIsRefusedByName) {
    const fs::path dir = test::media::scratch_dir();
    for (unsigned seed = 1; seed <= 5; ++seed) {
        const fs::path garbage = dir / ("video" + std::to_string(seed) + ".ts");
        test::write_file(garbage, test::random_bytes(256 * 1024, seed));
        const fs::path output = dir / "movie.mp4";
        const Error error = mux_error({garbage}, output);
        EXPECT_EQ(error.reason, FailReason::Unsupported);
        EXPECT_NE(error.message.find(garbage.string()), std::string::npos) << error.message;
        expect_nothing_left(output);
    }
}

TEST(MuxFailure, MissingInputIsFileAccess) {
    const fs::path dir = test::media::scratch_dir();
    const Error error = mux_error({dir / "absent.ts"}, dir / "movie.mp4");
    EXPECT_EQ(error.reason, FailReason::FileAccess);
    EXPECT_NE(error.message.find("absent.ts"), std::string::npos) << error.message;
    expect_nothing_left(dir / "movie.mp4");
}

TEST(MuxFailure, PlaylistPosingAsSegmentIsNotFollowed) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path playlist = dir / "video.ts";
    test::write_file(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n/etc/passwd\n#EXT-X-ENDLIST\n");
    const Error error = mux_error({playlist}, dir / "movie.mp4");
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_NE(error.message.find(playlist.string()), std::string::npos) << error.message;
    expect_nothing_left(dir / "movie.mp4");
}

// Damage in the middle of real files: whatever the outcome, no crash (the sanitizers watch), and a failure
// leaves nothing behind.
TEST(MuxFailure, DamagedInputsNeverCrash) {
    const fs::path dir = test::media::scratch_dir();
    for (const char* name : {"av.ts", "video.mp4", "hls_fmp4.mp4", "vp9.webm"}) {
        std::string bytes = test::read_file(fixture(name));
        ASSERT_GT(bytes.size(), 20000u);
        for (unsigned seed = 1; seed <= 3; ++seed) {
            std::string damaged = bytes;
            const std::string noise = test::random_bytes(4000, seed);
            damaged.replace(damaged.size() * seed / 5, noise.size(), noise);
            const fs::path input = dir / ("damaged_" + std::to_string(seed) + "_" + name);
            test::write_file(input, damaged);
            const fs::path output = dir / "movie.mkv";
            MuxOptions options;
            options.container = Container::Mkv;
            auto result = mux({{input}}, output, options);
            if (auto* error = std::get_if<Error>(&result)) {
                EXPECT_NE(error->message.find(input.string()), std::string::npos) << error->message;
                expect_nothing_left(output);
            }
        }
        const fs::path truncated = dir / (std::string("truncated_") + name);
        test::write_file(truncated, bytes.substr(0, bytes.size() / 2));
        auto result = mux({{truncated}}, dir / "cut.mp4");
        if (std::holds_alternative<Error>(result)) expect_nothing_left(dir / "cut.mp4");
    }
}

// Tests run as root, so permissions cannot make a directory unwritable: a regular file where the output's
// directory should be gives ENOTDIR instead.
TEST(MuxFailure, UnwritableOutputDirectoryIsFileAccess) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "not_a_dir", "x");
    const fs::path output = dir / "not_a_dir" / "movie.mp4";
    const Error error = mux_error({fixture("av.ts")}, output);
    EXPECT_EQ(error.reason, FailReason::FileAccess);
    EXPECT_NE(error.message.find(output.string()), std::string::npos) << error.message;
    EXPECT_FALSE(fs::exists(output));
}

// A full disk, simulated by a temporary path that leads to /dev/full (writes fail with ENOSPC). Through a
// symlink, so that nothing in /dev is ever touched by the cleanup.
TEST(MuxFailure, FullDiskIsDiskFull) {
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
    const fs::path dir = test::media::scratch_dir();
    const fs::path temp = dir / "movie.mp4.part";
    fs::create_symlink("/dev/full", temp);
    MuxOptions options;
    options.temp_path = temp;
    const Error error = mux_error({fixture("av.ts")}, dir / "movie.mp4", options);
    EXPECT_EQ(error.reason, FailReason::DiskFull);
    EXPECT_NE(error.message.find(temp.string()), std::string::npos) << error.message;
    EXPECT_FALSE(fs::exists(dir / "movie.mp4"));
    EXPECT_TRUE(fs::exists("/dev/full"));
}

TEST(MuxFailure, CancelInTheMiddleLeavesNothing) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    int polls = 0;
    MuxOptions options;
    options.cancelled = [&polls] { return ++polls > 2; };  // after the first poll in the packet loop
    const Error error = mux_error({fixture("av.ts")}, output, options);
    EXPECT_EQ(error.reason, FailReason::Cancelled);
    EXPECT_NE(error.message.find(output.string()), std::string::npos) << error.message;
    EXPECT_EQ(polls, 3);
    expect_nothing_left(output);
}

TEST(MuxFailure, CancelBeforeStartCreatesNothing) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    MuxOptions options;
    options.cancelled = [] { return true; };
    EXPECT_EQ(mux_error({fixture("av.ts")}, output, options).reason, FailReason::Cancelled);
    expect_nothing_left(output);
}

TEST(MuxFailure, CodecTheContainerCannotHoldIsAMuxFailure) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    const Error error = mux_error({fixture("pcm.mkv")}, output);  // PCM audio has no MP4 tag in libavformat
    EXPECT_EQ(error.reason, FailReason::MuxFailed);
    EXPECT_NE(error.message.find("pcm_s16le"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("pcm.mkv"), std::string::npos) << error.message;
    expect_nothing_left(output);
}

TEST(MuxFailure, VorbisIsRefusedForMp4ButFineInMatroska) {
    const fs::path dir = test::media::scratch_dir();
    const Error error = mux_error({fixture("vorbis.webm")}, dir / "movie.mp4");
    EXPECT_EQ(error.reason, FailReason::MuxFailed);
    EXPECT_NE(error.message.find("vorbis"), std::string::npos) << error.message;
    expect_nothing_left(dir / "movie.mp4");
    MuxOptions options;
    options.container = Container::Mkv;
    EXPECT_TRUE(
        std::holds_alternative<MuxReport>(mux({{fixture("vorbis.webm")}}, dir / "movie.mkv", options)));
}

// An fMP4 init segment whose media fragments never arrived: headers, tracks, and no packet.
TEST(MuxFailure, InitSegmentAloneIsRefused) {
    const fs::path dir = test::media::scratch_dir();
    const std::string bytes = test::read_file(fixture("video.mp4"));
    const auto first_fragment = bytes.find("moof");
    ASSERT_NE(first_fragment, std::string::npos);
    const fs::path init = dir / "init.mp4";
    test::write_file(init, bytes.substr(0, first_fragment - 4));
    const Error error = mux_error({init}, dir / "movie.mp4");
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_NE(error.message.find(init.string()), std::string::npos) << error.message;
    expect_nothing_left(dir / "movie.mp4");
}

TEST(MuxFailure, NoInputsIsAnError) {
    const fs::path output = test::media::scratch_dir() / "movie.mp4";
    auto result = mux({}, output);
    ASSERT_TRUE(std::holds_alternative<Error>(result));
    expect_nothing_left(output);
}

}  // namespace
}  // namespace arina::mux
