// A finished stream is never thrown away: fragments that libavformat cannot read as media are kept
// unmuxed (concatenated in order, under an extension that says what they are) and the download
// succeeds with a warning; media that was read but cannot go into the container fails with
// MuxFailed (exit code 16) and keeps its part files.

#include "download_fixture.hpp"
#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace fs = std::filesystem;
namespace media_fx = stream_media;

// Three "segments" no demuxer recognises, as a proprietary packager might send them. Printable
// text: random bytes could hold the sync words of raw MP3/AAC/AC-3 frames, which libavformat
// would then read as (garbage) audio.
std::vector<std::string> opaque_segments() {
    std::vector<std::string> out;
    for (int i = 0; i < 3; ++i) {
        std::string bytes = "OPAQUE-MEDIA-V1 segment " + std::to_string(i) + "\n";
        for (int line = 0; bytes.size() < 20'000u + 1000u * static_cast<unsigned>(i); ++line)
            bytes += "payload line " + std::to_string(line * 7919 % 100003) + " of segment " +
                     std::to_string(i) + "\n";
        out.push_back(std::move(bytes));
    }
    return out;
}

std::string playlist_of(std::size_t segments, const std::string& extension) {
    std::string text = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n";
    for (std::size_t i = 0; i < segments; ++i)
        text += "#EXTINF:2.000,\nseg" + std::to_string(i) + "." + extension + "\n";
    return text + "#EXT-X-ENDLIST\n";
}

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

void serve_opaque_stream(testing::TestServer& server, const std::vector<std::string>& segments) {
    server.serve_bytes("/opaque/index.m3u8", playlist_of(segments.size(), "ts"));
    for (std::size_t i = 0; i < segments.size(); ++i)
        server.serve_bytes("/opaque/seg" + std::to_string(i) + ".ts", segments[i],
                           {.content_type = "video/mp2t"});
}

TEST_F(StreamTest, FragmentsThatAreNotMediaAreKeptConcatenatedInOrder) {
    const auto segments = opaque_segments();
    serve_opaque_stream(server, segments);
    auto job = job_for("/opaque/index.m3u8");
    job.connections = 3;
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "index.bin");
    EXPECT_EQ(sha256_file_hex(r.file).value_or("missing"),
              sha256_hex(segments[0] + segments[1] + segments[2]));
    EXPECT_EQ(r.size,
              static_cast<std::int64_t>(segments[0].size() + segments[1].size() + segments[2].size()));
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("could not be read as media"), std::string::npos) << r.warnings[0];
    EXPECT_NE(r.warnings[0].find("kept unmuxed"), std::string::npos) << r.warnings[0];
    EXPECT_NE(r.warnings[0].find((out() / "index.bin").string()), std::string::npos) << r.warnings[0];
    // No part file, sidecar or half-written output is left behind.
    EXPECT_EQ(files_in(out()), std::vector<std::string>{"index.bin"});
}

// MPEG-TS packets (sync bytes every 188 bytes) whose payload no demuxer makes sense of keep ".ts";
// an existing file of that name is never replaced.
TEST_F(StreamTest, UnreadableTransportStreamKeepsItsExtensionAndNeverReplacesAFile) {
    std::string ts;
    for (int packet = 0; packet < 300; ++packet) {
        std::string p(188, '\xff');
        p[0] = '\x47';
        p[1] = '\x1f';  // PID 0x1fff: null packets only, no program, no stream
        p[2] = '\xff';
        p[3] = static_cast<char>(0x10 | (packet & 0x0f));
        ts += p;
    }
    const std::vector<std::string> segments{ts.substr(0, 188 * 150), ts.substr(188 * 150)};
    serve_opaque_stream(server, segments);
    fs::create_directories(out());
    write_file(out() / "index.ts", "someone else's file");
    const auto r = run(job_for("/opaque/index.m3u8"));
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "index-1.ts");
    EXPECT_EQ(sha256_file_hex(r.file).value_or("missing"), sha256_hex(ts));
    EXPECT_EQ(read_file(out() / "index.ts"), "someone else's file");
    EXPECT_EQ(files_in(out()), (std::vector<std::string>{"index-1.ts", "index.ts"}));
}

TEST_F(DownloadTest, TheCommandKeepsUnreadableFragmentsSaysSoAndExitsZero) {
    const auto segments = opaque_segments();
    serve_opaque_stream(server, segments);
    const auto r = arina({"-f", "best", server.url("/opaque/index.m3u8")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("index.bin"), sha256_hex(segments[0] + segments[1] + segments[2]));
    EXPECT_NE(r.output.find("arina: warning: the stream could not be read as media"), std::string::npos)
        << r.output;
    EXPECT_FALSE(exists("index.mp4"));
    EXPECT_FALSE(exists("index.mp4.stream.arina"));
}

// A page answering where a segment belongs (a session that expired, once) is a failed attempt of
// that fragment: the retry brings the segment, and the kept bytes are exactly the three segments.
TEST_F(DownloadTest, APageAnsweringForASegmentIsNeverBytesInTheOutput) {
    const auto segments = opaque_segments();
    serve_opaque_stream(server, segments);
    server.set_faults("/opaque/seg1.ts",
                      {.content_type = "video/mp2t", .page_after_requests = 0, .page_requests = 1});
    const auto r = arina({server.url("/opaque/index.m3u8")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("index.bin"), sha256_hex(segments[0] + segments[1] + segments[2]));
    const auto seg1 = server.requests_for("/opaque/seg1.ts");
    ASSERT_EQ(seg1.size(), 2u);
    EXPECT_EQ(seg1[0].status, 200);
    EXPECT_EQ(seg1[0].body_bytes_sent, 51);  // the page
    EXPECT_EQ(seg1[1].body_bytes_sent, static_cast<std::int64_t>(segments[1].size()));

    // A page on every try, fragments skipped on request: the page is left out like any failure.
    server.set_faults("/opaque/seg1.ts", {.content_type = "video/mp2t", .page_after_requests = 0});
    std::filesystem::remove(dir / "index.bin");
    const auto skipped = arina({"--skip-unavailable-fragments", server.url("/opaque/index.m3u8")});
    ASSERT_EQ(skipped.exit_code, 0) << skipped.output;
    EXPECT_EQ(file_sha("index.bin"), sha256_hex(segments[0] + segments[2]));
    // Said without -v too: a left-out fragment is never silent.
    EXPECT_NE(skipped.output.find("arina: warning: the output lacks fragments that kept failing "
                                  "(--skip-unavailable-fragments): av fragment 2\n"),
              std::string::npos)
        << skipped.output;
    const auto verbose =
        arina({"-v", "--force-overwrites", "--skip-unavailable-fragments", server.url("/opaque/index.m3u8")});
    EXPECT_NE(verbose.output.find("fragment 2 of 3 (" + server.url("/opaque/seg1.ts") +
                                  "): server answered HTTP 200 with text/html where a media segment was "
                                  "expected"),
              std::string::npos)
        << verbose.output;
}

// Opaque segments behind a master playlist with a separate audio rendition. Each media playlist
// has its own segments; the audio's are AES-128 encrypted, and are kept decrypted.
class UnmuxedMasterTest : public DownloadTest {
  protected:
    std::vector<std::string> video = opaque_segments();
    std::vector<std::string> audio;

    void SetUp() override {
        for (int i = 0; i < 2; ++i)
            audio.push_back("OPAQUE-AUDIO " +
                            std::string(static_cast<std::size_t>(5000 + 37 * i), static_cast<char>('a' + i)));
        const fs::path www = dir / "www";
        fs::create_directories(www);
        write_file(
            www / "master.m3u8",
            "#EXTM3U\n"
            "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=YES,"
            "AUTOSELECT=YES,URI=\"audio.m3u8\"\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS=\"avc1.64001f\",RESOLUTION=640x360,AUDIO=\"aud\"\n"
            "video.m3u8\n");
        write_file(www / "video.m3u8", playlist_of(video.size(), "ts"));
        for (std::size_t i = 0; i < video.size(); ++i)
            write_file(www / ("seg" + std::to_string(i) + ".ts"), video[i]);
        const std::string key_hex = "000102030405060708090a0b0c0d0e0f";
        const std::string iv_hex = "f0e0d0c0b0a090807060504030201000";
        std::string key;
        for (std::size_t i = 0; i < key_hex.size(); i += 2)
            key += static_cast<char>(std::stoi(key_hex.substr(i, 2), nullptr, 16));
        write_file(www / "audio.key", key);
        std::string text =
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-KEY:METHOD=AES-128,URI=\"audio.key\",IV=0x" +
            iv_hex + "\n";
        for (std::size_t i = 0; i < audio.size(); ++i) {
            const auto plain = dir / ("plain" + std::to_string(i));
            write_file(plain, audio[i]);
            const auto enc = www / ("a" + std::to_string(i) + ".aac");
            const auto r = run_program({"/usr/bin/openssl", "enc", "-aes-128-cbc", "-K", key_hex, "-iv",
                                        iv_hex, "-in", plain.string(), "-out", enc.string()});
            ASSERT_EQ(r.exit_code, 0) << r.output;
            ASSERT_NE(read_file(enc), audio[i]);
            text += "#EXTINF:2.000,\na" + std::to_string(i) + ".aac\n";
        }
        write_file(www / "audio.m3u8", text + "#EXT-X-ENDLIST\n");
        server.serve_directory("/m", www);
    }

    std::vector<std::string> kept() const {
        std::vector<std::string> names;
        for (const auto& name : files_in(dir.path()))
            if (name != "www" && !name.starts_with("plain")) names.push_back(name);
        return names;
    }
};

TEST_F(UnmuxedMasterTest, VideoAndAudioAreKeptAsTwoFiles) {
    const auto r = arina({server.url("/m/master.m3u8")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(kept(), (std::vector<std::string>{"master.audio.bin", "master.video.bin"})) << r.output;
    EXPECT_EQ(file_sha("master.video.bin"), sha256_hex(video[0] + video[1] + video[2]));
    EXPECT_EQ(file_sha("master.audio.bin"), sha256_hex(audio[0] + audio[1]));
    EXPECT_NE(r.output.find("arina: warning: the stream could not be read as media"), std::string::npos)
        << r.output;
}

// -f choices that select one stream fall back the same way: one file under the stream's extension.
TEST_F(UnmuxedMasterTest, AFormatChoiceOfOneStreamIsKeptTheSameWay) {
    const auto a = arina({"-f", "hls-audio-aud-English", server.url("/m/master.m3u8")});
    ASSERT_EQ(a.exit_code, 0) << a.output;
    EXPECT_EQ(kept(), std::vector<std::string>{"master.bin"}) << a.output;
    EXPECT_EQ(file_sha("master.bin"), sha256_hex(audio[0] + audio[1]));
    EXPECT_NE(a.output.find("arina: warning: the stream could not be read as media"), std::string::npos)
        << a.output;
    fs::remove(dir / "master.bin");

    const auto v = arina({"-f", "bestvideo", server.url("/m/master.m3u8")});
    ASSERT_EQ(v.exit_code, 0) << v.output;
    EXPECT_EQ(kept(), std::vector<std::string>{"master.bin"}) << v.output;
    EXPECT_EQ(file_sha("master.bin"), sha256_hex(video[0] + video[1] + video[2]));
}

// Vorbis audio is media libavformat reads, but MP4 cannot carry it: that is a mux failure (exit 16),
// not data to keep unmuxed, and the part file stays for a rerun in Matroska.
TEST_F(DownloadTest, MediaThatCannotBeMuxedExitsWith16AndKeepsThePartFiles) {
    const fs::path www = dir / "www";
    fs::create_directories(www);
    ASSERT_TRUE(media_fx::ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "2",
                                  "-c:a", "libvorbis", "-f", "webm", (www / "seg0.webm").string()}));
    write_file(www / "index.m3u8", playlist_of(1, "webm"));
    server.serve_directory("/vorbis", www);
    const auto r = arina({server.url("/vorbis/index.m3u8")});
    EXPECT_EQ(r.exit_code, 16) << r.output;
    EXPECT_NE(r.output.find("(vorbis) cannot go into MP4; choose Matroska (mkv)"), std::string::npos)
        << r.output;
    EXPECT_FALSE(exists("index.mp4"));
    EXPECT_FALSE(exists("index.bin"));
    EXPECT_TRUE(exists("index.mp4.av.part"));
    EXPECT_TRUE(exists("index.mp4.stream.arina"));
}

}  // namespace
}  // namespace arina::test
