// The pure pieces of stream downloads: manifest detection, AES-128 decryption, the reorder window,
// the resume sidecar and output names.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "media/manifest_detect.hpp"
#include "stream/aes_decryptor.hpp"
#include "stream/reorder_window.hpp"
#include "stream/stream_download.hpp"
#include "stream/stream_sidecar.hpp"
#include "support/test_support.hpp"

namespace arina::stream {
namespace {

// media/manifest_detect.hpp: the one "is this a manifest" for the extractors and the downloader.
TEST(ManifestDetect, Extensions) {
    using media::M3u;
    using media::manifest_kind_of_url;
    const auto hls = media::ManifestKind::Hls;
    EXPECT_EQ(manifest_kind_of_url("https://cdn.example/live/index.m3u8"), hls);
    EXPECT_EQ(manifest_kind_of_url("https://cdn.example/a/MASTER.M3U8?token=abc#t=1"), hls);
    EXPECT_EQ(manifest_kind_of_url("http://x/manifest.mpd?sig=1"), media::ManifestKind::Dash);
    // A bare .m3u is HLS only where the user gave it to download; on a page it is as often MP3s.
    EXPECT_EQ(manifest_kind_of_url("http://x/list.m3u", M3u::WithM3u), hls);
    EXPECT_EQ(manifest_kind_of_url("http://x/list.m3u"), std::nullopt);
    for (const auto m3u : {M3u::Strict, M3u::WithM3u}) {
        EXPECT_EQ(manifest_kind_of_url("http://x/video.mp4", m3u), std::nullopt);
        EXPECT_EQ(manifest_kind_of_url("http://x/get?file=a.m3u8", m3u), std::nullopt);
        EXPECT_EQ(manifest_kind_of_url("http://x/m3u8", m3u), std::nullopt);
        EXPECT_EQ(manifest_kind_of_url("http://x/.m3u8", m3u), std::nullopt);
        EXPECT_EQ(manifest_kind_of_url("https://live.m3u8/", m3u), std::nullopt);  // the host never counts
    }
}

TEST(ManifestDetect, ContentTypes) {
    using media::manifest_kind_of_type;
    EXPECT_EQ(manifest_kind_of_type("application/vnd.apple.mpegurl"), media::ManifestKind::Hls);
    EXPECT_EQ(manifest_kind_of_type("Application/X-MpegURL; charset=utf-8"), media::ManifestKind::Hls);
    EXPECT_EQ(manifest_kind_of_type(" application/dash+xml "), media::ManifestKind::Dash);
    EXPECT_EQ(manifest_kind_of_type("audio/mpegurl"), media::ManifestKind::Hls);
    EXPECT_EQ(manifest_kind_of_type("audio/x-mpegurl"), media::ManifestKind::Hls);
    EXPECT_EQ(manifest_kind_of_type("video/mp2t"), std::nullopt);
    EXPECT_EQ(manifest_kind_of_type("text/plain"), std::nullopt);
    EXPECT_EQ(manifest_kind_of_type(""), std::nullopt);
}

TEST(ManifestDetect, Sniffing) {
    using media::sniff_manifest;
    EXPECT_EQ(sniff_manifest("#EXTM3U\n#EXT-X-VERSION:3\n"), media::ManifestKind::Hls);
    EXPECT_EQ(sniff_manifest("\xEF\xBB\xBF  \r\n#EXTM3U\n"), media::ManifestKind::Hls);
    EXPECT_EQ(sniff_manifest("<?xml version=\"1.0\"?>\n<MPD type=\"static\">"), media::ManifestKind::Dash);
    // The root element after a long comment, within the first 4 KiB.
    EXPECT_EQ(sniff_manifest("<!--" + std::string(3000, '-') + "-->\n<MPD>"), media::ManifestKind::Dash);
    EXPECT_EQ(sniff_manifest("<!--" + std::string(5000, '-') + "-->\n<MPD>"), std::nullopt);
    EXPECT_EQ(sniff_manifest("<html><body>404</body></html>"), std::nullopt);
    EXPECT_EQ(sniff_manifest("text #EXTM3U"), std::nullopt);
    EXPECT_EQ(sniff_manifest(""), std::nullopt);
}

// Encrypts with OpenSSL the way an HLS packager does (AES-128-CBC, PKCS#7).
std::string encrypt(const std::string& plain, const AesKey& key, const AesIv& iv) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), nullptr, key.data(), iv.data());
    std::string out(plain.size() + 16, '\0');
    int n = 0, m = 0;
    EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                      reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &m);
    EVP_CIPHER_CTX_free(ctx);
    out.resize(static_cast<std::size_t>(n + m));
    return out;
}

TEST(StreamAes, DecryptsInArbitraryPieces) {
    const AesKey key{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const AesIv iv = media::effective_iv(media::Encryption{}, 17);
    for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 188u * 100u, 1u << 20}) {
        const std::string plain = test::random_bytes(size, static_cast<unsigned>(size));
        const std::string cipher = encrypt(plain, key, iv);
        EXPECT_EQ(cipher.size() % 16, 0u);
        Aes128CbcDecryptor d(key, iv);
        std::string out;
        for (std::size_t at = 0, step = 1; at < cipher.size(); at += step, step = step * 3 % 1000 + 1)
            d.update(std::span(cipher).subspan(at, std::min(step, cipher.size() - at)), out);
        ASSERT_FALSE(d.finish(out)) << size;
        EXPECT_EQ(out, plain) << size;
        auto whole = decrypt_aes128_cbc(cipher, key, iv);
        ASSERT_TRUE(std::holds_alternative<std::string>(whole));
        EXPECT_EQ(std::get<std::string>(whole), plain);
    }
}

TEST(StreamAes, WrongKeyOrTruncationIsABadResponse) {
    const AesKey key{1};
    const AesKey other{2};
    const AesIv iv{};
    const std::string cipher = encrypt(std::string(1000, 'x'), key, iv);
    auto wrong = decrypt_aes128_cbc(cipher, other, iv);
    ASSERT_TRUE(std::holds_alternative<Error>(wrong));
    EXPECT_EQ(std::get<Error>(wrong).reason, FailReason::BadResponse);
    auto cut = decrypt_aes128_cbc(std::string_view(cipher).substr(0, 1000), key, iv);
    ASSERT_TRUE(std::holds_alternative<Error>(cut));
}

TEST(StreamReorderWindow, NextFragmentAlwaysStarts) {
    const WindowLimits w = window_limits(4, 0);
    EXPECT_EQ(w.max_held_bytes, 32 << 20);
    EXPECT_EQ(w.max_fragment_bytes, 16 << 20);
    EXPECT_EQ(w.max_ahead, 16);
    EXPECT_TRUE(may_start(w, 0, std::int64_t{1} << 40));  // a full window never blocks the next fragment
    EXPECT_TRUE(may_start(w, 5, 0));
    EXPECT_FALSE(may_start(w, 5, w.max_held_bytes));  // backpressure: full
    EXPECT_TRUE(may_start(w, 15, w.max_held_bytes - 1));
    EXPECT_FALSE(may_start(w, 16, 0));  // too far ahead
}

TEST(StreamReorderWindow, OversizedFragmentsWaitForTheirTurn) {
    const WindowLimits w = window_limits(2, 6 << 20);
    EXPECT_EQ(w.max_fragment_bytes, 4 << 20);               // at least 4 MiB
    EXPECT_FALSE(must_defer(w, 0, std::int64_t{1} << 40));  // the next one streams to disk
    EXPECT_FALSE(must_defer(w, 1, 4 << 20));
    EXPECT_TRUE(must_defer(w, 1, (4 << 20) + 1));
}

StreamResumeState sample_state() {
    StreamResumeState s;
    s.url = "https://cdn.example/master.m3u8?t=1";
    s.container = "mp4";
    TrackResume v{"hls-800000-0", "clip.mp4.video.part", 17, 1234567, 117, 60, "http://x/init.mp4", "ab12",
                  {3, 9}};
    TrackResume a{"hls-audio-aac-en", "clip.mp4.audio.part", 20, 99999, 120, 60, "", "", {}};
    s.tracks = {v, a};
    return s;
}

TEST(StreamSidecar, RoundTrips) {
    const auto s = sample_state();
    const std::string text = encode_stream_resume(s);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_NE(text.find("\"format\":\"arina-stream-resume\""), std::string::npos);
    auto decoded = decode_stream_resume(text);
    ASSERT_TRUE(std::holds_alternative<StreamResumeState>(decoded)) << std::get<Error>(decoded).message;
    EXPECT_EQ(std::get<StreamResumeState>(decoded), s);
}

TEST(StreamSidecar, RejectsEditsTruncationAndForeignFiles) {
    std::string text = encode_stream_resume(sample_state());
    std::string edited = text;
    edited.replace(edited.find("1234567"), 7, "1234568");
    for (const std::string& bad :
         {edited, text.substr(0, text.size() / 2), std::string("{}"), std::string("junk"),
          std::string("{\"format\":\"arina-resume\",\"checksum\":\"x\"}")}) {
        auto decoded = decode_stream_resume(bad);
        ASSERT_TRUE(std::holds_alternative<Error>(decoded)) << bad;
        EXPECT_EQ(std::get<Error>(decoded).reason, FailReason::Internal);
    }
    auto s = sample_state();
    s.tracks[0].file = "../escape.part";
    auto decoded = decode_stream_resume(encode_stream_resume(s));
    EXPECT_TRUE(std::holds_alternative<Error>(decoded));
}

TEST(StreamSidecar, SavesAndLoadsAtomically) {
    test::TempDir dir;
    const auto path = dir / "clip.mp4.stream.arina";
    EXPECT_TRUE(std::holds_alternative<std::monostate>(load_stream_resume(path)));
    ASSERT_FALSE(save_stream_resume(path, sample_state()));
    auto loaded = load_stream_resume(path);
    ASSERT_TRUE(std::holds_alternative<StreamResumeState>(loaded));
    EXPECT_EQ(std::get<StreamResumeState>(loaded), sample_state());
    test::write_file(path, "garbage");
    EXPECT_TRUE(std::holds_alternative<Error>(load_stream_resume(path)));
}

TEST(StreamOutputPath, NamesAndContainers) {
    StreamJob job;
    job.output_dir = "/out";
    job.url = "https://cdn.example/show/master.m3u8?token=1";
    mux::Container c{};
    EXPECT_EQ(output_path_for(job, c), "/out/master.mp4");
    EXPECT_EQ(c, mux::Container::Mp4);
    job.merge_format = mux::Container::Mkv;
    EXPECT_EQ(output_path_for(job, c), "/out/master.mkv");
    EXPECT_EQ(c, mux::Container::Mkv);
    job.output_name = "clip";
    EXPECT_EQ(output_path_for(job, c), "/out/clip.mkv");
    job.output_name = "clip.MP4";
    EXPECT_EQ(output_path_for(job, c), "/out/clip.MP4");
    EXPECT_EQ(c, mux::Container::Mp4);
    job.output_name = "/abs/x.mkv";
    EXPECT_EQ(output_path_for(job, c), "/abs/x.mkv");
    job.output_name.clear();
    job.url = "https://cdn.example/";
    job.merge_format = mux::Container::Mp4;
    EXPECT_EQ(output_path_for(job, c), "/out/stream.mp4");
}

}  // namespace
}  // namespace arina::stream
