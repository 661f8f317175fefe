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
    ASSERT_EQ(dash_subs.size(), 2U);
    EXPECT_EQ(dash_subs[0].language, "fr");
    EXPECT_EQ(dash_subs[0].url, "https://example.com/a/subs/fr.vtt");
    EXPECT_EQ(dash_subs[0].ext, "vtt");
    EXPECT_EQ(dash_subs[1].language, "es");  // one TTML file: saved as it is, NAME.es.ttml
    EXPECT_EQ(dash_subs[1].url, "https://example.com/a/subs/es.ttml");
    EXPECT_EQ(dash_subs[1].ext, "ttml");
}

// DASH WebVTT in segments is one subtitle whose segments the fetcher joins; text in MP4 segments
// and segmented TTML cannot be had, and are named with the reason.
TEST(TextTracks, DashSegmentedTextTracks) {
    const auto dash = ok(media::parse_dash(R"(<MPD mediaPresentationDuration="PT8S"><Period>
  <AdaptationSet contentType="text" mimeType="text/vtt" lang="de">
    <SegmentTemplate media="de-$Number$.vtt" startNumber="1" duration="4" timescale="1"/>
    <Representation id="sub-de" bandwidth="256"/></AdaptationSet>
  <AdaptationSet contentType="text" mimeType="application/mp4" codecs="stpp" lang="en">
    <SegmentTemplate initialization="en-init.mp4" media="en-$Number$.m4s" startNumber="1" duration="4"
      timescale="1"/>
    <Representation id="sub-en" bandwidth="256"/></AdaptationSet>
  <AdaptationSet contentType="text" mimeType="application/ttml+xml" lang="es">
    <SegmentTemplate media="es-$Number$.ttml" startNumber="1" duration="4" timescale="1"/>
    <Representation id="sub-es" bandwidth="256"/></AdaptationSet>
  <AdaptationSet contentType="text" mimeType="text/vtt" lang="it">
    <Representation id="sub-it" bandwidth="256"><SegmentList duration="4" timescale="1">
      <SegmentURL media="it/a.vtt"/><SegmentURL media="it/b.vtt"/></SegmentList></Representation>
  </AdaptationSet></Period></MPD>)",
                                           "https://example.com/a/m.mpd"));
    const auto tracks = text_tracks_of(dash);
    ASSERT_EQ(tracks.subtitles.size(), 2U);
    EXPECT_EQ(tracks.subtitles[0].language, "de");
    EXPECT_EQ(tracks.subtitles[0].url, "https://example.com/a/de-1.vtt");
    EXPECT_EQ(tracks.subtitles[0].ext, "vtt");
    EXPECT_EQ(tracks.subtitles[1].language, "it");  // a SegmentList is joined the same way
    EXPECT_EQ(tracks.subtitles[1].url, "https://example.com/a/it/a.vtt");
    ASSERT_EQ(tracks.segments.size(), 2U);
    EXPECT_EQ(tracks.segments.at("https://example.com/a/de-1.vtt"),
              (JoinedText{{"https://example.com/a/de-1.vtt", "https://example.com/a/de-2.vtt"}, {0, 0}}));
    EXPECT_EQ(tracks.segments.at("https://example.com/a/it/a.vtt"),
              (JoinedText{{"https://example.com/a/it/a.vtt", "https://example.com/a/it/b.vtt"}, {0, 0}}));
    ASSERT_EQ(tracks.unavailable.size(), 2U);
    EXPECT_EQ(tracks.unavailable[0].language, "en");
    EXPECT_EQ(tracks.unavailable[0].reason, "text in MP4 segments (stpp) is not supported");
    EXPECT_EQ(tracks.unavailable[1].language, "es");
    EXPECT_EQ(tracks.unavailable[1].reason, "segmented DASH TTML is not supported");

    extract::test::FakeFetcher inner;
    inner.serve("https://example.com/a/de-1.vtt", "text/vtt", "WEBVTT\n\n00:00.500 --> 00:02.000\nEins\n");
    inner.serve("https://example.com/a/de-2.vtt", "text/vtt", "WEBVTT\n\n00:04.500 --> 00:06.000\nZwei\n");
    TextTrackFetcher fetcher(inner, tracks.segments);
    const auto joined = fetcher.get("https://example.com/a/de-1.vtt", 1 << 20);
    ASSERT_FALSE(joined.error) << joined.error.message;
    EXPECT_EQ(joined.body, "WEBVTT\n\n00:00.500 --> 00:02.000\nEins\n\n00:04.500 --> 00:06.000\nZwei\n");
    EXPECT_EQ(inner.calls.size(), 2U);
}

// Multi-Period DASH: a text track's Periods join into one subtitle, and since a Period's cue
// times count from its own start, each Period's cues move to where it starts (6 s here).
TEST(TextTracks, EachPeriodsCuesMoveToWhereThePeriodStarts) {
    const auto dash = ok(media::parse_dash(R"(<MPD mediaPresentationDuration="PT10S">
  <Period id="1" start="PT0S" duration="PT6S">
    <AdaptationSet contentType="video" mimeType="video/mp4"><Representation id="v" bandwidth="1"
      codecs="avc1.4d401e"><BaseURL>p1/v.mp4</BaseURL></Representation></AdaptationSet>
    <AdaptationSet contentType="text" mimeType="text/vtt" lang="de">
      <Representation id="sub-de" bandwidth="256"><BaseURL>p1/de.vtt</BaseURL></Representation></AdaptationSet>
  </Period>
  <Period id="2" duration="PT4S">
    <AdaptationSet contentType="video" mimeType="video/mp4"><Representation id="v" bandwidth="1"
      codecs="avc1.4d401e"><BaseURL>p2/v.mp4</BaseURL></Representation></AdaptationSet>
    <AdaptationSet contentType="text" mimeType="text/vtt" lang="de">
      <Representation id="sub-de" bandwidth="256"><BaseURL>p2/de.vtt</BaseURL></Representation></AdaptationSet>
  </Period></MPD>)",
                                           "https://example.com/a/m.mpd"));
    const auto tracks = text_tracks_of(dash);
    ASSERT_EQ(tracks.subtitles.size(), 1U);
    EXPECT_EQ(tracks.subtitles[0].url, "https://example.com/a/p1/de.vtt");
    EXPECT_EQ(
        tracks.segments.at("https://example.com/a/p1/de.vtt"),
        (JoinedText{{"https://example.com/a/p1/de.vtt", "https://example.com/a/p2/de.vtt"}, {0, 6000}}));

    extract::test::FakeFetcher inner;
    inner.serve("https://example.com/a/p1/de.vtt", "text/vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nEins\n");
    inner.serve("https://example.com/a/p2/de.vtt", "text/vtt", "WEBVTT\n\n00:00.500 --> 00:01.500\nZwei\n");
    TextTrackFetcher fetcher(inner, tracks.segments);
    const auto joined = fetcher.get("https://example.com/a/p1/de.vtt", 1 << 20);
    ASSERT_FALSE(joined.error) << joined.error.message;
    EXPECT_EQ(joined.body,
              "WEBVTT\n\n00:01.000 --> 00:02.000\nEins\n\n00:00:06.500 --> 00:00:07.500\nZwei\n");
}

// An HLS subtitle rendition of IMSC or WebVTT in fMP4 (#EXT-X-MAP) is an error naming the playlist,
// not MP4 bytes joined as text.
TEST(TextTracks, AnHlsSubtitlePlaylistOfMp4SegmentsIsNotJoined) {
    extract::test::FakeFetcher inner;
    inner.serve("https://cdn.example/subs/en.m3u8", "application/vnd.apple.mpegurl",
                "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4,\nen0.m4s\n"
                "#EXT-X-ENDLIST\n");
    TextTrackFetcher fetcher(inner);
    const auto page = fetcher.get("https://cdn.example/subs/en.m3u8", 1 << 20);
    ASSERT_TRUE(page.error);
    EXPECT_EQ(page.error.message,
              "https://cdn.example/subs/en.m3u8: subtitles in MP4 segments are not supported");
    EXPECT_EQ(inner.calls.size(), 1U);  // no segment fetched
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
