// HLS stream downloads in-process: TS, fMP4, AES-128, byte ranges, a master playlist with a
// separate audio rendition. Fixtures are made with ffmpeg at test time.

#include "fixtures/stream_test_fixture.hpp"

namespace arina::test {
namespace {

namespace media_fx = stream_media;

constexpr double kClip = media_fx::kClipSeconds;

TEST_F(StreamTest, ClassicTsHlsBecomesAnMp4) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    auto job = job_for("/hls/index.m3u8");
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "index.mp4");
    EXPECT_EQ(r.size, static_cast<std::int64_t>(std::filesystem::file_size(r.file)));
    const auto s = media_fx::summarize(r.file);
    EXPECT_NEAR(s.duration, kClip, 0.5);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_EQ(s.codecs, "h264,aac");
    // Every segment exactly once; nothing left behind but the output.
    const auto segments = requests_like("/hls/seg", ".ts");
    EXPECT_EQ(segments.size(), static_cast<std::size_t>(kClip));
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::directory_iterator(out()))
        left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"index.mp4"});
}

TEST_F(StreamTest, SecondRunSaysAlreadyDownloaded) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    auto job = job_for("/hls/index.m3u8");
    EXPECT_STREAM_OK(run(job));
    server.clear_log();
    const auto again = run(job);
    EXPECT_STREAM_OK(again);
    EXPECT_TRUE(again.already_present);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(StreamTest, MkvOutputOnRequest) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/hls"));
    server.serve_directory("/hls", dir / "www/hls");
    auto job = job_for("/hls/index.m3u8");
    job.merge_format = mux::Container::Mkv;
    job.output_name = "clip";
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "clip.mkv");
    auto probed = mux::probe(r.file);
    ASSERT_TRUE(std::holds_alternative<mux::ProbeInfo>(probed));
    EXPECT_NE(std::get<mux::ProbeInfo>(probed).format.find("matroska"), std::string::npos);
}

TEST_F(StreamTest, Fmp4HlsWritesTheInitSectionOnce) {
    ASSERT_TRUE(media_fx::hls_fmp4(dir / "www/fmp4"));
    server.serve_directory("/fmp4", dir / "www/fmp4");
    const auto r = run(job_for("/fmp4/index.m3u8"));
    EXPECT_STREAM_OK(r);
    const auto s = media_fx::summarize(r.file);
    EXPECT_NEAR(s.duration, kClip, 0.5);
    EXPECT_EQ(s.codecs, "h264,aac");
    EXPECT_EQ(server.requests_for("/fmp4/init.mp4").size(), 1u);
    EXPECT_EQ(requests_like("/fmp4/seg", ".m4s").size(), static_cast<std::size_t>(kClip));
}

TEST_F(StreamTest, Aes128HlsDecryptsToTheClearSegments) {
    const std::string key = "0123456789abcdef";
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_encrypted(ts, dir / "www/enc", key));
    ASSERT_TRUE(media_fx::hls_ts(ts, dir / "www/clear"));
    // The encrypted segments really are encrypted, and segmenting is deterministic.
    ASSERT_NE(read_file(dir / "www/enc/seg0.ts"), read_file(dir / "www/clear/seg0.ts"));
    ASSERT_NE(read_file(dir / "www/enc/index.m3u8").find("METHOD=AES-128"), std::string::npos);
    server.serve_directory("/enc", dir / "www/enc");
    server.serve_directory("/clear", dir / "www/clear");

    auto enc = job_for("/enc/index.m3u8");
    enc.output_name = "enc";
    auto clear = job_for("/clear/index.m3u8");
    clear.output_name = "clear";
    const auto r1 = run(enc);
    EXPECT_STREAM_OK(r1);
    const auto r2 = run(clear);
    EXPECT_STREAM_OK(r2);
    // Same clear bytes in, same file out.
    EXPECT_EQ(sha256_file_hex(r1.file), sha256_file_hex(r2.file));
    EXPECT_NEAR(media_fx::summarize(r1.file).duration, kClip, 0.5);
    EXPECT_EQ(server.requests_for("/enc/key.bin").size(), 1u);  // fetched once, cached for all segments
}

TEST_F(StreamTest, ByteRangeHlsFetchesSubRangesOfOneFile) {
    const auto ts = media_fx::source_ts(dir.path());
    ASSERT_TRUE(media_fx::hls_byterange(ts, dir / "www/br"));
    ASSERT_NE(read_file(dir / "www/br/index.m3u8").find("#EXT-X-BYTERANGE"), std::string::npos);
    server.serve_directory("/br", dir / "www/br");
    auto job = job_for("/br/index.m3u8");
    job.output_name = "br";
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_NEAR(media_fx::summarize(r.file).duration, kClip, 0.5);
    const auto requests = server.requests_for("/br/all.ts");
    EXPECT_EQ(requests.size(), static_cast<std::size_t>(kClip));
    std::int64_t bytes = 0;
    for (const auto& q : requests) {
        EXPECT_FALSE(q.range_header.empty());
        EXPECT_EQ(q.status, 206);
        bytes += q.body_bytes_sent;
    }
    EXPECT_EQ(bytes, static_cast<std::int64_t>(std::filesystem::file_size(dir / "www/br/all.ts")));

    // A server that ignores Range: each fragment is cut out of the whole answer.
    server.set_faults("/br/all.ts", {.ignore_range = true});
    auto again = job_for("/br/index.m3u8");
    again.output_name = "br-norange";
    const auto r2 = run(again);
    EXPECT_STREAM_OK(r2);
    EXPECT_EQ(sha256_file_hex(r2.file), sha256_file_hex(r.file));
}

TEST_F(StreamTest, MasterPlaylistWithSeparateAudioRendition) {
    ASSERT_TRUE(media_fx::hls_master_with_audio(dir / "www/m"));
    server.serve_directory("/m", dir / "www/m");
    auto job = job_for("/m/master.m3u8");
    const auto r = run(job);
    EXPECT_STREAM_OK(r);
    EXPECT_EQ(r.file, out() / "master.mp4");
    const auto s = media_fx::summarize(r.file);
    EXPECT_EQ(s.video, 1);
    EXPECT_EQ(s.audio, 1);
    EXPECT_NEAR(s.duration, kClip, 0.5);
    EXPECT_EQ(server.requests_for("/m/p0.m3u8").size(), 1u);
    EXPECT_EQ(server.requests_for("/m/p1.m3u8").size(), 1u);
    EXPECT_EQ(requests_like("/m/s0_", ".ts").size(), static_cast<std::size_t>(kClip));
    EXPECT_GE(requests_like("/m/s1_", ".ts").size(), static_cast<std::size_t>(kClip));

    // -f bestvideo alone gives a silent video.
    auto only_video = job_for("/m/master.m3u8");
    only_video.format = "bestvideo";
    only_video.output_name = "silent";
    const auto v = run(only_video);
    EXPECT_STREAM_OK(v);
    const auto sv = media_fx::summarize(v.file);
    EXPECT_EQ(sv.video, 1);
    EXPECT_EQ(sv.audio, 0);
}

TEST_F(StreamTest, FormatListingNamesEveryStream) {
    ASSERT_TRUE(media_fx::hls_master_with_audio(dir / "www/m"));
    server.serve_directory("/m", dir / "www/m");
    auto job = job_for("/m/master.m3u8");
    job.list_formats = true;
    std::promise<transfer::DownloadResult> promise;
    stream::StreamDownload download(runtime.engine, runtime.disk, job,
                                    [&promise](const transfer::DownloadResult& r) { promise.set_value(r); });
    runtime.engine.post([&download] { download.start(); });
    const auto r = promise.get_future().get();
    EXPECT_STREAM_OK(r);
    const std::string table = download.format_listing();
    EXPECT_NE(table.find("ID"), std::string::npos) << table;
    EXPECT_NE(table.find("audio only"), std::string::npos) << table;
    EXPECT_NE(table.find("320x240"), std::string::npos) << table;
    EXPECT_FALSE(std::filesystem::exists(out() / "master.mp4"));
    EXPECT_TRUE(requests_like("/m/s", ".ts").empty());
}

}  // namespace
}  // namespace arina::test
