// How a stream download ends. The last fragments of a VOD stream cut into two pieces, so the
// last round keeps every connection busy: ranges asked and answered, servers that ignore Range,
// a short last fragment. The mux that follows the download: inputs it must read back in, and
// the fall-back to muxing the finished files when it fails.

#include <fstream>

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;
namespace fs = std::filesystem;

constexpr int kSegments = 8;

// One MPEG-TS file cut at 188-byte packet boundaries into `kSegments` HLS segments (their
// concatenation is the file again), the last one `last_share` of the others' size. Segments of
// ~600 KiB: large enough to be cut in two.
void make_stream(const fs::path& root, double last_share) {
    fs::create_directories(root);
    const fs::path ts = root / "source.ts";
    ASSERT_TRUE(media_fx::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i",
                                  "sine=frequency=440:sample_rate=44100", "-t", "8", "-c:v", "libx264", "-preset",
                                  "ultrafast", "-b:v", "5M", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f",
                                  "mpegts", ts.string()}));
    const std::string bytes = read_file(ts);
    const std::size_t packets = bytes.size() / 188;
    const double unit = static_cast<double>(packets) / (kSegments - 1 + last_share);
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    std::size_t from = 0;
    for (int i = 0; i < kSegments; ++i) {
        const std::size_t to = i + 1 == kSegments ? packets : static_cast<std::size_t>(unit * (i + 1));
        write_file(root / ("seg" + std::to_string(i) + ".ts"), bytes.substr(from * 188, (to - from) * 188));
        playlist += "#EXTINF:1.0,\nseg" + std::to_string(i) + ".ts\n";
        from = to;
    }
    playlist += "#EXT-X-ENDLIST\n";
    write_file(root / "index.m3u8", playlist);
    fs::remove(ts);
}

TEST_F(StreamTest, LastFragmentsAreFetchedInTwoPiecesThatMakeTheWholeFragment) {
    make_stream(dir / "www/tail", 1.0);
    server.serve_directory("/tail", dir / "www/tail");
    auto job = job_for("/tail/index.m3u8");
    job.connections = 4;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    const auto s = media_fx::summarize(r.file);
    EXPECT_NEAR(s.duration, 8.0, 0.5);
    EXPECT_EQ(s.codecs, "h264,aac");
    // The first six whole; the last two (half as many as connections) as two ranges each, which
    // together are exactly the segment.
    for (int i = 0; i < kSegments; ++i) {
        const std::string path = "/tail/seg" + std::to_string(i) + ".ts";
        const auto requests = server.requests_for(path);
        const auto size = static_cast<std::int64_t>(fs::file_size(dir / "www/tail" / ("seg" + std::to_string(i) + ".ts")));
        if (i < kSegments - 2) {
            ASSERT_EQ(requests.size(), 1u) << path;
            EXPECT_EQ(requests[0].range_header, "") << path;
            continue;
        }
        ASSERT_EQ(requests.size(), 2u) << path;
        std::vector<std::string> ranges{requests[0].range_header, requests[1].range_header};
        std::sort(ranges.begin(), ranges.end());
        const auto mid = std::stoll(ranges[0].substr(ranges[0].find('-') + 1)) + 1;
        EXPECT_EQ(ranges[0], "bytes=0-" + std::to_string(mid - 1)) << path;
        EXPECT_EQ(ranges[1], "bytes=" + std::to_string(mid) + "-" + std::to_string(size - 1)) << path;
        EXPECT_GT(mid, size / 4) << path;
        EXPECT_EQ(server.body_bytes_sent(path), size) << path;  // nothing fetched twice
    }
}

TEST_F(StreamTest, ALastFragmentShorterThanAFirstPieceIsFetchedOnceAndWhole) {
    make_stream(dir / "www/tail", 0.2);
    server.serve_directory("/tail", dir / "www/tail");
    auto job = job_for("/tail/index.m3u8");
    job.connections = 4;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, 8.0, 0.5);
    const std::string last = "/tail/seg" + std::to_string(kSegments - 1) + ".ts";
    const auto requests = server.requests_for(last);
    ASSERT_EQ(requests.size(), 1u);  // its answer said it was all there: no second piece
    EXPECT_NE(requests[0].range_header, "");
    EXPECT_EQ(server.body_bytes_sent(last),
              static_cast<std::int64_t>(fs::file_size(dir / "www/tail" / ("seg" + std::to_string(kSegments - 1) + ".ts"))));
}

TEST_F(StreamTest, AServerIgnoringRangeSendsTheWholeFragmentForTheFirstPieceAndNoSecond) {
    make_stream(dir / "www/tail", 1.0);
    testing::Faults faults;
    faults.ignore_range = true;
    server.serve_directory("/tail", dir / "www/tail", faults);
    auto job = job_for("/tail/index.m3u8");
    job.connections = 4;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, 8.0, 0.5);
    EXPECT_EQ(media_fx::summarize(r.file).codecs, "h264,aac");
    for (int i = kSegments - 2; i < kSegments; ++i) {
        const std::string path = "/tail/seg" + std::to_string(i) + ".ts";
        EXPECT_EQ(server.requests_for(path).size(), 1u) << path;
        EXPECT_EQ(server.body_bytes_sent(path),
                  static_cast<std::int64_t>(fs::file_size(dir / "www/tail" / ("seg" + std::to_string(i) + ".ts"))));
    }
}

// An MP4 with its index at the end, cut into "segments": the muxer following the download only
// learns where the samples are at the very end, and must go back for them.
TEST_F(StreamTest, AnMp4WithItsIndexAtTheEndIsMuxed) {
    const fs::path root = dir / "www/late_index";
    fs::create_directories(root);
    const fs::path mp4 = root / "source.mp4";
    ASSERT_TRUE(media_fx::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
                                  "sine=frequency=440:sample_rate=44100", "-t", "4", "-c:v", "libx264", "-preset",
                                  "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mp4", mp4.string()}));
    const std::string bytes = read_file(mp4);
    ASSERT_EQ(bytes.find("moov"), bytes.rfind("moov"));
    ASSERT_GT(bytes.find("moov"), bytes.find("mdat"));  // the index is at the end
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    for (std::size_t i = 0, from = 0; i < 4; ++i) {
        const std::size_t to = i == 3 ? bytes.size() : bytes.size() * (i + 1) / 4;
        write_file(root / ("part" + std::to_string(i) + ".mp4"), bytes.substr(from, to - from));
        playlist += "#EXTINF:1.0,\npart" + std::to_string(i) + ".mp4\n";
        from = to;
    }
    write_file(root / "index.m3u8", playlist + "#EXT-X-ENDLIST\n");
    server.serve_directory("/late", root);
    const auto r = run(job_for("/late/index.m3u8"));
    EXPECT_STREAM_OK(r);
    const auto s = media_fx::summarize(r.file);
    EXPECT_NEAR(s.duration, 4.0, 0.5);
    EXPECT_EQ(s.codecs, "h264,aac");
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(out())) left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"index.mp4"});
}

// A codec the chosen container cannot carry: the mux that follows the download fails, so does the
// mux of the finished files, and its message is the download's error. Matroska takes it.
TEST_F(StreamTest, ACodecTheContainerCannotCarryFailsWithTheMuxersMessage) {
    const fs::path root = dir / "www/vorbis";
    fs::create_directories(root);
    const fs::path webm = root / "source.webm";
    ASSERT_TRUE(media_fx::ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i",
                                  "sine=frequency=440:sample_rate=44100", "-t", "2", "-c:v", "libvpx-vp9", "-deadline",
                                  "realtime", "-c:a", "libvorbis", "-f", "webm", webm.string()}));
    const std::string bytes = read_file(webm);
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    for (std::size_t i = 0, from = 0; i < 2; ++i) {
        const std::size_t to = i == 1 ? bytes.size() : bytes.size() / 2;
        write_file(root / ("part" + std::to_string(i) + ".webm"), bytes.substr(from, to - from));
        playlist += "#EXTINF:1.0,\npart" + std::to_string(i) + ".webm\n";
        from = to;
    }
    write_file(root / "index.m3u8", playlist + "#EXT-X-ENDLIST\n");
    server.serve_directory("/vorbis", root);
    auto job = job_for("/vorbis/index.m3u8");
    const auto r = run(job);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error.reason, FailReason::Unsupported);
    EXPECT_EQ(r.error.message, "stream #1 of " + (out() / "index.mp4.av.part").string() +
                                   " (vorbis) cannot go into MP4; choose Matroska (mkv)");
    EXPECT_FALSE(fs::exists(out() / "index.mp4"));
    EXPECT_FALSE(fs::exists(out() / "index.mp4.tmp"));

    job.merge_format = mux::Container::Mkv;
    const auto mkv = run(job);
    EXPECT_STREAM_OK(mkv);
    EXPECT_EQ(media_fx::summarize(mkv.file).codecs, "vp9,vorbis");
}

}  // namespace
}  // namespace arina::test
