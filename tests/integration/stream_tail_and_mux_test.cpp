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

// Cuts `source` at the byte offsets `cuts` into files NAME0.EXT, NAME1.EXT, ... in `root`, listed
// by root/index.m3u8 as a VOD playlist: downloaded in order, they make `source` again.
void write_cut_stream(const fs::path& root, const fs::path& source, const std::vector<std::size_t>& cuts,
                      const std::string& name, const std::string& ext) {
    const std::string bytes = read_file(source);
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t to = i < cuts.size() ? cuts[i] : bytes.size();
        const std::string file = name + std::to_string(i) + "." + ext;
        write_file(root / file, bytes.substr(from, to - from));
        playlist += "#EXTINF:1.0,\n" + file + "\n";
        from = to;
    }
    write_file(root / "index.m3u8", playlist + "#EXT-X-ENDLIST\n");
    fs::remove(source);
}

// One MPEG-TS file cut at 188-byte packet boundaries into `kSegments` HLS segments, the last one
// `last_share` of the others' size. Segments of ~600 KiB: large enough to be cut in two.
void make_stream(const fs::path& root, double last_share) {
    fs::create_directories(root);
    const fs::path ts = root / "source.ts";
    ASSERT_TRUE(media_fx::ffmpeg({"-f",       "lavfi",     "-i",       "testsrc2=size=640x360:rate=25",
                                  "-f",       "lavfi",     "-i",       "sine=frequency=440:sample_rate=44100",
                                  "-t",       "8",         "-c:v",     "libx264",
                                  "-preset",  "ultrafast", "-b:v",     "5M",
                                  "-g",       "25",        "-pix_fmt", "yuv420p",
                                  "-c:a",     "aac",       "-f",       "mpegts",
                                  ts.string()}));
    const std::size_t packets = fs::file_size(ts) / 188;
    const double unit = static_cast<double>(packets) / (kSegments - 1 + last_share);
    std::vector<std::size_t> cuts;
    for (int i = 1; i < kSegments; ++i) cuts.push_back(static_cast<std::size_t>(unit * i) * 188);
    write_cut_stream(root, ts, cuts, "seg", "ts");
}

// A file made by ffmpeg with `args` (output format and codecs), cut into `parts` equal pieces.
void make_cut_file(const fs::path& root, const std::vector<std::string>& args, const std::string& ext,
                   int parts) {
    fs::create_directories(root);
    const fs::path file = root / ("source." + ext);
    std::vector<std::string> all{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                                 "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                                 "-t", "4"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back(file.string());
    ASSERT_TRUE(media_fx::ffmpeg(all));
    const auto size = fs::file_size(file);
    std::vector<std::size_t> cuts;
    for (int i = 1; i < parts; ++i)
        cuts.push_back(size * static_cast<std::size_t>(i) / static_cast<std::size_t>(parts));
    write_cut_stream(root, file, cuts, "part", ext);
}

class StreamTailTest : public StreamTest {
  protected:
    fs::path www() const { return dir / "www/tail"; }
    std::int64_t segment_size(int i) const {
        return static_cast<std::int64_t>(fs::file_size(www() / ("seg" + std::to_string(i) + ".ts")));
    }
    // The stream of make_stream() downloaded with 4 connections: its last two fragments are cut.
    transfer::DownloadResult run_tail(double last_share, testing::Faults faults = {}) {
        make_stream(www(), last_share);
        server.serve_directory("/tail", www(), faults);
        auto job = job_for("/tail/index.m3u8");
        job.connections = 4;
        auto r = run(job);
        EXPECT_FALSE(r.error) << r.error.message;
        const auto s = media_fx::summarize(r.file);
        EXPECT_NEAR(s.duration, 8.0, 0.5);
        EXPECT_EQ(s.codecs, "h264,aac");
        return r;
    }
};

TEST_F(StreamTailTest, LastFragmentsAreFetchedInTwoPiecesThatMakeTheWholeFragment) {
    run_tail(1.0);
    // The first six whole; the last two (half as many as connections) as two ranges each, which
    // together are exactly the segment.
    for (int i = 0; i < kSegments; ++i) {
        const std::string path = "/tail/seg" + std::to_string(i) + ".ts";
        const auto requests = server.requests_for(path);
        const auto size = segment_size(i);
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

TEST_F(StreamTailTest, ALastFragmentShorterThanAFirstPieceIsFetchedOnceAndWhole) {
    run_tail(0.2);
    const std::string last = "/tail/seg" + std::to_string(kSegments - 1) + ".ts";
    const auto requests = server.requests_for(last);
    ASSERT_EQ(requests.size(), 1u);  // its answer said it was all there: no second piece
    EXPECT_NE(requests[0].range_header, "");
    EXPECT_EQ(server.body_bytes_sent(last), segment_size(kSegments - 1));
}

TEST_F(StreamTailTest, AServerIgnoringRangeSendsTheWholeFragmentForTheFirstPieceAndNoSecond) {
    testing::Faults faults;
    faults.ignore_range = true;
    run_tail(1.0, faults);
    for (int i = kSegments - 2; i < kSegments; ++i) {
        const std::string path = "/tail/seg" + std::to_string(i) + ".ts";
        EXPECT_EQ(server.requests_for(path).size(), 1u) << path;
        EXPECT_EQ(server.body_bytes_sent(path), segment_size(i)) << path;
    }
}

// The last fragment changes on the server between the requests for its two halves: the halves are
// never spliced. The download fails naming the fragment; a rerun fetches that fragment whole.
TEST_F(StreamTailTest, AFragmentThatChangesBetweenItsHalvesIsNeverSpliced) {
    make_stream(www(), 1.0);
    server.serve_directory("/tail", www());
    const std::string last = "/tail/seg" + std::to_string(kSegments - 1) + ".ts";
    testing::Faults changes;
    changes.replacement_body = read_file(www() / "seg5.ts");  // another version: valid, and a different size
    changes.replace_after_requests = 1;
    server.serve_bytes(last, read_file(www() / ("seg" + std::to_string(kSegments - 1) + ".ts")), changes);
    auto job = job_for("/tail/index.m3u8");
    job.connections = 4;
    const auto first = run(job);
    ASSERT_TRUE(first.error);
    EXPECT_EQ(first.error.reason, FailReason::FragmentMissing);
    const std::string prefix = "fragment 8 of 8 (" + server.url(last) + " bytes ";
    EXPECT_TRUE(first.error.message.starts_with(prefix)) << first.error.message;
    EXPECT_TRUE(
        first.error.message.ends_with("): changed on the server between the two requests for its halves"))
        << first.error.message;
    EXPECT_FALSE(fs::exists(out() / "index.mp4"));

    server.clear_log();
    const auto again = run(job);
    EXPECT_STREAM_OK(again);
    const auto requests = server.requests_for(last);
    ASSERT_EQ(requests.size(), 1u);  // the changed fragment, whole
    EXPECT_EQ(requests[0].range_header, "");
    EXPECT_EQ(media_fx::summarize(again.file).codecs, "h264,aac");
}

// An MP4 with its index at the end, cut into "segments": the muxer following the download only
// learns where the samples are at the very end, and must go back for them.
TEST_F(StreamTest, AnMp4WithItsIndexAtTheEndIsMuxed) {
    const fs::path root = dir / "www/late_index";
    make_cut_file(
        root, {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mp4"},
        "mp4", 4);
    const std::string joined = read_file(root / "part0.mp4") + read_file(root / "part1.mp4") +
                               read_file(root / "part2.mp4") + read_file(root / "part3.mp4");
    ASSERT_EQ(joined.find("moov"), joined.rfind("moov"));
    ASSERT_GT(joined.find("moov"), joined.find("mdat"));  // the index is at the end
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
    make_cut_file(root, {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libvorbis", "-f", "webm"},
                  "webm", 2);
    server.serve_directory("/vorbis", root);
    auto job = job_for("/vorbis/index.m3u8");
    const auto r = run(job);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error.reason, FailReason::MuxFailed);
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
