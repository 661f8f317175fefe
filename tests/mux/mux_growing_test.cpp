// mux() following files that are still being written (GrowingInput), as a stream download does:
// a writer thread appends the inputs in small steps while the mux reads behind it.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "media_fixtures.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

std::multiset<std::string> codecs(const nlohmann::json& probe) {
    std::multiset<std::string> names;
    for (const auto& stream : probe["streams"]) names.insert(stream.value("codec_name", "?"));
    return names;
}

double duration(const fs::path& file) {
    return std::stod(test::media::ffprobe(file)["format"]["duration"].get<std::string>());
}

// Copies each source to its part file in steps of `step` bytes, extending the GrowingInput after each
// step (and pausing a little, so the mux really waits), then finishes them. Bounded by the sizes.
void write_in_steps(const std::vector<std::pair<std::string, fs::path>>& copies,
                    const std::vector<std::shared_ptr<GrowingInput>>& growing, std::size_t step) {
    std::vector<std::ofstream> outs;
    for (const auto& [bytes, part] : copies) outs.emplace_back(part, std::ios::binary | std::ios::app);
    bool more = true;
    for (std::size_t offset = 0; more; offset += step) {
        more = false;
        for (std::size_t i = 0; i < copies.size(); ++i) {
            const std::string& bytes = copies[i].first;
            if (offset >= bytes.size()) continue;
            const std::size_t n = std::min(step, bytes.size() - offset);
            outs[i].write(bytes.data() + offset, static_cast<std::streamsize>(n));
            outs[i].flush();
            growing[i]->extend(static_cast<std::int64_t>(offset + n));
            more = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (const auto& g : growing) g->finish();
}

std::variant<MuxReport, Error> mux_growing(const std::vector<fs::path>& sources, const fs::path& output,
                                           std::size_t step, MuxOptions options = {}) {
    std::vector<std::pair<std::string, fs::path>> copies;
    std::vector<std::shared_ptr<GrowingInput>> growing;
    std::vector<MuxInput> inputs;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const fs::path part = output.parent_path() / ("input" + std::to_string(i) + ".part");
        std::ofstream(part, std::ios::binary | std::ios::trunc).close();
        copies.emplace_back(test::read_file(sources[i]), part);
        growing.push_back(std::make_shared<GrowingInput>());
        inputs.push_back({part, growing.back()});
    }
    std::thread writer([&] { write_in_steps(copies, growing, step); });
    auto result = mux(inputs, output, options);
    writer.join();
    return result;
}

TEST(MuxGrowing, TransportStreamWrittenWhileMuxedGivesTheSamePacketsAsAfterwards) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path source = fixture("av.ts");
    auto result = mux_growing({source}, dir / "following.mp4", 4096);
    ASSERT_TRUE(std::holds_alternative<MuxReport>(result)) << std::get<Error>(result).message;
    auto classic = mux({{source}}, dir / "classic.mp4", {});
    ASSERT_TRUE(std::holds_alternative<MuxReport>(classic));
    // The same packets at the same times. (Not byte-identical: without the file's end, libavformat
    // takes AAC packet durations from the 90 kHz timestamps, 1023 or 1024 samples instead of 1024,
    // so audio times may differ by a fraction of a millisecond.)
    const auto following = test::media::packet_dts(dir / "following.mp4");
    const auto classic_dts = test::media::packet_dts(dir / "classic.mp4");
    ASSERT_EQ(following.size(), classic_dts.size());
    for (const auto& [stream, dts] : classic_dts) {
        ASSERT_EQ(following.at(stream).size(), dts.size()) << "stream " << stream;
        for (std::size_t i = 0; i < dts.size(); ++i)
            ASSERT_NEAR(following.at(stream)[i], dts[i], 0.001) << "stream " << stream << " packet " << i;
    }
    EXPECT_EQ(codecs(test::media::ffprobe(dir / "following.mp4")),
              (std::multiset<std::string>{"aac", "h264"}));
    EXPECT_NEAR(duration(dir / "following.mp4"), duration(source), 0.1);
}

TEST(MuxGrowing, SeparateVideoAndAudioWrittenWhileMuxed) {
    const fs::path dir = test::media::scratch_dir();
    auto result = mux_growing({fixture("video.mp4"), fixture("audio.mp4")}, dir / "movie.mp4", 2048);
    ASSERT_TRUE(std::holds_alternative<MuxReport>(result)) << std::get<Error>(result).message;
    const auto& report = std::get<MuxReport>(result);
    EXPECT_EQ(report.video_streams, 1);
    EXPECT_EQ(report.audio_streams, 1);
    EXPECT_NEAR(duration(dir / "movie.mp4"), 4.0, 0.1);
    EXPECT_EQ(test::media::decode_errors(dir / "movie.mp4"), "");
}

TEST(MuxGrowing, AbandonedInputEndsTheMuxAsCancelledAndLeavesNoOutput) {
    const fs::path dir = test::media::scratch_dir();
    const fs::path part = dir / "input.part";
    const std::string bytes = test::read_file(fixture("av.ts"));
    {
        std::ofstream out(part, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
    }
    auto growing = std::make_shared<GrowingInput>(static_cast<std::int64_t>(bytes.size() / 2));
    std::thread abandoner([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        growing->abandon();
    });
    auto result = mux({{part, growing}}, dir / "movie.mp4", {});
    abandoner.join();
    ASSERT_TRUE(std::holds_alternative<Error>(result));
    EXPECT_EQ(std::get<Error>(result).reason, FailReason::Cancelled);
    EXPECT_EQ(std::get<Error>(result).message,
              "reading " + part.string() + " while it downloads was abandoned");
    EXPECT_FALSE(fs::exists(dir / "movie.mp4"));
    EXPECT_FALSE(fs::exists(dir / "movie.mp4.tmp"));
}

TEST(GrowingInput, WaitsForBytesBeyondTheOffsetUntilFinishedOrAbandoned) {
    GrowingInput input(10);
    EXPECT_EQ(input.wait_beyond(5).end, 10);
    std::thread writer([&] {
        input.extend(20);
        input.extend(15);  // never shrinks
        input.finish();
    });
    const auto extent = input.wait_beyond(25);  // beyond the final extent: returns once final
    writer.join();
    EXPECT_EQ(extent.end, 20);
    EXPECT_TRUE(extent.final);
    input.abandon();
    EXPECT_TRUE(input.wait_beyond(100).abandoned);
}

}  // namespace
}  // namespace arina::mux
