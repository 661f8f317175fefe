// Format selection (-f) and the -F table over hand-built presentations.

#include <gtest/gtest.h>

#include "media/hls_parser.hpp"
#include "stream/format_selector.hpp"

namespace arina::stream {
namespace {

using media::Presentation;
using media::Rendition;
using media::Stream;
using media::StreamType;

Stream video(std::string id, int height, std::int64_t bandwidth, StreamType type = StreamType::Video) {
    Stream s;
    s.id = std::move(id);
    s.type = type;
    s.height = height;
    s.width = height * 16 / 9;
    s.bandwidth = bandwidth;
    s.codecs = "avc1.64001f";
    return s;
}

Stream audio(std::string id, std::int64_t bandwidth, std::string language = "") {
    Stream s;
    s.id = std::move(id);
    s.type = StreamType::Audio;
    s.bandwidth = bandwidth;
    s.codecs = "mp4a.40.2";
    s.language = std::move(language);
    return s;
}

// A DASH-like presentation: separate video and audio representations.
Presentation dash() {
    Presentation p;
    p.kind = media::ManifestKind::Dash;
    p.streams = {video("v360", 360, 800'000),   video("v1080", 1080, 5'000'000),
                 video("v720", 720, 2'500'000), video("v720hi", 720, 3'000'000),
                 audio("a64", 64'000, "en"),    audio("a128", 128'000, "de")};
    return p;
}

// An HLS master: video-only variants with AUDIO groups, renditions with playlists.
Presentation hls_master() {
    Presentation p;
    p.is_master = true;
    Stream lo = video("hls-800000-0", 360, 800'000);
    lo.audio_group = "low";
    Stream hi = video("hls-4000000-1", 720, 4'000'000);
    hi.audio_group = "high";
    p.streams = {lo, hi};
    const auto rendition = [](std::string group, std::string id, bool is_default) {
        Rendition r;
        r.group_id = std::move(group);
        r.is_default = is_default;
        r.stream.id = std::move(id);
        r.stream.type = StreamType::Audio;
        r.stream.playlist_url = "http://x/" + r.stream.id + ".m3u8";
        return r;
    };
    p.renditions = {rendition("low", "hls-audio-low-en", true), rendition("high", "hls-audio-high-de", false),
                    rendition("high", "hls-audio-high-en", true)};
    return p;
}

std::vector<std::string> ids(const Presentation& p, std::string_view spec) {
    auto result = select_formats(p, spec);
    if (auto* e = std::get_if<Error>(&result)) return {"error: " + e->message};
    std::vector<std::string> out;
    for (const auto& f : std::get<std::vector<SelectedFormat>>(result)) out.push_back(f.stream->id);
    return out;
}

Error error_of(const Presentation& p, std::string_view spec) {
    auto result = select_formats(p, spec);
    if (auto* e = std::get_if<Error>(&result)) return *e;
    return {};
}

TEST(StreamFormatSelector, DefaultIsBestVideoPlusBestAudio) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ids(dash(), ""), (V{"v1080", "a128"}));
    EXPECT_EQ(ids(dash(), "best"), (V{"v1080", "a128"}));
    EXPECT_EQ(ids(dash(), "bestvideo+bestaudio"), (V{"v1080", "a128"}));
    EXPECT_EQ(ids(dash(), "worst"), (V{"v360", "a64"}));
}

TEST(StreamFormatSelector, HighestResolutionThenBandwidth) {
    Presentation p = dash();
    p.streams.erase(p.streams.begin() + 1);  // no 1080p
    EXPECT_EQ(ids(p, "bestvideo"), std::vector<std::string>{"v720hi"});
}

TEST(StreamFormatSelector, QualityPreferenceListTakesTheFirstAvailable) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ids(dash(), "1080,720,best"), (V{"v1080", "a128"}));
    EXPECT_EQ(ids(dash(), "2160,720,best"), (V{"v720hi", "a128"}));
    EXPECT_EQ(ids(dash(), "2160p/480p/best"), (V{"v1080", "a128"}));
    EXPECT_EQ(ids(dash(), "720p"), (V{"v720hi", "a128"}));
}

TEST(StreamFormatSelector, HeightConditions) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ids(dash(), "height<=720"), (V{"v720hi", "a128"}));
    EXPECT_EQ(ids(dash(), "best[height<=720]"), (V{"v720hi", "a128"}));
    EXPECT_EQ(ids(dash(), "bestvideo[height<720]+worstaudio"), (V{"v360", "a64"}));
    EXPECT_EQ(ids(dash(), "bestvideo[height>=720][bandwidth<2600000]"), (V{"v720"}));
    EXPECT_EQ(ids(dash(), "height<100/best"), (V{"v1080", "a128"}));
}

TEST(StreamFormatSelector, ExplicitIds) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ids(dash(), "v720"), (V{"v720"}));
    EXPECT_EQ(ids(dash(), "a64+v360"), (V{"v360", "a64"}));  // video goes first
    EXPECT_EQ(ids(dash(), "v360+v360"), (V{"v360"}));
    EXPECT_EQ(ids(dash(), "bestaudio"), (V{"a128"}));
}

TEST(StreamFormatSelector, AnIdWinsOverAHeight) {
    Presentation p = dash();
    p.streams.push_back(video("720", 240, 100'000));
    EXPECT_EQ(ids(p, "720"), std::vector<std::string>{"720"});
    EXPECT_EQ(ids(p, "720p"), (std::vector<std::string>{"v720hi", "a128"}));
}

TEST(StreamFormatSelector, HlsAudioComesFromTheVariantsGroupDefaultFirst) {
    using V = std::vector<std::string>;
    EXPECT_EQ(ids(hls_master(), ""), (V{"hls-4000000-1", "hls-audio-high-en"}));
    EXPECT_EQ(ids(hls_master(), "360"), (V{"hls-800000-0", "hls-audio-low-en"}));
    EXPECT_EQ(ids(hls_master(), "hls-4000000-1+hls-audio-high-de"),
              (V{"hls-4000000-1", "hls-audio-high-de"}));
}

TEST(StreamFormatSelector, MuxedStreamNeedsNoAudio) {
    Presentation p;
    p.streams = {video("hls-1", 480, 1'000'000, StreamType::Muxed),
                 video("hls-2", 720, 2'000'000, StreamType::Muxed)};
    EXPECT_EQ(ids(p, ""), std::vector<std::string>{"hls-2"});
    Presentation media_playlist;
    Stream s;
    s.id = "hls-media";
    media_playlist.streams = {s};
    EXPECT_EQ(ids(media_playlist, ""), std::vector<std::string>{"hls-media"});
    EXPECT_EQ(ids(media_playlist, "best"), std::vector<std::string>{"hls-media"});
}

TEST(StreamFormatSelector, AudioOnlyPresentation) {
    Presentation p;
    p.streams = {audio("a1", 64'000), audio("a2", 96'000)};
    EXPECT_EQ(ids(p, ""), std::vector<std::string>{"a2"});
    EXPECT_EQ(error_of(p, "bestvideo").reason, FailReason::Usage);
}

TEST(StreamFormatSelector, UnavailableAndMalformedSpecsAreUsageErrors) {
    const Error missing = error_of(dash(), "nope");
    EXPECT_EQ(missing.reason, FailReason::Usage);
    EXPECT_NE(missing.message.find("'nope' is not available"), std::string::npos) << missing.message;
    EXPECT_NE(missing.message.find("v1080"), std::string::npos) << missing.message;
    EXPECT_EQ(error_of(dash(), "2160").reason, FailReason::Usage);
    EXPECT_EQ(error_of(dash(), "best[colour=red]").reason, FailReason::Usage);
    EXPECT_EQ(error_of(dash(), "best[height<=720").reason, FailReason::Usage);
    EXPECT_EQ(error_of(dash(), "v360+").reason, FailReason::Usage);
    EXPECT_EQ(error_of(dash(), "1080,,best").reason, FailReason::Usage);
}

TEST(StreamFormatSelector, SubtitlesAndDrmAreNeverChosen) {
    Presentation p = dash();
    p.streams[1].drm_protected = true;  // v1080
    Stream subs;
    subs.id = "subs";
    subs.type = StreamType::Subtitle;
    p.streams.push_back(subs);
    EXPECT_EQ(ids(p, ""), (std::vector<std::string>{"v720hi", "a128"}));
    EXPECT_EQ(error_of(p, "v1080").reason, FailReason::Unsupported);
    EXPECT_EQ(error_of(p, "subs").reason, FailReason::Unsupported);
}

TEST(StreamFormatSelector, ListingTable) {
    const std::string table = format_table(hls_master());
    EXPECT_EQ(table,
              "ID                 TYPE   RESOLUTION  BANDWIDTH  AVERAGE  CODECS       AUDIO                 "
              "LANGUAGE  NAME\n"
              "hls-audio-high-de  audio  audio only  -          -        -            group high            -"
              "         -\n"
              "hls-audio-high-en  audio  audio only  -          -        -            group high (default)  -"
              "         -\n"
              "hls-audio-low-en   audio  audio only  -          -        -            group low (default)   -"
              "         -\n"
              "hls-800000-0       video  640x360     800k       -        avc1.64001f  group low             -"
              "         -\n"
              "hls-4000000-1      video  1280x720    4000k      -        avc1.64001f  group high            -"
              "         -\n");
    const std::string dash_table = format_table(dash());
    EXPECT_NE(dash_table.find(
                  "\na128    audio  audio only  128k       -        mp4a.40.2    -         de        -\n"),
              std::string::npos)
        << dash_table;
    EXPECT_NE(dash_table.find(
                  "\nv1080   video  1920x1080   5000k      -        avc1.64001f  separate  -         -\n"),
              std::string::npos)
        << dash_table;
}

// The row of `table` for format `id`, its columns separated by single spaces.
std::string row_of(const std::string& table, const std::string& id) {
    std::size_t at = 0;
    while (at < table.size()) {
        const std::size_t end = table.find('\n', at);
        const std::string line = table.substr(at, end - at);
        at = end == std::string::npos ? table.size() : end + 1;
        if (!line.starts_with(id + " ")) continue;
        std::string collapsed;
        for (char c : line)
            if (c != ' ' || (!collapsed.empty() && collapsed.back() != ' ')) collapsed += c;
        return collapsed;
    }
    return "<no row " + id + ">";
}

media::Presentation parsed_master(std::string_view text) {
    auto parsed = media::parse_hls(text, "https://vod.example.com/title/master.m3u8");
    if (auto* e = std::get_if<Error>(&parsed)) {
        ADD_FAILURE() << e->message;
        return {};
    }
    return std::get<media::Presentation>(std::move(parsed));
}

// As broadcasters publish a title with audio description and a dub: the main audio is muxed into
// every variant (DEFAULT=YES without URI), the alternates have playlists and are not defaults.
constexpr const char* kMuxedDefaultAudio = R"(#EXTM3U
#EXT-X-VERSION:4
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-aacl-128",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-aacl-128",LANGUAGE="en",NAME="English - Audio Description",DEFAULT=NO,AUTOSELECT=NO,CHARACTERISTICS="public.accessibility.describes-video",CHANNELS="2",URI="audio/en-ad/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio-aacl-128",LANGUAGE="fr",NAME="Francais",DEFAULT=NO,AUTOSELECT=NO,CHANNELS="6",URI="audio/fr/index.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="textstream",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=1473000,AVERAGE-BANDWIDTH=1225000,CODECS="avc1.4D401F,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=25,AUDIO="audio-aacl-128",SUBTITLES="textstream",CLOSED-CAPTIONS=NONE
video/540/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3790000,AVERAGE-BANDWIDTH=3150000,CODECS="avc1.64001F,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25,AUDIO="audio-aacl-128",SUBTITLES="textstream",CLOSED-CAPTIONS=NONE
video/720/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=620000,AVERAGE-BANDWIDTH=520000,CODECS="avc1.4D401E,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=25,AUDIO="audio-aacl-128",SUBTITLES="textstream",CLOSED-CAPTIONS=NONE
video/360/index.m3u8
)";

TEST(StreamFormatSelector, MuxedDefaultAudioIsNotReplacedByANonDefaultAlternate) {
    using V = std::vector<std::string>;
    const media::Presentation p = parsed_master(kMuxedDefaultAudio);
    ASSERT_EQ(p.streams.size(), 3U);
    for (const auto& variant : p.streams) EXPECT_EQ(variant.type, StreamType::Muxed) << variant.id;
    EXPECT_EQ(ids(p, ""), (V{"hls-3790000-1"}));
    EXPECT_EQ(ids(p, "worst"), (V{"hls-620000-2"}));
    EXPECT_EQ(ids(p, "540p"), (V{"hls-1473000-0"}));
    // The alternates stay available by id, and as bestaudio.
    EXPECT_EQ(ids(p, "hls-3790000-1+hls-audio-audio-aacl-128-Francais"),
              (V{"hls-3790000-1", "hls-audio-audio-aacl-128-Francais"}));
    EXPECT_EQ(ids(p, "bestaudio"), (V{"hls-audio-audio-aacl-128-Francais"}));  // 6 channels

    const std::string table = format_table(p);
    EXPECT_EQ(row_of(table, "hls-3790000-1"),
              "hls-3790000-1 video+audio 1280x720 3790k 3150k avc1.64001F,mp4a.40.2 included - -")
        << table;
    EXPECT_EQ(row_of(table, "hls-audio-audio-aacl-128-Francais"),
              "hls-audio-audio-aacl-128-Francais audio audio only - - - group audio-aacl-128 fr Francais")
        << table;
}

TEST(StreamFormatSelector, DefaultRenditionWithAPlaylistIsAddedToAVariantWithAudioInside) {
    using V = std::vector<std::string>;
    const media::Presentation p = parsed_master(R"(#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en",NAME="Original",DEFAULT=NO,AUTOSELECT=YES
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="de",NAME="Deutsch",DEFAULT=YES,AUTOSELECT=YES,URI="de.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2000000,CODECS="avc1.64001F,mp4a.40.2",RESOLUTION=1280x720,AUDIO="aud"
v720.m3u8
)");
    EXPECT_EQ(ids(p, ""), (V{"hls-2000000-0", "hls-audio-aud-Deutsch"}));
}

TEST(StreamFormatSelector, VideoOnlyVariantsTakeTheirGroupsDefault) {
    using V = std::vector<std::string>;
    const media::Presentation p = parsed_master(R"(#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="stereo",LANGUAGE="es",NAME="Espanol",DEFAULT=NO,AUTOSELECT=NO,CHANNELS="6",URI="a/es.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="stereo",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="a/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=5000000,CODECS="avc1.640028",RESOLUTION=1920x1080,AUDIO="stereo"
v1080.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=640x360,AUDIO="stereo"
v360.m3u8
)");
    EXPECT_EQ(p.streams[0].type, StreamType::Video);
    EXPECT_EQ(p.streams[1].type, StreamType::Video);  // no CODECS, but its audio is all separate
    EXPECT_EQ(ids(p, ""), (V{"hls-5000000-0", "hls-audio-stereo-English"}));
    EXPECT_EQ(ids(p, "worst"), (V{"hls-1000000-1", "hls-audio-stereo-English"}));
}

TEST(StreamFormatSelector, BestRanksByAverageBandwidthWhenGiven) {
    using V = std::vector<std::string>;
    // Two 1080p encodes: the one with the higher peak is the lower quality on average.
    const media::Presentation p = parsed_master(R"(#EXTM3U
#EXT-X-STREAM-INF:BANDWIDTH=9000000,AVERAGE-BANDWIDTH=4000000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080
bursty.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=7000000,AVERAGE-BANDWIDTH=6000000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080
steady.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=8000000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080
peak-only.m3u8
)");
    EXPECT_EQ(ids(p, ""), (V{"hls-8000000-2"}));  // 8M peak (no average) > 6M average > 4M average
    EXPECT_EQ(ids(p, "worst"), (V{"hls-9000000-0"}));
    const std::string table = format_table(p);
    EXPECT_EQ(row_of(table, "hls-9000000-0"),
              "hls-9000000-0 video+audio 1920x1080 9000k 4000k avc1.640028,mp4a.40.2 included - -")
        << table;
    EXPECT_EQ(row_of(table, "hls-8000000-2"),
              "hls-8000000-2 video+audio 1920x1080 8000k - avc1.640028,mp4a.40.2 included - -")
        << table;
}

}  // namespace
}  // namespace arina::stream
