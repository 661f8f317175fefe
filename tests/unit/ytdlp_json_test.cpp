// yt-dlp's --dump-single-json output mapped onto Arina's media model, on fixtures shaped as
// current yt-dlp writes them (tests/fixtures/ytdlp/) and on hostile variants.

#include "extract/ytdlp_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/test_support.hpp"

namespace arina::extract {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(ARINA_TEST_FIXTURES) / "ytdlp";

Extraction fixture(const std::string& name) {
    const std::string text = test::read_file(kFixtures / name);
    EXPECT_FALSE(text.empty()) << name;
    auto result = parse_ytdlp_json(text);
    if (auto* error = std::get_if<JsonSyntaxError>(&result)) ADD_FAILURE() << error->detail;
    return std::get<Extraction>(std::move(result));
}

Extraction mapped(const std::string& json_text) {
    auto result = parse_ytdlp_json(json_text);
    EXPECT_TRUE(std::holds_alternative<Extraction>(result)) << json_text;
    return std::get<Extraction>(std::move(result));
}

const media::Stream& stream(const Extraction& e, const std::string& id) {
    const auto& streams = e.presentation.streams;
    const auto it = std::find_if(streams.begin(), streams.end(), [&](const auto& s) { return s.id == id; });
    if (it == streams.end()) throw std::runtime_error("no stream " + id);
    return *it;
}

std::vector<std::string> ids(const Extraction& e) {
    std::vector<std::string> out;
    for (const auto& s : e.presentation.streams) out.push_back(s.id);
    return out;
}

bool warned(const Extraction& e, const std::string& part) {
    return std::any_of(e.warnings.begin(), e.warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

TEST(YtDlpJson, YoutubeVideoInfo) {
    const auto e = fixture("youtube_video.json");
    EXPECT_EQ(e.kind, ExtractorKind::YtDlp);
    EXPECT_EQ(e.info.id, "aqz-KE-bpKQ");
    EXPECT_EQ(e.info.title, "Big Buck Bunny 60fps 4K - Official Blender Foundation Short Film");
    EXPECT_EQ(e.info.extractor, "Youtube");
    EXPECT_EQ(e.info.uploader, "Blender");
    EXPECT_EQ(e.info.upload_date, "20140523");
    EXPECT_EQ(e.info.thumbnail_url, "https://i.ytimg.com/vi_webp/aqz-KE-bpKQ/maxresdefault.webp");
    EXPECT_EQ(e.info.webpage_url, "https://www.youtube.com/watch?v=aqz-KE-bpKQ");
    ASSERT_TRUE(e.info.duration);
    EXPECT_DOUBLE_EQ(*e.info.duration, 635);
    EXPECT_FALSE(e.is_playlist());
}

TEST(YtDlpJson, YoutubeSeparateVideoAndAudioOverHttps) {
    const auto e = fixture("youtube_video.json");
    // The storyboard (mhtml) is left out, named in a warning; everything else is kept in order.
    EXPECT_EQ(ids(e), (std::vector<std::string>{"139", "249", "140", "251", "160", "134", "136", "247", "137",
                                                "248", "18", "140-dash", "299-dash"}));
    EXPECT_TRUE(warned(e, "1 format left out: 'mhtml storyboards'")) << testing::PrintToString(e.warnings);

    const auto& video = stream(e, "137");
    EXPECT_EQ(video.type, media::StreamType::Video);
    EXPECT_EQ(video.codecs, "avc1.640028");
    EXPECT_EQ(video.width, 1920);
    EXPECT_EQ(video.height, 1080);
    EXPECT_EQ(video.frame_rate, 24.0);
    EXPECT_EQ(video.bandwidth, 2621860);
    EXPECT_EQ(video.container, media::Container::Fmp4);  // yt-dlp's "mp4_dash"
    EXPECT_TRUE(video.fragments.empty());
    EXPECT_TRUE(video.playlist_url.empty());
    const auto& vx = e.extras.at("137");
    EXPECT_EQ(vx.protocol, "https");
    EXPECT_EQ(vx.ext, "mp4");
    EXPECT_EQ(vx.format_note, "1080p");
    ASSERT_TRUE(vx.filesize);
    EXPECT_EQ(*vx.filesize, 207962150);
    EXPECT_EQ(vx.file_url.rfind("https://rr3---sn-4g5lznlz.googlevideo.com/videoplayback?expire=", 0), 0U);
    EXPECT_NE(vx.file_url.find("itag=137"), std::string::npos);
    EXPECT_EQ(vx.http_headers.size(), 4U);
    EXPECT_NE(std::find(vx.http_headers.begin(), vx.http_headers.end(), "Accept-Language: en-us,en;q=0.5"),
              vx.http_headers.end());

    const auto& audio = stream(e, "251");
    EXPECT_EQ(audio.type, media::StreamType::Audio);
    EXPECT_EQ(audio.codecs, "opus");
    EXPECT_EQ(audio.language, "en");
    EXPECT_EQ(audio.sample_rate, 48000);
    EXPECT_EQ(audio.audio_channels, 2);
    EXPECT_EQ(audio.bandwidth, 134711);
    EXPECT_EQ(audio.container, media::Container::Webm);
    EXPECT_FALSE(audio.width);

    const auto& muxed = stream(e, "18");
    EXPECT_EQ(muxed.type, media::StreamType::Muxed);
    EXPECT_EQ(muxed.codecs, "avc1.42001E,mp4a.40.2");
    EXPECT_EQ(muxed.container, media::Container::Unknown);  // a progressive mp4, not fragmented
    EXPECT_FALSE(e.extras.at("18").filesize);               // only filesize_approx: not exact
}

TEST(YtDlpJson, YoutubeDashFragmentsJoinTheBaseUrl) {
    const auto e = fixture("youtube_video.json");
    const auto& dash = stream(e, "299-dash");
    EXPECT_EQ(dash.type, media::StreamType::Video);
    EXPECT_EQ(dash.container, media::Container::Fmp4);
    EXPECT_EQ(dash.frame_rate, 60.0);
    ASSERT_EQ(dash.fragments.size(), 127U);
    EXPECT_FALSE(dash.init);  // every fragment has a duration: none is an init section
    const std::string base =
        "https://rr3---sn-4g5lznlz.googlevideo.com/videoplayback/expire/1764700000/ei/abc/ip/203.0.113.7/id/"
        "o-AL9x/itag/299/"
        "source/yt_otf/requiressl/yes/sig/AJfQdSswRQIh/";
    EXPECT_EQ(dash.fragments[0].url, base + "sq/0");
    EXPECT_EQ(dash.fragments[126].url, base + "sq/126");
    EXPECT_DOUBLE_EQ(dash.fragments[0].duration, 5.0);
    EXPECT_DOUBLE_EQ(dash.fragments[126].duration, 4.566);
    EXPECT_DOUBLE_EQ(dash.fragments[126].start, 630.0);
    EXPECT_EQ(dash.fragments[126].sequence, 126);
    EXPECT_EQ(e.extras.at("299-dash").protocol, "http_dash_segments");
    EXPECT_TRUE(e.extras.at("299-dash").file_url.empty());
    // Fragments in use: a DASH presentation; formats from several sources: no one manifest URL.
    EXPECT_EQ(e.presentation.kind, media::ManifestKind::Dash);
    EXPECT_TRUE(e.manifest_url.empty());
    ASSERT_TRUE(e.presentation.duration);
    EXPECT_DOUBLE_EQ(*e.presentation.duration, 635);
}

TEST(YtDlpJson, YoutubeSubtitlesAndAutomaticCaptions) {
    const auto e = fixture("youtube_video.json");
    // en: 6 formats of subtitles; automatic: en and de, 6 each. Without a URL (fr) or over a
    // protocol other than http(s) (live_chat) they are left out.
    ASSERT_EQ(e.subtitles.size(), 18U);
    const auto manual =
        std::count_if(e.subtitles.begin(), e.subtitles.end(), [](auto& s) { return !s.automatic; });
    EXPECT_EQ(manual, 6);
    const auto& first = e.subtitles[0];
    EXPECT_EQ(first.language, "en");
    EXPECT_EQ(first.ext, "json3");
    EXPECT_EQ(first.name, "English (Original)");
    EXPECT_FALSE(first.automatic);
    EXPECT_NE(first.url.find("fmt=json3"), std::string::npos);
    const auto& last = e.subtitles.back();
    EXPECT_TRUE(last.automatic);
    EXPECT_EQ(last.language, "en");  // languages in yt-dlp's key order: de, en, live_chat
    EXPECT_EQ(last.ext, "vtt");
    EXPECT_NE(last.url.find("kind=asr"), std::string::npos);
    EXPECT_TRUE(warned(e, "subtitles over 'youtube_live_chat_replay' left out"));
}

TEST(YtDlpJson, HlsSiteVariantsWithTheirOwnHeaders) {
    const auto e = fixture("hls_site.json");
    EXPECT_EQ(ids(e), (std::vector<std::string>{"hls-464", "hls-1262", "hls-2732", "hls-5384"}));
    EXPECT_EQ(e.presentation.kind, media::ManifestKind::Hls);
    EXPECT_TRUE(e.presentation.is_master);
    EXPECT_EQ(e.manifest_url,
              "https://cdn.videohost.example/hls/9f8e7d/master.m3u8?token=Zm9vYmFy&expires=1764700000");
    const auto& best = stream(e, "hls-5384");
    EXPECT_EQ(best.playlist_url,
              "https://cdn.videohost.example/hls/9f8e7d/1080p/index.m3u8?token=Zm9vYmFy&expires=1764700000");
    EXPECT_EQ(best.type, media::StreamType::Muxed);
    EXPECT_EQ(best.height, 1080);
    EXPECT_EQ(best.bandwidth, 5384710);
    EXPECT_EQ(best.codecs, "avc1.640028,mp4a.40.2");
    const auto& headers = e.extras.at("hls-5384").http_headers;
    EXPECT_NE(
        std::find(headers.begin(), headers.end(), "Referer: https://www.videohost.example/video/9f8e7d"),
        headers.end());
    EXPECT_NE(std::find(headers.begin(), headers.end(), "Origin: https://www.videohost.example"),
              headers.end());
    EXPECT_NE(std::find(headers.begin(), headers.end(), "X-Playback-Session-Id: session-1080"),
              headers.end());
    const auto& low = e.extras.at("hls-464").http_headers;
    EXPECT_NE(std::find(low.begin(), low.end(), "X-Playback-Session-Id: session-240"), low.end());
    EXPECT_TRUE(e.extras.at("hls-5384").file_url.empty());
    ASSERT_EQ(e.subtitles.size(), 1U);
    EXPECT_EQ(e.subtitles[0].url, "https://cdn.videohost.example/subs/9f8e7d/en.vtt");
    EXPECT_TRUE(e.warnings.empty()) << testing::PrintToString(e.warnings);
}

TEST(YtDlpJson, XvideosMixOfFilesAndHls) {
    const auto e = fixture("xvideos_mix.json");
    EXPECT_EQ(ids(e), (std::vector<std::string>{"mp4-low", "mp4-high", "hls-250p", "hls-360p", "hls-480p",
                                                "hls-720p", "hls-1080p"}));
    EXPECT_EQ(e.presentation.kind, media::ManifestKind::Hls);
    EXPECT_TRUE(e.manifest_url.empty());  // the mp4 files are not in the HLS master
    const auto& high = e.extras.at("mp4-high");
    EXPECT_EQ(high.file_url,
              "https://mp4-cdn77.xvideos-cdn.com/3f1a2b/videos/mp4/a/b/c/"
              "xvideos.com_abcdef123.mp4?e=1764700000&ri=1024&rs=85&h=9e8d");
    ASSERT_TRUE(high.filesize);
    EXPECT_EQ(*high.filesize, 48318382);
    EXPECT_EQ(stream(e, "mp4-high").type, media::StreamType::Muxed);  // codecs not stated: muxed
    EXPECT_EQ(stream(e, "hls-720p").playlist_url,
              "https://hls-cdn77.xvideos-cdn.com/3f1a2b/videos/hls/ab/cd/ef/abcdef123/"
              "hls-720p-8c3a1.m3u8?e=1764700000&l=0&h=5f4c");
    const auto& headers = e.extras.at("hls-720p").http_headers;
    EXPECT_EQ(headers.size(), 5U);
    EXPECT_EQ(headers[2], "Referer: https://www.xvideos.com/video.okhvkfd3b27/example_clip");  // in key order
    // thumbnail null: the preferred one of thumbnails[].
    EXPECT_EQ(e.info.thumbnail_url,
              "https://thumb-cdn77.xvideos-cdn.com/3f1a2b/videos/thumbs169poster/ab/cd/ef/abcdef123/"
              "abcdef123.30.jpg");
    EXPECT_EQ(e.info.extractor, "XVideos");
}

TEST(YtDlpJson, FlatPlaylistOfFiftyEntries) {
    const auto e = fixture("flat_playlist.json");
    ASSERT_TRUE(e.is_playlist());
    ASSERT_EQ(e.entries.size(), 50U);
    EXPECT_EQ(e.playlist_title, "Introduction to Algorithms");
    EXPECT_EQ(e.info.extractor, "YoutubeTab");
    EXPECT_TRUE(e.presentation.streams.empty());
    EXPECT_EQ(e.entries[0].url, "https://www.youtube.com/watch?v=vid0000abcd");
    EXPECT_EQ(e.entries[0].id, "vid0000abcd");
    EXPECT_EQ(e.entries[0].title, "Lecture 1: topic number 1");
    EXPECT_EQ(e.entries[0].index, 1);
    EXPECT_EQ(e.entries[49].index, 50);
    EXPECT_EQ(e.entries[49].url, "https://www.youtube.com/watch?v=vid0049abcd");
    EXPECT_TRUE(e.warnings.empty()) << testing::PrintToString(e.warnings);
}

TEST(YtDlpJson, PlaylistEntriesNullBareIdsAndFullVideos) {
    const auto e = mapped(R"({"_type":"playlist","title":"mixed","entries":[
        null,
        {"_type":"url","ie_key":"Youtube","id":"dQw4w9WgXcQ","url":"dQw4w9WgXcQ"},
        {"_type":"video","id":"x","webpage_url":"https://site.example/v/x","url":"https://cdn.example/x.mp4","playlist_index":7},
        {"_type":"url","url":"file:///etc/passwd"}]})");
    ASSERT_EQ(e.entries.size(), 2U);
    EXPECT_EQ(e.entries[0].url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    EXPECT_EQ(e.entries[0].index, 2);
    EXPECT_EQ(e.entries[1].url, "https://site.example/v/x");  // the page, not the media URL
    EXPECT_EQ(e.entries[1].index, 7);
    EXPECT_TRUE(warned(e, "2 playlist entries left out"));
}

TEST(YtDlpJson, SeveralVideosOfOnePageBecomeTheirMedia) {
    // yt-dlp's generic extractor on a page with two <video>s: full entries whose webpage_url is
    // the page itself. Taking it would extract the same playlist again, for ever.
    const std::string page = "http://127.0.0.1:8/two.html";
    const std::string entry =
        R"json({"id":"two-N","title":"Two clips (N)","url":"http://127.0.0.1:8/clipN.mp4",
        "webpage_url":"http://127.0.0.1:8/two.html","playlist_index":N,"formats":[]})json";
    auto numbered = [&](char n) {
        std::string text = entry;
        std::replace(text.begin(), text.end(), 'N', n);
        return text;
    };
    const auto e = mapped(R"({"_type":"playlist","title":"Two clips","webpage_url":")" + page +
                          R"(","entries":[)" + numbered('1') + "," + numbered('2') + "]}");
    ASSERT_EQ(e.entries.size(), 2U);
    EXPECT_EQ(e.entries[0].url, "http://127.0.0.1:8/clip1.mp4");
    EXPECT_EQ(e.entries[0].title, "Two clips (1)");
    EXPECT_EQ(e.entries[1].url, "http://127.0.0.1:8/clip2.mp4");
    EXPECT_EQ(e.entries[1].index, 2);
}

TEST(YtDlpJson, DirectMediaAtTopLevel) {
    const auto e = fixture("direct_media.json");
    ASSERT_EQ(ids(e), std::vector<std::string>{"webm"});
    const auto& x = e.extras.at("webm");
    EXPECT_EQ(x.file_url, "https://media.example.org/files/clip.webm");
    EXPECT_EQ(x.ext, "webm");
    EXPECT_EQ(stream(e, "webm").container, media::Container::Webm);
    EXPECT_EQ(stream(e, "webm").type, media::StreamType::Muxed);
    EXPECT_EQ(e.info.extractor, "Generic");
}

TEST(YtDlpJson, DashInitSectionAndManifestOnlyFormats) {
    // yt-dlp lists a DASH Initialization as the first fragment, without a duration.
    const auto e =
        mapped(R"({"id":"d","formats":[{"format_id":"v1","protocol":"http_dash_segments","ext":"mp4",
        "vcodec":"avc1.4d401f","acodec":"none","manifest_url":"https://s.example/a/manifest.mpd",
        "fragment_base_url":"https://s.example/a/v1/","fragments":[{"path":"init.mp4"},
        {"path":"seg-1.m4s","duration":4},{"url":"https://other.example/seg-2.m4s","duration":2.5}]},
        {"format_id":"a1","protocol":"http_dash_segments_native","ext":"webm","vcodec":"none","acodec":"opus",
        "manifest_url":"https://s.example/a/manifest.mpd","fragment_base_url":"https://s.example/a/a1/",
        "fragments":[{"path":"0.webm","duration":4}]}]})");
    const auto& v = stream(e, "v1");
    ASSERT_TRUE(v.init);
    EXPECT_EQ(v.init->url, "https://s.example/a/v1/init.mp4");
    ASSERT_EQ(v.fragments.size(), 2U);
    EXPECT_EQ(v.fragments[0].url, "https://s.example/a/v1/seg-1.m4s");
    EXPECT_EQ(v.fragments[0].sequence, 0);
    EXPECT_EQ(v.fragments[1].url, "https://other.example/seg-2.m4s");
    EXPECT_DOUBLE_EQ(v.fragments[1].start, 4);
    EXPECT_EQ(stream(e, "a1").container, media::Container::Webm);
    EXPECT_EQ(e.presentation.kind, media::ManifestKind::Dash);
    EXPECT_EQ(e.manifest_url, "https://s.example/a/manifest.mpd");

    // A live MPD: formats without fragments. No stream, the manifest to download instead.
    const auto live = mapped(R"({"id":"l","formats":[{"format_id":"v","protocol":"http_dash_segments",
        "manifest_url":"https://live.example/x.mpd","url":"https://live.example/x.mpd","vcodec":"avc1","acodec":"none"}]})");
    EXPECT_TRUE(live.presentation.streams.empty());
    EXPECT_EQ(live.manifest_url, "https://live.example/x.mpd");
    EXPECT_TRUE(warned(live, "only as a DASH manifest"));
}

TEST(YtDlpJson, HostileValuesAreIgnoredWithWarnings) {
    const auto e = fixture("hostile.json");
    EXPECT_EQ(e.info.id, "");             // an array: ignored
    EXPECT_EQ(e.info.extractor, "evil");  // extractor_key was a number
    EXPECT_EQ(e.info.upload_date, "");
    EXPECT_FALSE(e.info.duration);
    EXPECT_EQ(e.info.thumbnail_url, "");  // file:// is never taken
    EXPECT_EQ(e.info.webpage_url, "");
    EXPECT_EQ(e.info.title,
              std::string("../../etc/passwd\0\nrm -rf /", 26));  // kept: names are sanitised later
    // Kept: "odd" (its bad fields dropped), the duplicate id renamed, the id-less HLS format.
    EXPECT_EQ(ids(e), (std::vector<std::string>{"odd", "odd-10", "format-14"}));
    const auto& odd = stream(e, "odd");
    EXPECT_FALSE(odd.height);
    EXPECT_FALSE(odd.width);
    EXPECT_FALSE(odd.frame_rate);
    EXPECT_EQ(odd.bandwidth, 0);
    EXPECT_EQ(odd.codecs, "");
    EXPECT_EQ(odd.language, "");
    EXPECT_FALSE(e.extras.at("odd").filesize);
    EXPECT_EQ(e.extras.at("odd").http_headers, std::vector<std::string>{"Referer: https://example.com/"});
    EXPECT_EQ(stream(e, "odd-10").bandwidth, 0);  // 1e308 kbit/s is not a bitrate
    EXPECT_FALSE(stream(e, "odd-10").height);
    EXPECT_EQ(stream(e, "format-14").playlist_url, "https://cdn.example.com/no-id.m3u8");
    ASSERT_EQ(e.subtitles.size(), 1U);  // null, "nope" and ftp:// left out; a bad ext only loses the ext
    EXPECT_EQ(e.subtitles[0].url, "https://example.com/de.vtt");
    EXPECT_EQ(e.subtitles[0].ext, "");
    // Warnings are capped (20 notes, 20 details, a count) and name what was left out first.
    EXPECT_LE(e.warnings.size(), 41U);
    EXPECT_TRUE(warned(e, "'rtmp'")) << testing::PrintToString(e.warnings);
    EXPECT_TRUE(warned(e, "'f4m'"));
    EXPECT_TRUE(warned(e, "'ism'"));
    EXPECT_TRUE(warned(e, "'DRM'"));
    EXPECT_TRUE(warned(e, "'a URL that is not http(s)'"));
    for (const auto& w : e.warnings)
        EXPECT_EQ(w.find_first_of(std::string("\r\n\0", 3)), std::string::npos) << w;
}

TEST(YtDlpJson, NotAnObjectOrNotJson) {
    const auto null_doc = mapped("null");  // what yt-dlp prints on stdout when it fails
    EXPECT_TRUE(null_doc.presentation.streams.empty());
    EXPECT_EQ(null_doc.warnings,
              std::vector<std::string>{"yt-dlp JSON: the document is null, not an object"});
    auto broken = parse_ytdlp_json(R"({"id": "x", "formats": [)");
    ASSERT_TRUE(std::holds_alternative<JsonSyntaxError>(broken));
    EXPECT_EQ(std::get<JsonSyntaxError>(broken).byte_offset, 25U);
    auto not_utf8 = parse_ytdlp_json("{\"title\": \"\xff\"}");
    ASSERT_TRUE(std::holds_alternative<JsonSyntaxError>(not_utf8));
    EXPECT_EQ(std::get<JsonSyntaxError>(not_utf8).byte_offset, 12U);
    // A number beyond a double is nlohmann's out_of_range, not a parse_error: still not JSON we take.
    auto huge = parse_ytdlp_json(R"({"duration": 1e999})");
    ASSERT_TRUE(std::holds_alternative<JsonSyntaxError>(huge));
    EXPECT_EQ(std::get<JsonSyntaxError>(huge).detail,
              "[json.exception.out_of_range.406] number overflow parsing '1e999'");
}

TEST(YtDlpJson, DeepNestingDoesNotOverflow) {
    const std::string deep = "{\"formats\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const auto e = mapped(deep);
    EXPECT_TRUE(e.presentation.streams.empty());
}

}  // namespace
}  // namespace arina::extract
