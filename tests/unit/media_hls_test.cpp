#include <gtest/gtest.h>

#include <string>

#include "media/hls_attributes.hpp"
#include "media/hls_parser.hpp"
#include "media/limits.hpp"

namespace arina::media {
namespace {

Presentation parse_ok(std::string_view text, std::string_view url, const HlsOptions& options = {}) {
    auto result = parse_hls(text, url, options);
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "unexpected error: " << error->message;
        return {};
    }
    return std::get<Presentation>(std::move(result));
}

std::string parse_error(std::string_view text, std::string_view url = "https://example.com/p.m3u8") {
    auto result = parse_hls(text, url);
    const auto* error = std::get_if<Error>(&result);
    if (!error) {
        ADD_FAILURE() << "expected an error";
        return {};
    }
    EXPECT_EQ(error->reason, FailReason::BadManifest);
    return error->message;
}

constexpr const char* kMaster = R"(#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS

#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Deutsch, Stereo",LANGUAGE="de",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="6/JOC",URI="audio/de/index.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",AUTOSELECT=YES,URI="https://subs.example.net/en.m3u8"
#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"
#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2200000,RESOLUTION=1280x720,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aac",SUBTITLES="subs",CLOSED-CAPTIONS="cc"
video/720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aac"
../other/360p.m3u8?quality=low
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,URI="video/720p/iframes.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.5"
audio-only.m3u8
)";

TEST(HlsMaster, ParsesVariantsWithEveryAttribute) {
    const Presentation p = parse_ok(kMaster, "https://cdn.example.com/show/ep1/master.m3u8");
    EXPECT_EQ(p.kind, ManifestKind::Hls);
    EXPECT_TRUE(p.is_master);
    EXPECT_FALSE(p.is_live);
    EXPECT_FALSE(p.duration);
    ASSERT_EQ(p.streams.size(), 3U);

    const Stream& hd = p.streams[0];
    EXPECT_EQ(hd.id, "hls-2500000-0");
    EXPECT_EQ(hd.type, StreamType::Video);  // its audio comes from the "aac" renditions
    EXPECT_EQ(hd.bandwidth, 2500000);
    EXPECT_EQ(hd.average_bandwidth, 2200000);
    EXPECT_EQ(hd.width, 1280);
    EXPECT_EQ(hd.height, 720);
    EXPECT_DOUBLE_EQ(*hd.frame_rate, 29.97);
    EXPECT_EQ(hd.codecs, "avc1.64001f,mp4a.40.2");
    EXPECT_EQ(hd.audio_group, "aac");
    EXPECT_EQ(hd.subtitle_group, "subs");
    EXPECT_EQ(hd.playlist_url, "https://cdn.example.com/show/ep1/video/720p/index.m3u8");
    EXPECT_TRUE(hd.fragments.empty());
    EXPECT_FALSE(hd.init);

    const Stream& sd = p.streams[1];
    EXPECT_EQ(sd.id, "hls-800000-1");
    EXPECT_EQ(sd.width, 640);
    EXPECT_FALSE(sd.average_bandwidth);
    EXPECT_FALSE(sd.frame_rate);
    EXPECT_EQ(sd.subtitle_group, "");
    EXPECT_EQ(sd.playlist_url, "https://cdn.example.com/show/other/360p.m3u8?quality=low");

    const Stream& audio = p.streams[2];
    EXPECT_EQ(audio.id, "hls-64000-2");
    EXPECT_EQ(audio.type, StreamType::Audio);
    EXPECT_EQ(audio.playlist_url, "https://cdn.example.com/show/ep1/audio-only.m3u8");
}

TEST(HlsMaster, ParsesRenditionsAndSkipsClosedCaptions) {
    const Presentation p = parse_ok(kMaster, "https://cdn.example.com/show/ep1/master.m3u8");
    ASSERT_EQ(p.renditions.size(), 3U);

    const Rendition& en = p.renditions[0];
    EXPECT_EQ(en.group_id, "aac");
    EXPECT_TRUE(en.is_default);
    EXPECT_TRUE(en.autoselect);
    EXPECT_EQ(en.stream.id, "hls-audio-aac-English");
    EXPECT_EQ(en.stream.type, StreamType::Audio);
    EXPECT_EQ(en.stream.name, "English");
    EXPECT_EQ(en.stream.language, "en");
    EXPECT_EQ(en.stream.audio_channels, 2);
    EXPECT_EQ(en.stream.playlist_url, "https://cdn.example.com/show/ep1/audio/en/index.m3u8");

    const Rendition& de = p.renditions[1];
    EXPECT_FALSE(de.is_default);
    EXPECT_EQ(de.stream.id, "hls-audio-aac-Deutsch__Stereo");
    EXPECT_EQ(de.stream.name, "Deutsch, Stereo");  // a comma inside a quoted string
    EXPECT_EQ(de.stream.audio_channels, 6);

    const Rendition& subs = p.renditions[2];
    EXPECT_EQ(subs.group_id, "subs");
    EXPECT_EQ(subs.stream.type, StreamType::Subtitle);
    EXPECT_EQ(subs.stream.id, "hls-subtitle-subs-English");
    EXPECT_EQ(subs.stream.container, Container::Vtt);
    EXPECT_EQ(subs.stream.playlist_url, "https://subs.example.net/en.m3u8");
}

TEST(HlsMaster, VariantWithAudioInsideIsMuxed) {
    const Presentation p = parse_ok(
        "#EXTM3U\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"main\",DEFAULT=YES\n"  // no URI: audio is in the
                                                                              // variant
        "#EXT-X-STREAM-INF:BANDWIDTH=1000,CODECS=\"avc1.4d401e,mp4a.40.2\",AUDIO=\"a\"\n"
        "v.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=900\n"
        "w.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=800,CODECS=\"avc1.4d401e\"\n"
        "x.m3u8\n",
        "http://h/m.m3u8");
    ASSERT_EQ(p.streams.size(), 3U);
    EXPECT_EQ(p.streams[0].type, StreamType::Muxed);
    EXPECT_EQ(p.streams[1].type, StreamType::Muxed);  // nothing stated
    EXPECT_EQ(p.streams[2].type, StreamType::Video);
    ASSERT_EQ(p.renditions.size(), 1U);
    EXPECT_EQ(p.renditions[0].stream.playlist_url, "");
}

TEST(HlsMaster, DuplicateRenditionNamesGetUniqueIds) {
    const Presentation p = parse_ok(
        "#EXTM3U\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\",URI=\"1.m3u8\"\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\",URI=\"2.m3u8\"\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\",URI=\"3.m3u8\"\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1\n"
        "v.m3u8\n",
        "http://h/m.m3u8");
    ASSERT_EQ(p.renditions.size(), 3U);
    EXPECT_EQ(p.renditions[0].stream.id, "hls-audio-a-x");
    EXPECT_EQ(p.renditions[1].stream.id, "hls-audio-a-x-2");
    EXPECT_EQ(p.renditions[2].stream.id, "hls-audio-a-x-3");
}

TEST(HlsMedia, ParsesVodPlaylistWithKeysAndDiscontinuities) {
    const char* text =
        "\xEF\xBB\xBF#EXTM3U\r\n"
        "#EXT-X-VERSION:3\r\n"
        "#EXT-X-TARGETDURATION:10\r\n"
        "#EXT-X-MEDIA-SEQUENCE:7\r\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\r\n"
        "\r\n"
        "# a comment\r\n"
        "#EXT-X-KEY:METHOD=AES-128,URI=\"../keys/key1.bin\",IV=0x00000000000000000000000000000abc\r\n"
        "#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:00.000Z\r\n"
        "#EXTINF:9.009,First segment\r\n"
        "seg-7.ts\r\n"
        "#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.example.com/k2\"\r\n"
        "#EXT-X-UNKNOWN-TAG:whatever\r\n"
        "#EXTINF:10,\r\n"
        "seg-8.ts\r\n"
        "#EXT-X-DISCONTINUITY\r\n"
        "#EXT-X-KEY:METHOD=NONE\r\n"
        "#EXTINF:4.5\r\n"
        "/ads/ad-1.ts\r\n"
        "#EXT-X-ENDLIST\r\n";
    const Presentation p = parse_ok(text, "https://cdn.example.com/vod/movie/index.m3u8");
    EXPECT_FALSE(p.is_master);
    EXPECT_FALSE(p.is_live);
    EXPECT_DOUBLE_EQ(p.refresh_interval, 10);
    ASSERT_TRUE(p.duration);
    EXPECT_DOUBLE_EQ(*p.duration, 9.009 + 10 + 4.5);
    ASSERT_EQ(p.streams.size(), 1U);
    const Stream& s = p.streams[0];
    EXPECT_EQ(s.id, "hls-media");
    EXPECT_EQ(s.container, Container::Ts);
    EXPECT_EQ(s.type, StreamType::Muxed);
    EXPECT_FALSE(s.init);
    ASSERT_EQ(s.fragments.size(), 3U);

    const Fragment& first = s.fragments[0];
    EXPECT_EQ(first.url, "https://cdn.example.com/vod/movie/seg-7.ts");
    EXPECT_DOUBLE_EQ(first.duration, 9.009);
    EXPECT_DOUBLE_EQ(first.start, 0);
    EXPECT_EQ(first.sequence, 7);
    EXPECT_EQ(first.discontinuity, 0);
    EXPECT_FALSE(first.byte_range);
    ASSERT_TRUE(first.key);
    EXPECT_EQ(first.key->key_url, "https://cdn.example.com/vod/keys/key1.bin");
    const std::array<std::uint8_t, 16> explicit_iv{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0xbc};
    EXPECT_EQ(first.key->iv, explicit_iv);
    EXPECT_EQ(effective_iv(first), explicit_iv);

    const Fragment& second = s.fragments[1];
    EXPECT_EQ(second.url, "https://cdn.example.com/vod/movie/seg-8.ts");
    EXPECT_EQ(second.sequence, 8);
    EXPECT_DOUBLE_EQ(second.start, 9.009);
    ASSERT_TRUE(second.key);  // key rotation: the second EXT-X-KEY applies from here
    EXPECT_EQ(second.key->key_url, "https://keys.example.com/k2");
    EXPECT_FALSE(second.key->iv);
    const std::array<std::uint8_t, 16> sequence_iv{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8};
    EXPECT_EQ(effective_iv(second), sequence_iv);

    const Fragment& ad = s.fragments[2];
    EXPECT_EQ(ad.url, "https://cdn.example.com/ads/ad-1.ts");
    EXPECT_EQ(ad.sequence, 9);
    EXPECT_EQ(ad.discontinuity, 1);
    EXPECT_FALSE(ad.key);
}

TEST(HlsMedia, EffectiveIvIsBigEndianSequence) {
    const Encryption key{EncryptionMethod::Aes128, "k", std::nullopt};
    const std::array<std::uint8_t, 16> expected{0,    0,    0,    0,    0,    0,    0,    0,
                                                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    EXPECT_EQ(effective_iv(key, 0x0123456789abcdefLL), expected);
}

TEST(HlsMedia, LivePlaylistWithoutEndlistIsLive) {
    const Presentation p = parse_ok(
        "#EXTM3U\n"
        "#EXT-X-TARGETDURATION:6\n"
        "#EXT-X-MEDIA-SEQUENCE:1234567\n"
        "#EXT-X-DISCONTINUITY-SEQUENCE:3\n"
        "#EXTINF:6.006,\n"
        "https://live.example.com/a/1234567.ts\n"
        "#EXTINF:6.006,\n"
        "https://live.example.com/a/1234568.ts\n",
        "https://live.example.com/a/chunklist.m3u8");
    EXPECT_TRUE(p.is_live);
    EXPECT_FALSE(p.duration);
    EXPECT_DOUBLE_EQ(p.refresh_interval, 6);
    ASSERT_EQ(p.streams[0].fragments.size(), 2U);
    EXPECT_EQ(p.streams[0].fragments[0].sequence, 1234567);
    EXPECT_EQ(p.streams[0].fragments[1].sequence, 1234568);
    EXPECT_EQ(p.streams[0].fragments[1].discontinuity, 3);

    const Presentation event =
        parse_ok("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2,\na.ts\n", "http://h/x.m3u8");
    EXPECT_TRUE(event.is_live);
}

TEST(HlsMedia, ParsesByteRangesAndMapForFmp4) {
    const Presentation p = parse_ok(
        "#EXTM3U\n"
        "#EXT-X-TARGETDURATION:4\n"
        "#EXT-X-MAP:URI=\"main.mp4\",BYTERANGE=\"720@0\"\n"
        "#EXTINF:4.0,\n"
        "#EXT-X-BYTERANGE:75232@720\n"
        "main.mp4\n"
        "#EXTINF:4.0,\n"
        "#EXT-X-BYTERANGE:82112\n"
        "main.mp4\n"
        "#EXTINF:3.5,\n"
        "#EXT-X-BYTERANGE:69864\n"
        "main.mp4\n"
        "#EXT-X-ENDLIST\n",
        "https://cdn.example.com/v/prog_index.m3u8");
    const Stream& s = p.streams[0];
    EXPECT_EQ(s.container, Container::Fmp4);
    ASSERT_TRUE(s.init);
    EXPECT_EQ(s.init->url, "https://cdn.example.com/v/main.mp4");
    EXPECT_EQ(s.init->byte_range, (ByteRange{0, 720}));
    EXPECT_FALSE(s.init->key);
    ASSERT_EQ(s.fragments.size(), 3U);
    EXPECT_EQ(s.fragments[0].byte_range, (ByteRange{720, 75952}));
    EXPECT_EQ(s.fragments[1].byte_range, (ByteRange{75952, 158064}));
    EXPECT_EQ(s.fragments[2].byte_range, (ByteRange{158064, 227928}));
    EXPECT_EQ(s.fragments[2].url, "https://cdn.example.com/v/main.mp4");
    EXPECT_TRUE(s.init_switches.empty());
    EXPECT_EQ(init_for(s, 2), &*s.init);
}

TEST(HlsMedia, SecondMapAfterDiscontinuityIsAnInitSwitch) {
    const Presentation p = parse_ok(
        "#EXTM3U\n"
        "#EXT-X-TARGETDURATION:4\n"
        "#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n"
        "#EXT-X-MAP:URI=\"init-main.mp4\"\n"
        "#EXTINF:4,\n"
        "main-1.m4s\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXT-X-MAP:URI=\"init-main.mp4\"\n"  // repeated, same: no switch
        "#EXTINF:4,\n"
        "main-2.m4s\n"
        "#EXT-X-DISCONTINUITY\n"
        "#EXT-X-MAP:URI=\"init-ad.mp4\"\n"
        "#EXTINF:4,\n"
        "ad-1.m4s\n"
        "#EXT-X-ENDLIST\n",
        "http://h/p/x.m3u8");
    const Stream& s = p.streams[0];
    ASSERT_TRUE(s.init);
    EXPECT_EQ(s.init->url, "http://h/p/init-main.mp4");
    ASSERT_TRUE(s.init->key);  // the key in force encrypts the init section too
    EXPECT_EQ(s.init->key->key_url, "http://h/p/k");
    ASSERT_EQ(s.init_switches.size(), 1U);
    EXPECT_EQ(s.init_switches[0].first_fragment, 2U);
    EXPECT_EQ(s.init_switches[0].init.url, "http://h/p/init-ad.mp4");
    EXPECT_EQ(init_for(s, 1)->url, "http://h/p/init-main.mp4");
    EXPECT_EQ(init_for(s, 2)->url, "http://h/p/init-ad.mp4");
    EXPECT_EQ(s.fragments[2].discontinuity, 2);
}

TEST(HlsMedia, MapAfterTheLastSegmentIsNoSwitch) {
    // Found by fuzz_hls: a trailing EXT-X-MAP produced an InitSwitch pointing past the fragments.
    const Presentation p =
        parse_ok("#EXTM3U\n#EXT-X-MAP:URI=\"a.mp4\"\n#EXTINF:4,\n1.m4s\n#EXT-X-MAP:URI=\"b.mp4\"\n",
                 "http://h/x.m3u8");
    EXPECT_EQ(p.streams[0].init->url, "http://h/a.mp4");
    EXPECT_TRUE(p.streams[0].init_switches.empty());
}

TEST(HlsMedia, CarriesPlaylistQueryToRelativeUrisWhenAsked) {
    const char* text =
        "#EXTM3U\n"
        "#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n"
        "#EXTINF:2,\n"
        "seg1.ts\n"
        "#EXTINF:2,\n"
        "seg2.ts?own=1\n"
        "#EXTINF:2,\n"
        "//other.example.net/seg3.ts\n"
        "#EXTINF:2,\n"
        "/root/seg4.ts\n"
        "#EXTINF:2,\n"
        "https://abs.example.org/seg5.ts\n";
    const char* url = "https://cdn.example.com/hls/index.m3u8?token=s1gn&exp=99";
    const Presentation plain = parse_ok(text, url);
    EXPECT_EQ(plain.streams[0].fragments[0].url, "https://cdn.example.com/hls/seg1.ts");

    HlsOptions options;
    options.carry_query_to_segments = true;
    const Presentation carried = parse_ok(text, url, options);
    const auto& f = carried.streams[0].fragments;
    ASSERT_EQ(f.size(), 5U);
    EXPECT_EQ(f[0].url, "https://cdn.example.com/hls/seg1.ts?token=s1gn&exp=99");
    EXPECT_EQ(f[1].url, "https://cdn.example.com/hls/seg2.ts?own=1");
    EXPECT_EQ(f[2].url, "https://other.example.net/seg3.ts");
    EXPECT_EQ(f[3].url, "https://cdn.example.com/root/seg4.ts?token=s1gn&exp=99");
    EXPECT_EQ(f[4].url, "https://abs.example.org/seg5.ts");
    EXPECT_EQ(f[0].key->key_url, "https://cdn.example.com/hls/key.bin?token=s1gn&exp=99");
}

TEST(HlsMedia, GuessesContainerAndTypeFromSegments) {
    const Presentation vtt =
        parse_ok("#EXTM3U\n#EXTINF:30,\nsubs/en-0.vtt\n#EXT-X-ENDLIST\n", "http://h/s.m3u8");
    EXPECT_EQ(vtt.streams[0].container, Container::Vtt);
    EXPECT_EQ(vtt.streams[0].type, StreamType::Subtitle);
    const Presentation aac = parse_ok("#EXTM3U\n#EXTINF:10,\na/0.aac\n#EXT-X-ENDLIST\n", "http://h/a.m3u8");
    EXPECT_EQ(aac.streams[0].container, Container::PackedAudio);
    EXPECT_EQ(aac.streams[0].type, StreamType::Audio);
}

TEST(HlsMedia, EmptyLivePlaylistHasNoFragments) {
    const Presentation p = parse_ok("#EXTM3U\n#EXT-X-TARGETDURATION:2\n", "http://h/live.m3u8");
    EXPECT_TRUE(p.is_live);
    ASSERT_EQ(p.streams.size(), 1U);
    EXPECT_TRUE(p.streams[0].fragments.empty());
}

TEST(HlsErrors, RefusesTextNotStartingWithExtm3u) {
    EXPECT_EQ(parse_error("<html>404</html>\n"),
              "HLS playlist line 1: not an HLS playlist: it must start with #EXTM3U");
    EXPECT_EQ(parse_error(""), "HLS playlist line 1: not an HLS playlist: it must start with #EXTM3U");
    EXPECT_EQ(parse_error("\n\n#EXTINF:1,\n"),
              "HLS playlist line 3: not an HLS playlist: it must start with #EXTM3U");
}

TEST(HlsErrors, ExtinfWithoutUriAtTheEnd) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:4,\na.ts\n#EXTINF:4,\n"),
              "HLS playlist line 4: EXTINF without a following URI");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:4,\n#EXTINF:4,\na.ts\n"),
              "HLS playlist line 2: EXTINF without a following URI");
}

TEST(HlsErrors, MalformedExtinf) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:,title\na.ts\n"),
              "HLS playlist line 2: EXTINF without a duration");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF\na.ts\n"), "HLS playlist line 2: EXTINF without a duration");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:ten,\na.ts\n"),
              "HLS playlist line 2: EXTINF has an invalid duration 'ten'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:-1,\na.ts\n"),
              "HLS playlist line 2: EXTINF has an invalid duration '-1'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:nan,\na.ts\n"),
              "HLS playlist line 2: EXTINF has an invalid duration 'nan'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:1e300,\na.ts\n"),
              "HLS playlist line 2: EXTINF has an invalid duration '1e300'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-TARGETDURATION:4\na.ts\n"),
              "HLS playlist line 3: segment URI without a preceding EXTINF");
}

TEST(HlsErrors, BadAttributeLists) {
    EXPECT_EQ(
        parse_error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1.4d401e,mp4a.40.2\nv.m3u8\n"),
        "HLS playlist line 2: bad attribute list in EXT-X-STREAM-INF: unterminated quoted string in CODECS");
    EXPECT_EQ(
        parse_error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH\nv.m3u8\n"),
        "HLS playlist line 2: bad attribute list in EXT-X-STREAM-INF: attribute 'BANDWIDTH' has no value");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"x\n#EXTINF:1,\na.ts\n"),
              "HLS playlist line 2: bad attribute list in EXT-X-KEY: unexpected text after the quoted value "
              "of URI");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-MAP:=\"x\"\n"),
              "HLS playlist line 2: bad attribute list in EXT-X-MAP: empty attribute name");
}

TEST(HlsErrors, ByteRangeWithoutOffsetNeedsAPreviousSubRange) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:1000\nmain.ts\n"),
              "HLS playlist line 3: EXT-X-BYTERANGE without an offset, but the previous segment is not a "
              "sub-range of the same resource");
    EXPECT_EQ(
        parse_error(
            "#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:10@0\na.ts\n#EXTINF:4,\n#EXT-X-BYTERANGE:10\nb.ts\n"),
        "HLS playlist line 6: EXT-X-BYTERANGE without an offset, but the previous segment is not a "
        "sub-range of the same resource");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:4,\n#EXT-X-BYTERANGE:abc@0\na.ts\n"),
              "HLS playlist line 3: EXT-X-BYTERANGE must be <length>[@<offset>], found 'abc@0'");
}

TEST(HlsErrors, Encryption) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://"
                          "k\",KEYFORMAT=\"com.apple.streamingkeydelivery\"\n"),
              "HLS playlist line 2: unsupported encryption SAMPLE-AES");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128\n"),
              "HLS playlist line 2: EXT-X-KEY METHOD=AES-128 without a URI");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0xZZ\n"),
              "HLS playlist line 2: EXT-X-KEY has an invalid IV '0xZZ'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-KEY:URI=\"k\"\n"),
              "HLS playlist line 2: EXT-X-KEY without METHOD");
}

TEST(HlsErrors, MasterStructure) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n"),
              "HLS playlist line 2: EXT-X-STREAM-INF without a following URI");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXTINF:4,\nb.ts\n"),
              "HLS playlist line 4: playlist mixes master (EXT-X-STREAM-INF) and media (EXTINF) tags");
    EXPECT_EQ(
        parse_error("#EXTM3U\n#EXT-X-MEDIA:GROUP-ID=\"a\",NAME=\"x\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv\n"),
        "HLS playlist line 2: EXT-X-MEDIA without TYPE");
}

TEST(HlsErrors, SequenceNumbers) {
    EXPECT_EQ(parse_error("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-4\n"),
              "HLS playlist line 2: EXT-X-MEDIA-SEQUENCE must be a non-negative integer, found '-4'");
    EXPECT_EQ(parse_error("#EXTM3U\n#EXTINF:1,\na.ts\n#EXT-X-MEDIA-SEQUENCE:4\n"),
              "HLS playlist line 4: EXT-X-MEDIA-SEQUENCE after the first segment");
}

TEST(HlsErrors, RefusesOversizedPlaylist) {
    std::string huge = "#EXTM3U\n";
    huge.resize(kMaxManifestBytes + 1, '#');
    EXPECT_EQ(parse_error(huge), "HLS playlist is 16777217 bytes, more than the limit of 16777216");
}

TEST(HlsAttributes, ParsesQuotedCommasSpacesAndTrailingComma) {
    auto parsed =
        parse_hls_attributes(R"(BANDWIDTH=1280000, CODECS="avc1.4d401f,mp4a.40.2" ,RESOLUTION=640x360,)");
    ASSERT_TRUE(std::holds_alternative<HlsAttributeList>(parsed));
    const auto& list = std::get<HlsAttributeList>(parsed);
    ASSERT_EQ(list.all().size(), 3U);
    EXPECT_EQ(list.get("BANDWIDTH"), "1280000");
    EXPECT_EQ(list.get("CODECS"), "avc1.4d401f,mp4a.40.2");
    EXPECT_TRUE(list.all()[1].quoted);
    EXPECT_EQ(list.get("RESOLUTION"), "640x360");
    EXPECT_FALSE(list.get("AUDIO"));
}

TEST(HlsAttributes, ParsesIvAndResolution) {
    const std::array<std::uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(parse_hls_iv("0x00000000000000000000000000000001"), one);
    EXPECT_EQ(parse_hls_iv("0x1"), one);
    EXPECT_FALSE(parse_hls_iv("0x"));
    EXPECT_FALSE(parse_hls_iv("0x000000000000000000000000000000001"));  // 33 digits
    EXPECT_EQ(parse_hls_resolution("1920x1080"), (std::pair{1920, 1080}));
    EXPECT_FALSE(parse_hls_resolution("1920*1080"));
}

}  // namespace
}  // namespace arina::media
