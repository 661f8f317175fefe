// core/text_tracks.hpp: the text tracks of HLS and DASH presentations as subtitles, and an HLS
// subtitle playlist fetched as one WebVTT file. (Named extract_* for the extractor tests' fake fetcher.)

#include <gtest/gtest.h>

#include "core/text_tracks.hpp"
#include "extract_fake_fetcher.hpp"
#include "media/dash_parser.hpp"
#include "media/hls_parser.hpp"

namespace arina {
namespace {

template <typename R>
media::Presentation ok(R parsed) {
    if (auto* e = std::get_if<Error>(&parsed)) {
        ADD_FAILURE() << e->message;
        return {};
    }
    return std::get<media::Presentation>(std::move(parsed));
}

TEST(TextTracks, HlsSubtitleRenditionsAndDashWebVttFiles) {
    const auto hls = ok(media::parse_hls(
        "#EXTM3U\n"
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",NAME=\"English\",LANGUAGE=\"en\",URI=\"subs/en.m3u8\"\n"
        "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"s\",NAME=\"Deutsch\",LANGUAGE=\"de\",URI=\"subs/de.m3u8\"\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",LANGUAGE=\"en\",URI=\"a.m3u8\"\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO=\"a\",SUBTITLES=\"s\"\nv.m3u8\n",
        "https://cdn.example/show/master.m3u8"));
    const auto subs = text_track_subtitles(hls);
    ASSERT_EQ(subs.size(), 2U);
    EXPECT_EQ(subs[0].language, "en");
    EXPECT_EQ(subs[0].url, "https://cdn.example/show/subs/en.m3u8");
    EXPECT_EQ(subs[0].ext, "vtt");
    EXPECT_EQ(subs[0].name, "English");
    EXPECT_EQ(subs[1].language, "de");

    const auto dash = ok(media::parse_dash(R"(<MPD mediaPresentationDuration="PT10S"><Period>
  <AdaptationSet contentType="video" mimeType="video/mp4"><Representation id="v" bandwidth="1"
    codecs="avc1.4d401e"><BaseURL>v.mp4</BaseURL></Representation></AdaptationSet>
  <AdaptationSet contentType="text" mimeType="text/vtt" lang="fr">
    <Representation id="sub-fr" bandwidth="256"><BaseURL>subs/fr.vtt</BaseURL></Representation>
  </AdaptationSet>
  <AdaptationSet contentType="text" mimeType="application/ttml+xml" lang="es">
    <Representation id="sub-es" bandwidth="256"><BaseURL>subs/es.ttml</BaseURL></Representation>
  </AdaptationSet></Period></MPD>)",
                                           "https://example.com/a/m.mpd"));
    const auto dash_subs = text_track_subtitles(dash);
    ASSERT_EQ(dash_subs.size(), 1U);  // TTML is left out: only WebVTT is saved as .vtt
    EXPECT_EQ(dash_subs[0].language, "fr");
    EXPECT_EQ(dash_subs[0].url, "https://example.com/a/subs/fr.vtt");
}

TEST(TextTracks, AnHlsSubtitlePlaylistIsFetchedAsOneWebVttFile) {
    extract::test::FakeFetcher inner;
    inner.serve(
        "https://cdn.example/subs/en.m3u8", "application/vnd.apple.mpegurl",
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nen0.vtt\n#EXTINF:4,\nen1.vtt\n#EXT-X-ENDLIST\n");
    inner.serve("https://cdn.example/subs/en0.vtt", "text/vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nOne\n");
    inner.serve("https://cdn.example/subs/en1.vtt", "text/vtt", "WEBVTT\n\n00:04.000 --> 00:05.000\nTwo\n");
    inner.serve("https://cdn.example/subs/fr.vtt", "text/vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nUn\n");
    TextTrackFetcher fetcher(inner);
    const auto joined = fetcher.get("https://cdn.example/subs/en.m3u8", 1 << 20);
    ASSERT_FALSE(joined.error) << joined.error.message;
    EXPECT_EQ(joined.body, "WEBVTT\n\n00:00.000 --> 00:01.000\nOne\n\n00:04.000 --> 00:05.000\nTwo\n");
    EXPECT_EQ(joined.content_type, "text/vtt");
    EXPECT_EQ(inner.calls.size(), 3U);
    // A plain WebVTT file passes as it is.
    EXPECT_EQ(fetcher.get("https://cdn.example/subs/fr.vtt", 1 << 20).body,
              "WEBVTT\n\n00:00.000 --> 00:01.000\nUn\n");
    // More than the budget in all (playlist or segments) is an error naming the playlist, not a cut
    // file: the playlist is 85 bytes, each segment 36.
    for (const std::size_t budget : {60, 85 + 40}) {
        const auto small = fetcher.get("https://cdn.example/subs/en.m3u8", budget);
        ASSERT_TRUE(small.error) << budget;
        EXPECT_EQ(small.error.message, "https://cdn.example/subs/en.m3u8: subtitles larger than " +
                                           std::to_string(budget) + " bytes");
    }
}

}  // namespace
}  // namespace arina
