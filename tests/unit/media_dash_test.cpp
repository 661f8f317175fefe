#include <gtest/gtest.h>

#include <string>

#include "media/dash_parser.hpp"
#include "media/dash_template.hpp"
#include "media/iso8601.hpp"
#include "media/limits.hpp"
#include "media/text.hpp"

namespace arina::media {
namespace {

Presentation parse_ok(std::string_view text, std::string_view url, const DashOptions& options = {}) {
    auto result = parse_dash(text, url, options);
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "unexpected error: " << error->message;
        return {};
    }
    return std::get<Presentation>(std::move(result));
}

std::string parse_error(std::string_view text, const DashOptions& options = {}) {
    auto result = parse_dash(text, "https://example.com/manifest.mpd", options);
    const auto* error = std::get_if<Error>(&result);
    if (!error) {
        ADD_FAILURE() << "expected an error";
        return {};
    }
    EXPECT_EQ(error->reason, FailReason::BadManifest);
    return error->message;
}

const Stream* find(const Presentation& p, std::string_view id) {
    for (const Stream& s : p.streams) {
        if (s.id == id) return &s;
    }
    ADD_FAILURE() << "no stream " << id;
    return nullptr;
}

// A typical on-demand MPD from a packager: templates on the AdaptationSet, BaseURL on every level.
constexpr const char* kStaticTemplate = R"(<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011"
     type="static" mediaPresentationDuration="PT1M0.5S" minBufferTime="PT2S">
  <BaseURL>https://cdn.example.com/dash/</BaseURL>
  <Period id="p0">
    <BaseURL>title-42/</BaseURL>
    <AdaptationSet id="1" contentType="video" mimeType="video/mp4" codecs="avc1.64001f" frameRate="30000/1001"
                   segmentAlignment="true">
      <BaseURL>video/</BaseURL>
      <ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc"/>
      <SegmentTemplate timescale="1000" duration="4000" startNumber="42"
                       initialization="$RepresentationID$/init-$Bandwidth$.mp4"
                       media="$RepresentationID$/seg-$Number%05d$.m4s"/>
      <Representation id="v1" bandwidth="3000000" width="1920" height="1080"/>
      <Representation id="v2" bandwidth="1500000" width="1280" height="720" codecs="avc1.4d401f" frameRate="25">
        <BaseURL>../alt/</BaseURL>
      </Representation>
    </AdaptationSet>
    <AdaptationSet id="2" mimeType="audio/mp4" lang="en" codecs="mp4a.40.2" audioSamplingRate="48000">
      <Label>English stereo</Label>
      <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>
      <SegmentTemplate timescale="48000" duration="192000" media="a/$RepresentationID$_$Number$.m4s"
                       initialization="a/$RepresentationID$_init.m4s"/>
      <Representation id="a1" bandwidth="128000"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

TEST(DashStatic, ExpandsNumberTemplatesWithInheritance) {
    const Presentation p = parse_ok(kStaticTemplate, "https://origin.example.com/manifests/title-42.mpd");
    EXPECT_EQ(p.kind, ManifestKind::Dash);
    EXPECT_FALSE(p.is_master);
    EXPECT_FALSE(p.is_live);
    EXPECT_DOUBLE_EQ(*p.duration, 60.5);
    EXPECT_DOUBLE_EQ(p.refresh_interval, 0);
    EXPECT_TRUE(p.renditions.empty());
    ASSERT_EQ(p.streams.size(), 3U);

    const Stream& v1 = *find(p, "v1");
    EXPECT_EQ(v1.type, StreamType::Video);
    EXPECT_EQ(v1.bandwidth, 3000000);
    EXPECT_EQ(v1.width, 1920);
    EXPECT_EQ(v1.height, 1080);
    EXPECT_NEAR(*v1.frame_rate, 29.97003, 1e-5);
    EXPECT_EQ(v1.codecs, "avc1.64001f");
    EXPECT_EQ(v1.mime_type, "video/mp4");
    EXPECT_EQ(v1.container, Container::Fmp4);
    EXPECT_TRUE(v1.drm_protected);
    ASSERT_TRUE(v1.init);
    EXPECT_EQ(v1.init->url, "https://cdn.example.com/dash/title-42/video/v1/init-3000000.mp4");
    // ceil(60.5 s / 4 s) = 16 segments numbered from 42, the last one 0.5 s long.
    ASSERT_EQ(v1.fragments.size(), 16U);
    EXPECT_EQ(v1.fragments[0].url, "https://cdn.example.com/dash/title-42/video/v1/seg-00042.m4s");
    EXPECT_EQ(v1.fragments[0].sequence, 42);
    EXPECT_DOUBLE_EQ(v1.fragments[0].duration, 4);
    EXPECT_DOUBLE_EQ(v1.fragments[0].start, 0);
    EXPECT_FALSE(v1.fragments[0].byte_range);
    EXPECT_FALSE(v1.fragments[0].key);
    EXPECT_EQ(v1.fragments[15].url, "https://cdn.example.com/dash/title-42/video/v1/seg-00057.m4s");
    EXPECT_DOUBLE_EQ(v1.fragments[15].start, 60);
    EXPECT_DOUBLE_EQ(v1.fragments[15].duration, 0.5);
    EXPECT_FALSE(v1.needs_index);

    const Stream& v2 = *find(p, "v2");
    EXPECT_EQ(v2.codecs, "avc1.4d401f");  // its own attribute wins over the AdaptationSet's
    EXPECT_DOUBLE_EQ(*v2.frame_rate, 25);
    EXPECT_EQ(v2.init->url, "https://cdn.example.com/dash/title-42/alt/v2/init-1500000.mp4");
    EXPECT_EQ(v2.fragments[1].url, "https://cdn.example.com/dash/title-42/alt/v2/seg-00043.m4s");

    const Stream& a1 = *find(p, "a1");
    EXPECT_EQ(a1.type, StreamType::Audio);
    EXPECT_EQ(a1.language, "en");
    EXPECT_EQ(a1.name, "English stereo");
    EXPECT_EQ(a1.audio_channels, 2);
    EXPECT_EQ(a1.sample_rate, 48000);
    EXPECT_FALSE(a1.drm_protected);
    EXPECT_FALSE(a1.width);
    EXPECT_EQ(a1.init->url, "https://cdn.example.com/dash/title-42/a/a1_init.m4s");
    ASSERT_EQ(a1.fragments.size(), 16U);
    EXPECT_EQ(a1.fragments[0].url, "https://cdn.example.com/dash/title-42/a/a1_1.m4s");
    EXPECT_EQ(a1.fragments[0].sequence, 1);
}

TEST(DashStatic, ExpandsSegmentTimelineWithTimeAndRepeats) {
    const Presentation p = parse_ok(R"(<MPD type="static" mediaPresentationDuration="PT30S">
  <Period>
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="90000" presentationTimeOffset="900000" startNumber="5"
                       media="v/$Time$.m4s" initialization="v/init.mp4">
        <SegmentTimeline>
          <S t="900000" d="180000" r="2"/>
          <S d="90000"/>
          <S d="45000" r="-1"/>
          <S t="1800000" d="180000" r="-1"/>
        </SegmentTimeline>
      </SegmentTemplate>
      <Representation id="v" bandwidth="1000">
        <BaseURL>https://media.example.com/x/</BaseURL>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>)",
                                    "https://example.com/m.mpd");
    const Stream& v = p.streams.at(0);
    EXPECT_EQ(v.init->url, "https://media.example.com/x/v/init.mp4");
    // 3 x 2 s from t=900000, 1 x 1 s, then 0.5 s repeated until t=1800000 (6 x 0.5 s), then 2 s
    // repeated until the period end at pto + 30 s = 3600000 (10 x 2 s).
    ASSERT_EQ(v.fragments.size(), 3U + 1U + 6U + 10U);
    const auto& f = v.fragments;
    EXPECT_EQ(f[0].url, "https://media.example.com/x/v/900000.m4s");
    EXPECT_DOUBLE_EQ(f[0].start, 0);
    EXPECT_DOUBLE_EQ(f[0].duration, 2);
    EXPECT_EQ(f[0].sequence, 5);
    EXPECT_EQ(f[2].url, "https://media.example.com/x/v/1260000.m4s");
    EXPECT_EQ(f[3].url, "https://media.example.com/x/v/1440000.m4s");
    EXPECT_DOUBLE_EQ(f[3].duration, 1);
    EXPECT_EQ(f[4].url, "https://media.example.com/x/v/1530000.m4s");
    EXPECT_DOUBLE_EQ(f[4].duration, 0.5);
    EXPECT_EQ(f[9].url, "https://media.example.com/x/v/1755000.m4s");
    EXPECT_EQ(f[10].url, "https://media.example.com/x/v/1800000.m4s");
    EXPECT_DOUBLE_EQ(f[10].start, 10);
    EXPECT_EQ(f[19].url, "https://media.example.com/x/v/3420000.m4s");
    EXPECT_DOUBLE_EQ(f[19].start, 28);
    EXPECT_EQ(f[19].sequence, 24);
}

TEST(DashStatic, SegmentListWithRangesAndInitialization) {
    const Presentation p = parse_ok(R"(<MPD mediaPresentationDuration="PT6S">
  <Period>
    <AdaptationSet mimeType="audio/mp4" codecs="mp4a.40.2">
      <Representation id="audio" bandwidth="64000">
        <BaseURL>audio.mp4</BaseURL>
        <SegmentList timescale="1000" duration="2000">
          <Initialization sourceURL="audio-init.mp4" range="0-861"/>
          <SegmentURL mediaRange="862-35000"/>
          <SegmentURL mediaRange="35001-70000"/>
          <SegmentURL media="last.mp4" mediaRange="0-999"/>
        </SegmentList>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>)",
                                    "http://h/path/m.mpd");
    const Stream& s = p.streams.at(0);
    EXPECT_EQ(s.type, StreamType::Audio);
    ASSERT_TRUE(s.init);
    EXPECT_EQ(s.init->url, "http://h/path/audio-init.mp4");
    EXPECT_EQ(s.init->byte_range, (ByteRange{0, 862}));
    ASSERT_EQ(s.fragments.size(), 3U);
    EXPECT_EQ(s.fragments[0].url, "http://h/path/audio.mp4");
    EXPECT_EQ(s.fragments[0].byte_range, (ByteRange{862, 35001}));
    EXPECT_EQ(s.fragments[1].byte_range, (ByteRange{35001, 70001}));
    EXPECT_DOUBLE_EQ(s.fragments[1].start, 2);
    EXPECT_EQ(s.fragments[2].url, "http://h/path/last.mp4");
    EXPECT_EQ(s.fragments[2].sequence, 3);
    EXPECT_DOUBLE_EQ(s.fragments[2].duration, 2);
}

TEST(DashStatic, SegmentBaseNeedsTheIndex) {
    const Presentation p = parse_ok(R"(<MPD mediaPresentationDuration="PT2M">
  <Period>
    <AdaptationSet mimeType="video/webm" codecs="vp9">
      <Representation id="243" bandwidth="400000" width="640" height="360">
        <BaseURL>https://r.example.com/videoplayback?id=243&amp;sig=x</BaseURL>
        <SegmentBase indexRange="220-1011" timescale="1000" presentationTimeOffset="500">
          <Initialization range="0-219"/>
        </SegmentBase>
      </Representation>
      <Representation id="244" bandwidth="700000">
        <BaseURL>v244.webm</BaseURL>
        <SegmentBase indexRange="700-1499"/>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>)",
                                    "https://example.com/m.mpd");
    const Stream& s = *find(p, "243");
    EXPECT_EQ(s.container, Container::Webm);
    EXPECT_TRUE(s.fragments.empty());
    ASSERT_TRUE(s.needs_index);
    EXPECT_EQ(s.needs_index->url, "https://r.example.com/videoplayback?id=243&sig=x");
    EXPECT_EQ(s.needs_index->index_range, (ByteRange{220, 1012}));
    EXPECT_DOUBLE_EQ(s.needs_index->start_offset, -0.5);
    ASSERT_TRUE(s.init);
    EXPECT_EQ(s.init->url, "https://r.example.com/videoplayback?id=243&sig=x");
    EXPECT_EQ(s.init->byte_range, (ByteRange{0, 220}));

    // Without <Initialization>, what precedes the index is taken as the init section.
    const Stream& t = *find(p, "244");
    EXPECT_EQ(t.needs_index->url, "https://example.com/v244.webm");
    EXPECT_EQ(t.init->byte_range, (ByteRange{0, 700}));
}

TEST(DashStatic, BaseUrlOnlyIsOneWholeFile) {
    const Presentation p = parse_ok(R"(<MPD mediaPresentationDuration="PT10S"><Period>
  <AdaptationSet contentType="text" mimeType="text/vtt" lang="fr">
    <Representation id="sub-fr" bandwidth="256"><BaseURL>subs/fr.vtt</BaseURL></Representation>
  </AdaptationSet></Period></MPD>)",
                                    "https://example.com/a/m.mpd");
    const Stream& s = p.streams.at(0);
    EXPECT_EQ(s.type, StreamType::Subtitle);
    EXPECT_EQ(s.container, Container::Vtt);
    EXPECT_EQ(s.language, "fr");
    EXPECT_FALSE(s.init);
    ASSERT_EQ(s.fragments.size(), 1U);
    EXPECT_EQ(s.fragments[0].url, "https://example.com/a/subs/fr.vtt");
    EXPECT_FALSE(s.fragments[0].byte_range);
    EXPECT_DOUBLE_EQ(s.fragments[0].duration, 10);
}

TEST(DashStatic, GeneratesIdsForRepresentationsWithoutOne) {
    const Presentation p = parse_ok(R"(<MPD mediaPresentationDuration="PT4S"><Period>
  <AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="$Number$.m4s"/>
    <Representation bandwidth="1"/><Representation bandwidth="2"/>
  </AdaptationSet></Period></MPD>)",
                                    "http://h/m.mpd");
    ASSERT_EQ(p.streams.size(), 2U);
    EXPECT_EQ(p.streams[0].id, "dash-0-0-0");
    EXPECT_EQ(p.streams[1].id, "dash-0-0-1");
    EXPECT_EQ(p.streams[1].fragments[1].url, "http://h/2.m4s");
}

constexpr const char* kTwoPeriods = R"(<MPD type="static" mediaPresentationDuration="PT20S">
  <Period id="main" duration="PT12S">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" duration="4" media="main/$RepresentationID$/$Number$.m4s" initialization="main/$RepresentationID$/init.mp4"/>
      <Representation id="v" bandwidth="1"/>
    </AdaptationSet>
  </Period>
  <Period id="ad">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" duration="4" media="ad/$RepresentationID$/$Number$.m4s" initialization="ad/$RepresentationID$/init.mp4"/>
      <Representation id="v" bandwidth="1"/>
    </AdaptationSet>
  </Period>
</MPD>)";

TEST(DashMultiPeriod, ConcatenatesRepresentationsWithTheSameId) {
    const Presentation p = parse_ok(kTwoPeriods, "http://h/m.mpd");
    ASSERT_EQ(p.streams.size(), 1U);
    const Stream& v = p.streams[0];
    ASSERT_EQ(v.fragments.size(), 5U);  // 12 s / 4 s, then the remaining 8 s / 4 s
    EXPECT_EQ(v.fragments[2].url, "http://h/main/v/3.m4s");
    EXPECT_EQ(v.fragments[2].discontinuity, 0);
    EXPECT_EQ(v.fragments[3].url, "http://h/ad/v/1.m4s");
    EXPECT_EQ(v.fragments[3].discontinuity, 1);
    EXPECT_DOUBLE_EQ(v.fragments[3].start, 12);
    EXPECT_EQ(v.fragments[4].sequence, 2);
    EXPECT_EQ(v.init->url, "http://h/main/v/init.mp4");
    ASSERT_EQ(v.init_switches.size(), 1U);
    EXPECT_EQ(v.init_switches[0].first_fragment, 3U);
    EXPECT_EQ(v.init_switches[0].init.url, "http://h/ad/v/init.mp4");
    EXPECT_EQ(init_for(v, 4)->url, "http://h/ad/v/init.mp4");
}

TEST(DashMultiPeriod, ZeroLengthPeriodAddsNothing) {
    // Found by fuzz_dash: mediaPresentationDuration ending inside the first Period left the second
    // one empty, and its init section became an InitSwitch pointing past the fragments.
    std::string text = kTwoPeriods;
    text.replace(text.find("PT20S"), 5, "PT10S");
    const Presentation p = parse_ok(text, "http://h/m.mpd");
    const Stream& v = p.streams.at(0);
    EXPECT_EQ(v.fragments.size(), 3U);
    EXPECT_TRUE(v.init_switches.empty());
}

TEST(DashMultiPeriod, RefusesDifferingRepresentations) {
    std::string text = kTwoPeriods;
    text.replace(text.rfind("id=\"v\""), 6, "id=\"w\"");
    EXPECT_EQ(
        parse_error(text),
        "MPD: multi-period MPD with differing representations is not supported (Period 1 and Period 2 list "
        "different Representation ids)");
}

constexpr const char* kLiveTimeline = R"(<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2024-03-01T12:00:00Z"
     publishTime="2024-03-01T13:00:00Z" minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT30S"
     suggestedPresentationDelay="PT6S">
  <Period id="1" start="PT0S">
    <AdaptationSet mimeType="video/mp4" codecs="avc1.64001f">
      <SegmentTemplate timescale="10000000" media="live/$RepresentationID$/$Time$.m4s" initialization="live/$RepresentationID$/init.mp4">
        <SegmentTimeline>
          <S t="36000000000" d="20000000" r="2"/>
          <S d="20000000"/>
        </SegmentTimeline>
      </SegmentTemplate>
      <Representation id="720p" bandwidth="2000000" width="1280" height="720"/>
    </AdaptationSet>
  </Period>
</MPD>)";

TEST(DashLive, TimelineGivesThePublishedSegments) {
    const Presentation p = parse_ok(kLiveTimeline, "https://live.example.com/channel/manifest.mpd");
    EXPECT_TRUE(p.is_live);
    EXPECT_FALSE(p.duration);
    EXPECT_DOUBLE_EQ(p.refresh_interval, 2);
    EXPECT_DOUBLE_EQ(*p.availability_start_time, 1709294400);
    EXPECT_DOUBLE_EQ(*p.time_shift_buffer_depth, 30);
    const Stream& s = p.streams.at(0);
    ASSERT_EQ(s.fragments.size(), 4U);
    EXPECT_EQ(s.fragments[0].url, "https://live.example.com/channel/live/720p/36000000000.m4s");
    EXPECT_DOUBLE_EQ(s.fragments[0].start, 3600);
    EXPECT_EQ(s.fragments[3].url, "https://live.example.com/channel/live/720p/36060000000.m4s");
    EXPECT_EQ(s.fragments[3].sequence, 4);
}

TEST(DashLive, FinalRepeatToNowNeedsTheClock) {
    std::string text = kLiveTimeline;
    text.replace(text.find("<S d=\"20000000\"/>"), 17, "<S d=\"20000000\" r=\"-1\"/>");
    EXPECT_EQ(
        parse_error(text),
        "MPD: SegmentTimeline in Representation '720p' repeats S element 2 until the period end (r=-1), but "
        "the period end is unknown");
    // 3611 s after the availability start: segments up to t = 3610 s are complete.
    DashOptions options;
    options.now = 1709294400 + 3611;
    const Presentation p = parse_ok(text, "https://live.example.com/m.mpd", options);
    const auto& f = p.streams.at(0).fragments;
    ASSERT_EQ(f.size(), 5U);
    EXPECT_EQ(f.back().url, "https://live.example.com/live/720p/36080000000.m4s");
}

TEST(DashLive, NumberTemplateUsesTheClockAndTimeShiftBuffer) {
    const char* text =
        R"(<MPD type="dynamic" availabilityStartTime="1970-01-01T00:00:00Z" timeShiftBufferDepth="PT10S">
  <Period start="PT100S">
    <AdaptationSet mimeType="audio/mp4">
      <SegmentTemplate timescale="1000" duration="2000" startNumber="1" media="a/$Number%04d$.m4s"/>
      <Representation id="a" bandwidth="1"/>
    </AdaptationSet>
  </Period>
</MPD>)";
    EXPECT_EQ(
        parse_error(text),
        "MPD: SegmentTemplate in Representation 'a' without SegmentTimeline in a live MPD is not supported "
        "without the current time");
    DashOptions options;
    options.now = 100 + 61;  // 30 segments complete; the last 10 s hold 5
    const Presentation p = parse_ok(text, "http://h/m.mpd", options);
    const auto& f = p.streams.at(0).fragments;
    ASSERT_EQ(f.size(), 5U);
    EXPECT_EQ(f[0].url, "http://h/a/0026.m4s");
    EXPECT_EQ(f[0].sequence, 26);
    EXPECT_DOUBLE_EQ(f[0].start, 150);
    EXPECT_EQ(f[4].url, "http://h/a/0030.m4s");
}

TEST(DashErrors, MalformedXmlAndWrongRoot) {
    EXPECT_EQ(parse_error("<MPD><Period></MPD>"), "MPD: malformed XML at offset 15: Start-end tags mismatch");
    EXPECT_EQ(parse_error(""), "MPD: malformed XML at offset 0: No document element found");
    EXPECT_EQ(parse_error("<html><body/></html>"), "MPD: the root element is <html>, not <MPD>");
    EXPECT_EQ(parse_error("<MPD type=\"live\"><Period/></MPD>"),
              "MPD: type 'live' is neither static nor dynamic");
    EXPECT_EQ(parse_error("<MPD/>"), "MPD: no Period");
    EXPECT_EQ(parse_error("<MPD><Period><AdaptationSet/></Period></MPD>"),
              "MPD: no Representation in any Period");
}

TEST(DashErrors, BadDurations) {
    EXPECT_EQ(parse_error("<MPD mediaPresentationDuration=\"1:00:00\"><Period/></MPD>"),
              "MPD: MPD mediaPresentationDuration '1:00:00' is not an ISO 8601 duration");
    EXPECT_EQ(parse_error("<MPD><Period start=\"PT\"/></MPD>"),
              "MPD: Period 1 start 'PT' is not an ISO 8601 duration");
    EXPECT_EQ(parse_error("<MPD><Period duration=\"P99999999999D\"/></MPD>"),
              "MPD: Period 1 duration 'P99999999999D' is too long");
    EXPECT_EQ(parse_error("<MPD type=\"dynamic\" availabilityStartTime=\"yesterday\"><Period/></MPD>"),
              "MPD: availabilityStartTime 'yesterday' is not an ISO 8601 date-time");
}

std::string with_template(std::string_view segment_template, std::string_view duration = "PT60S") {
    return "<MPD mediaPresentationDuration=\"" + std::string(duration) +
           "\"><Period><AdaptationSet mimeType=\"video/mp4\">" + std::string(segment_template) +
           "<Representation id=\"v1\" bandwidth=\"1\"/></AdaptationSet></Period></MPD>";
}

TEST(DashErrors, TemplateProblems) {
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate media=\"$Number$.m4s\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has neither duration nor SegmentTimeline");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"2\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has no media attribute");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"2\" media=\"$Nummer$.m4s\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' media: unknown identifier $Nummer$");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"2\" media=\"$Number%5x$.m4s\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' media: unsupported format in $Number%5x$");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"2\" media=\"$Number.m4s\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' media: unterminated $ identifier");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"0\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration '0'");
    EXPECT_EQ(
        parse_error(with_template("<SegmentTemplate timescale=\"x\" duration=\"2\" media=\"$Number$\"/>")),
        "MPD: SegmentTemplate in Representation 'v1' has an invalid timescale 'x'");
    EXPECT_EQ(
        parse_error("<MPD><Period><AdaptationSet><SegmentTemplate duration=\"2\" media=\"$Number$\"/>"
                    "<Representation id=\"v1\"/></AdaptationSet></Period></MPD>"),
        "MPD: SegmentTemplate in Representation 'v1' needs the period duration, but neither Period@duration "
        "nor MPD@mediaPresentationDuration is set");
}

TEST(DashErrors, TimelineProblems) {
    auto timeline = [](std::string_view s_elements) {
        return with_template("<SegmentTemplate media=\"$Time$\"><SegmentTimeline>" + std::string(s_elements) +
                             "</SegmentTimeline></SegmentTemplate>");
    };
    EXPECT_EQ(parse_error(timeline("<S t=\"0\" d=\"10\"/><S d=\"-1\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has S element 2 with d=-1 (t must be >= 0, d > 0, "
              "r >= -1)");
    EXPECT_EQ(parse_error(timeline("<S d=\"0\" r=\"-1\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has S element 1 with d=0 (t must be >= 0, d > 0, "
              "r >= -1)");
    EXPECT_EQ(parse_error(timeline("<S d=\"5\" r=\"-2\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has S element 1 with r=-2 (t must be >= 0, d > 0, "
              "r >= -1)");
    EXPECT_EQ(parse_error(timeline("<S t=\"0\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has S element 1 without d");
    EXPECT_EQ(parse_error(timeline("<S d=\"1x\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has S element 1 with an invalid d '1x'");
    EXPECT_EQ(parse_error(timeline("<S d=\"1\" r=\"-1\"/><S d=\"1\"/>")),
              "MPD: SegmentTimeline in Representation 'v1' has r=-1 in S element 1 but the next S element "
              "has no t");
}

TEST(DashErrors, RefusesHugeSegmentCounts) {
    const std::string limit =
        "would have more segments than the limit of 500000 per stream (1000000 in total)";
    EXPECT_EQ(parse_error(with_template(
                  "<SegmentTemplate timescale=\"1000\" duration=\"1\" media=\"$Number$\"/>", "P1D")),
              "MPD: SegmentTemplate in Representation 'v1' " + limit);
    EXPECT_EQ(parse_error(with_template(
                  "<SegmentTemplate media=\"$Time$\"><SegmentTimeline><S d=\"1\" r=\"9223372036854775806\"/>"
                  "</SegmentTimeline></SegmentTemplate>")),
              "MPD: SegmentTimeline in Representation 'v1' " + limit);
    EXPECT_EQ(parse_error(with_template(
                  "<SegmentTemplate timescale=\"1\" media=\"$Time$\"><SegmentTimeline><S d=\"1\" r=\"-1\"/>"
                  "</SegmentTimeline></SegmentTemplate>",
                  "P100D")),
              "MPD: SegmentTimeline in Representation 'v1' " + limit);
}

TEST(DashErrors, FragmentLimitsAreOptions) {
    DashOptions options;
    options.max_fragments_per_stream = 10;
    options.max_fragments_total = 25;
    const std::string two_streams =
        "<MPD mediaPresentationDuration=\"PT40S\"><Period><AdaptationSet mimeType=\"video/mp4\">"
        "<SegmentTemplate duration=\"4\" media=\"$Number$\"/><Representation id=\"a\"/><Representation "
        "id=\"b\"/>"
        "<Representation id=\"c\"/></AdaptationSet></Period></MPD>";
    EXPECT_EQ(
        parse_error(two_streams, options),
        "MPD: SegmentTemplate in Representation 'c' would have more segments than the limit of 10 per stream "
        "(25 in total)");
    options.max_fragments_total = 30;
    EXPECT_EQ(parse_ok(two_streams, "http://h/m.mpd", options).streams.size(), 3U);
}

TEST(DashErrors, RefusesOversizedManifestAndRemotePeriods) {
    std::string huge = "<MPD>";
    huge.resize(kMaxManifestBytes + 1, ' ');
    EXPECT_EQ(parse_error(huge), "MPD is 16777217 bytes, more than the limit of 16777216");
    EXPECT_EQ(
        parse_error(
            "<MPD xmlns:xlink=\"http://www.w3.org/1999/xlink\"><Period xlink:href=\"http://ads/p\"/></MPD>"),
        "MPD: Period 1 is remote (xlink:href), which is not supported");
}

TEST(DashErrors, RangesAndMissingSegmentInformation) {
    EXPECT_EQ(
        parse_error("<MPD><Period><AdaptationSet><Representation id=\"r\"><BaseURL>f.mp4</BaseURL>"
                    "<SegmentBase indexRange=\"9-1\"/></Representation></AdaptationSet></Period></MPD>"),
        "MPD: SegmentBase in Representation 'r' has an invalid indexRange '9-1'");
    EXPECT_EQ(
        parse_error("<MPD><Period><AdaptationSet><Representation id=\"r\"/></AdaptationSet></Period></MPD>"),
        "MPD: Representation 'r' has no segment information (no SegmentTemplate, SegmentList, SegmentBase or "
        "BaseURL)");
}

// Shaped like what some origin packagers publish: integer attributes written as floats
// ("2000000.0"), a '+' sign, an exponent, a duration without its T and a zone without a colon.
constexpr const char* kLenientMpd = R"(<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static"
     mediaPresentationDuration="P0Y0M0DT0H0M20.000S" minBufferTime="P4S"
     availabilityStartTime="2024-03-01T13:30+0130">
  <Period id="0" start="P0S">
    <AdaptationSet mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="1280.0">
      <SegmentTemplate timescale="1000000.0" duration="2000000.0" startNumber="+1"
                       initialization="video/$RepresentationID$/init.mp4"
                       media="video/$RepresentationID$/seg-$Number$.m4s"/>
      <Representation id="720p" bandwidth="2.5e6" width="1280.0" height="720.0" frameRate="25.0"
                      codecs="avc1.4D401F"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4" lang="en" audioSamplingRate="48000.0">
      <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011"
                                 value="2.0"/>
      <SegmentTemplate timescale="48000" media="audio/$Time$.m4s" initialization="audio/init.mp4">
        <SegmentTimeline><S t="0.0" d="96000.0" r="9.0"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="aac" bandwidth="128000.00" codecs="mp4a.40.2"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

TEST(DashLenient, ReadsIntegralFloatsAndOtherCommonLiberties) {
    const Presentation p = parse_ok(kLenientMpd, "https://origin.example.com/live/event.mpd");
    EXPECT_DOUBLE_EQ(*p.duration, 20);
    EXPECT_DOUBLE_EQ(*p.availability_start_time, 1709294400);
    ASSERT_EQ(p.streams.size(), 2U);
    const Stream* video = find(p, "720p");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->bandwidth, 2500000);
    EXPECT_EQ(video->width, 1280);
    EXPECT_EQ(video->height, 720);
    ASSERT_EQ(video->fragments.size(), 10U);  // 20 s in segments of 2000000.0 / 1000000.0 s
    EXPECT_EQ(video->fragments[0].url, "https://origin.example.com/live/video/720p/seg-1.m4s");
    EXPECT_EQ(video->fragments[9].url, "https://origin.example.com/live/video/720p/seg-10.m4s");
    EXPECT_DOUBLE_EQ(video->fragments[9].start, 18);
    EXPECT_DOUBLE_EQ(video->fragments[9].duration, 2);
    const Stream* audio = find(p, "aac");
    ASSERT_NE(audio, nullptr);
    EXPECT_EQ(audio->bandwidth, 128000);
    EXPECT_EQ(audio->sample_rate, 48000);
    EXPECT_EQ(audio->audio_channels, 2);
    ASSERT_EQ(audio->fragments.size(), 10U);
    EXPECT_EQ(audio->fragments[1].url, "https://origin.example.com/live/audio/96000.m4s");
}

TEST(DashLenient, KeepsRefusingWhatIsNotAWholeNumberOrOutOfRange) {
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"2.5\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has a duration '2.5' that is not a whole number");
    EXPECT_EQ(
        parse_error(with_template("<SegmentTemplate timescale=\"1e-3\" duration=\"2\" media=\"$Number$\"/>")),
        "MPD: SegmentTemplate in Representation 'v1' has a timescale '1e-3' that is not a whole number");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"0.0\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration '0.0'");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"-2.0\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration '-2.0'");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"inf\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration 'inf'");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"1e300\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration '1e300'");
    EXPECT_EQ(parse_error(with_template("<SegmentTemplate duration=\"0x10\" media=\"$Number$\"/>")),
              "MPD: SegmentTemplate in Representation 'v1' has an invalid duration '0x10'");
    EXPECT_EQ(
        parse_error(with_template("<SegmentTemplate media=\"$Time$\"><SegmentTimeline><S d=\"1.5\"/>"
                                  "</SegmentTimeline></SegmentTemplate>")),
        "MPD: SegmentTimeline in Representation 'v1' has S element 1 with a d '1.5' that is not a whole "
        "number");
    // A float spelling does not get around the segment limits.
    EXPECT_EQ(parse_error(with_template(
                  "<SegmentTemplate timescale=\"1000.0\" duration=\"1.0\" media=\"$Number$\"/>", "P1D")),
              "MPD: SegmentTemplate in Representation 'v1' would have more segments than the limit of 500000 "
              "per stream (1000000 in total)");
}

TEST(DashLenient, IntegerSpellings) {
    EXPECT_EQ(text::parse_lenient_integer("42"), 42);
    EXPECT_EQ(text::parse_lenient_integer("+42"), 42);
    EXPECT_EQ(text::parse_lenient_integer("2000000.0"), 2000000);
    EXPECT_EQ(text::parse_lenient_integer("48000."), 48000);
    EXPECT_EQ(text::parse_lenient_integer("-1.000"), -1);
    EXPECT_EQ(text::parse_lenient_integer("2e6"), 2000000);
    EXPECT_EQ(text::parse_lenient_integer("1.5E3"), 1500);
    EXPECT_EQ(text::parse_lenient_integer("9223372036854775807.0"), INT64_MAX);
    EXPECT_FALSE(text::parse_lenient_integer("9223372036854775808.0"));
    EXPECT_FALSE(text::parse_lenient_integer("1e16"));  // past 2^53: not exact as a double
    EXPECT_FALSE(text::parse_lenient_integer("2.5"));
    EXPECT_FALSE(text::parse_lenient_integer("1e-1"));
    EXPECT_FALSE(text::parse_lenient_integer(".0"));
    EXPECT_FALSE(text::parse_lenient_integer("-.0"));
    EXPECT_FALSE(text::parse_lenient_integer("+-1"));
    EXPECT_FALSE(text::parse_lenient_integer("++1"));
    EXPECT_FALSE(text::parse_lenient_integer("+"));
    EXPECT_FALSE(text::parse_lenient_integer("1 0"));
    EXPECT_FALSE(text::parse_lenient_integer("nan"));
    EXPECT_FALSE(text::parse_lenient_integer("0x10"));
    EXPECT_FALSE(text::parse_lenient_integer(""));
    EXPECT_FALSE(text::parse_lenient_non_negative("-1.0"));
    EXPECT_EQ(text::parse_lenient_non_negative("0.0"), 0);
}

TEST(DashTemplate, ExpandsIdentifiersAndWidths) {
    auto compiled =
        DashUrlTemplate::compile("$RepresentationID$/$Bandwidth$/seg-$Number%05d$-$Time%d$-$$-$Number$.m4s");
    ASSERT_TRUE(std::holds_alternative<DashUrlTemplate>(compiled));
    DashUrlTemplate::Values values;
    values.representation_id = "video_1";
    values.bandwidth = 800000;
    values.number = 42;
    values.time = 123456789;
    EXPECT_EQ(std::get<DashUrlTemplate>(compiled).expand(values),
              "video_1/800000/seg-00042-123456789-$-42.m4s");
    values.number = 1234567;  // wider than the width: printed in full
    EXPECT_EQ(std::get<DashUrlTemplate>(compiled).expand(values),
              "video_1/800000/seg-1234567-123456789-$-1234567.m4s");

    auto refused = DashUrlTemplate::compile("$Number%099999999d$");
    ASSERT_TRUE(std::holds_alternative<Error>(refused));
    EXPECT_EQ(std::get<Error>(refused).message, "unsupported format in $Number%099999999d$");
    EXPECT_TRUE(std::holds_alternative<Error>(DashUrlTemplate::compile("$RepresentationID%05d$")));
}

TEST(DashIso8601, ParsesDurations) {
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("PT1H2M3.5S"), 3723.5);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("P1DT2H"), 93600);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("PT0S"), 0);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("PT634.566S"), 634.566);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("P1Y2M"), 365 * 86400.0 + 2 * 30 * 86400.0);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("PT1,5S"), 1.5);
    EXPECT_FALSE(parse_iso8601_duration("P"));
    EXPECT_FALSE(parse_iso8601_duration("PT"));
    EXPECT_FALSE(parse_iso8601_duration("P1DT"));
    EXPECT_FALSE(parse_iso8601_duration("-PT5S"));
    EXPECT_FALSE(parse_iso8601_duration("PT5"));
    EXPECT_FALSE(parse_iso8601_duration("PT5S3M"));  // out of order
    EXPECT_FALSE(parse_iso8601_duration("PT1H1H"));
    EXPECT_FALSE(parse_iso8601_duration("3600"));
    // Players read a missing T before hours and seconds; after months it would be ambiguous.
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("P30S"), 30);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("P1D2H"), 93600);
    EXPECT_DOUBLE_EQ(*parse_iso8601_duration("P0Y0M0DT0H0M20.000S"), 20);
    EXPECT_FALSE(parse_iso8601_duration("P5M30S"));
    EXPECT_FALSE(parse_iso8601_duration("P30ST1H"));
}

TEST(DashIso8601, ParsesDateTimes) {
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("1970-01-01T00:00:00Z"), 0);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T12:00:00Z"), 1709294400);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T12:00:00.25"), 1709294400.25);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T13:30:00+01:30"), 1709294400);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2000-02-29T00:00:00-00:00"), 951782400);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T12:00Z"), 1709294400);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T13:00:00+0100"), 1709294400);
    EXPECT_DOUBLE_EQ(*parse_iso8601_datetime("2024-03-01T13:00:00+01"), 1709294400);
    EXPECT_FALSE(parse_iso8601_datetime("2024-03-01T13:00:00+1"));
    EXPECT_FALSE(parse_iso8601_datetime("2024-03-01T13:00:00+01:"));
    EXPECT_FALSE(parse_iso8601_datetime("2024-13-01T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601_datetime("2024-03-01 12:00:00Z"));
    EXPECT_FALSE(parse_iso8601_datetime("2024-03-01T12:00:00Zjunk"));
}

}  // namespace
}  // namespace arina::media
