// The pure pieces of stream downloads: manifest detection, AES-128 decryption, the reorder window,
// the resume sidecar and output names.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "stream/aes_decryptor.hpp"
#include "stream/manifest_url.hpp"
#include "stream/reorder_window.hpp"
#include "stream/stream_download.hpp"
#include "stream/stream_sidecar.hpp"
#include "support/test_support.hpp"

namespace arina::stream {
namespace {

TEST(StreamManifestUrl, Extensions) {
    EXPECT_TRUE(is_manifest_url("https://cdn.example/live/index.m3u8"));
    EXPECT_TRUE(is_manifest_url("https://cdn.example/a/MASTER.M3U8?token=abc#t=1"));
    EXPECT_TRUE(is_manifest_url("http://x/manifest.mpd?sig=1"));
    EXPECT_TRUE(is_manifest_url("http://x/list.m3u"));
    EXPECT_FALSE(is_manifest_url("http://x/video.mp4"));
    EXPECT_FALSE(is_manifest_url("http://x/get?file=a.m3u8"));
    EXPECT_FALSE(is_manifest_url("http://x/m3u8"));
}

TEST(StreamManifestUrl, ContentTypes) {
    EXPECT_TRUE(is_manifest_content_type("application/vnd.apple.mpegurl"));
    EXPECT_TRUE(is_manifest_content_type("Application/X-MpegURL; charset=utf-8"));
    EXPECT_TRUE(is_manifest_content_type(" application/dash+xml "));
    EXPECT_TRUE(is_manifest_content_type("audio/mpegurl"));
    EXPECT_FALSE(is_manifest_content_type("video/mp2t"));
    EXPECT_FALSE(is_manifest_content_type("text/plain"));
    EXPECT_FALSE(is_manifest_content_type(""));
}

TEST(StreamManifestUrl, Sniffing) {
    EXPECT_EQ(sniff_manifest("#EXTM3U\n#EXT-X-VERSION:3\n"), media::ManifestKind::Hls);
    EXPECT_EQ(sniff_manifest("\xEF\xBB\xBF  \r\n#EXTM3U\n"), media::ManifestKind::Hls);
    EXPECT_EQ(sniff_manifest("<?xml version=\"1.0\"?>\n<MPD type=\"static\">"), media::ManifestKind::Dash);
    EXPECT_EQ(sniff_manifest("<html><body>404</body></html>"), std::nullopt);
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
