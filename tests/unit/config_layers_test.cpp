// Settings layers: defaults < preset < config file < platform profile < command line, each value
// with its origin; config file errors naming file, line and key; the profile a task runs with.

#include "core/config_layers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "core/config_file.hpp"
#include "core/download_factory.hpp"
#include "core/profile_settings.hpp"
#include "extract/ytdlp_extractor.hpp"
#include "support/test_support.hpp"

namespace arina {
namespace {

constexpr const char* kYoutube = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

class ConfigLayersTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path path = dir.path() / "config.toml";

    void write(const std::string& text) {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    ConfigLayers load(const std::string& text) {
        write(text);
        auto loaded = ConfigLayers::from_file(path);
        if (auto* err = std::get_if<Error>(&loaded)) ADD_FAILURE() << err->message;
        return std::get<ConfigLayers>(loaded);
    }
    std::string error_of(const std::string& text) {
        write(text);
        auto loaded = ConfigLayers::from_file(path);
        auto* err = std::get_if<Error>(&loaded);
        if (!err) return "(loaded)";
        EXPECT_EQ(err->reason, FailReason::Usage);
        return err->message;
    }
    std::string at(int line) const { return "config file " + path.string() + ":" + std::to_string(line); }
};

// "key = value    # origin" of one key, as `arina config show` prints it.
std::string show(const std::vector<EffectiveSetting>& settings, std::string_view key) {
    for (const auto& s : settings)
        if (s.key == key) return s.value + "    # " + s.origin;
    return "(missing)";
}

TEST_F(ConfigLayersTest, DefaultsAndTheStablePreset) {
    const auto s = ConfigLayers{}.explain();
    EXPECT_EQ(show(s, "preset"), "\"stable\"    # default");
    EXPECT_EQ(show(s, "max_workers"), "4    # preset stable");
    EXPECT_EQ(show(s, "concurrent_fragments"), "\"auto\"    # preset stable");
    EXPECT_EQ(show(s, "http_chunk_size"), "10485760    # preset stable");
    EXPECT_EQ(show(s, "retries"), "10    # default");
    EXPECT_EQ(show(s, "socket_timeout"), "30    # default");
    EXPECT_EQ(show(s, "embed_metadata"), "true    # default");
    EXPECT_EQ(show(s, "ytdlp_timeout"), "120    # default");
    EXPECT_EQ(show(s, "extractor_args"), "[]    # default");
    EXPECT_EQ(show(s, "platform"), "(missing)");  // no URL, no platform
}

TEST_F(ConfigLayersTest, EachLayerOverridesTheOneBelow) {
    auto layers = load(
        "preset = \"high-performance\"\n"               // 1
        "retries = 3\n"                                 // 2
        "concurrent_fragments = 5\n"                    // 3
        "max_workers = 6\n"                             // 4
        "\n"                                            // 5
        "[platforms.youtube]\n"                         // 6
        "quality_preference = [\"720\", \"best\"]\n");  // 7
    // preset < config file
    auto s = layers.explain();
    EXPECT_EQ(show(s, "preset"), "\"high_performance\"    # " + at(1));
    EXPECT_EQ(show(s, "http_chunk_size"), "20971520    # preset high_performance");
    EXPECT_EQ(show(s, "max_workers"), "6    # " + at(4));
    EXPECT_EQ(show(s, "retries"), "3    # " + at(2));
    EXPECT_EQ(show(s, "concurrent_fragments"), "5    # " + at(3));
    // config file < platform profile (and the file's own override of a profile field)
    s = layers.explain(kYoutube);
    EXPECT_EQ(show(s, "platform"), "\"youtube\"    # host www.youtube.com");
    EXPECT_EQ(show(s, "concurrent_fragments"), "6    # profile youtube");
    EXPECT_EQ(show(s, "quality_preference"), "[\"720\", \"best\"]    # " + at(7));
    EXPECT_EQ(show(s, "max_workers"), "6    # " + at(4));
    // profile < command line
    ASSERT_FALSE(layers.set("concurrent_fragments", std::int64_t{2}));
    ASSERT_FALSE(layers.set("retries", std::int64_t{7}));
    s = layers.explain(kYoutube);
    EXPECT_EQ(show(s, "concurrent_fragments"), "2    # command line");
    EXPECT_EQ(show(s, "retries"), "7    # command line");
    // resolve_for runs what explain prints
    const Config c = layers.resolve_for(kYoutube);
    EXPECT_EQ(c.concurrent_fragments, 2);
    EXPECT_EQ(c.quality_preference, (std::vector<std::string>{"720", "best"}));
    EXPECT_EQ(c.max_workers, 6);
    EXPECT_EQ(c.http_chunk_size, 20 * 1024 * 1024);
}

TEST_F(ConfigLayersTest, APresetOnTheCommandLineBeatsFileAndProfileButNotFlags) {
    auto layers = load("concurrent_fragments = 5\nmax_workers = 6\n");
    ASSERT_FALSE(layers.set_preset("conservative"));
    ASSERT_FALSE(layers.set("max_workers", std::int64_t{3}));
    const auto s = layers.explain(kYoutube);
    EXPECT_EQ(show(s, "preset"), "\"conservative\"    # command line");
    EXPECT_EQ(show(s, "concurrent_fragments"), "2    # preset conservative (command line)");
    EXPECT_EQ(show(s, "http_chunk_size"), "5242880    # preset conservative (command line)");
    EXPECT_EQ(show(s, "max_workers"), "3    # command line");
    EXPECT_EQ(show(s, "quality_preference"), "[\"1080\", \"720\", \"best\"]    # profile youtube");
    EXPECT_EQ(layers.set_preset("fast").message,
              "preset: unknown preset \"fast\" (high_performance, stable or conservative)");
}

TEST_F(ConfigLayersTest, TheGenericProfileIsForPagesNotFilesOrManifests) {
    const ConfigLayers layers;
    const std::string url = "https://example.com/videos/123";
    auto s = layers.explain(url, UrlKind::Page);
    EXPECT_EQ(show(s, "platform"), "\"generic\"    # host example.com");
    EXPECT_EQ(show(s, "concurrent_fragments"), "3    # profile generic");
    s = layers.explain(url, UrlKind::Direct);
    EXPECT_EQ(show(s, "platform"),
              "\"generic\"    # host example.com; plain files and manifests take no generic profile");
    EXPECT_EQ(show(s, "concurrent_fragments"), "\"auto\"    # preset stable");
    // A known platform's profile applies to its files too.
    EXPECT_EQ(
        show(layers.explain("https://www.xvideos.com/video1/x", UrlKind::Direct), "concurrent_fragments"),
        "4    # profile xvideos");
}

TEST_F(ConfigLayersTest, PlatformsOfTheUsersOwn) {
    auto layers = load(
        "[platforms.mysite]\n"                          // 1
        "hosts = [\"Example.com\", \"*.vids.test\"]\n"  // 2
        "concurrent_fragments = 2\n"                    // 3
        "request_interval = 1.5\n"                      // 4
        "extractor_args = [\"generic:impersonate\"]\n"  // 5
        "[platforms.pornhub]\n"                         // 6
        "age_verification = []\n");                     // 7
    auto s = layers.explain("https://cdn.example.com:8443/watch/1");
    EXPECT_EQ(show(s, "platform"), "\"mysite\"    # host cdn.example.com, hosts from " + path.string());
    EXPECT_EQ(show(s, "concurrent_fragments"), "2    # " + at(3));
    EXPECT_EQ(show(s, "request_interval"), "1.5    # " + at(4));
    EXPECT_EQ(show(s, "extractor_args"), "[\"generic:impersonate\"]    # " + at(5));
    EXPECT_EQ(show(layers.explain("https://a.vids.test/"), "platform").substr(0, 8), "\"mysite\"");
    s = layers.explain("https://www.pornhub.com/view_video.php?viewkey=x");
    EXPECT_EQ(show(s, "age_verification"), "[]    # " + at(7));
    EXPECT_EQ(show(s, "quality_preference"), "[\"720\", \"best\"]    # profile pornhub");
    const Config c = layers.resolve_for("https://example.com/");
    EXPECT_EQ(c.request_interval, 1.5);
    EXPECT_EQ(ytdlp_profile_args(c), (std::vector<std::string>{"--extractor-args", "generic:impersonate",
                                                               "--sleep-requests", "1.5"}));
}

TEST_F(ConfigLayersTest, FileErrorsNameFileLineAndKey) {
    const std::string p = path.string();
    EXPECT_EQ(error_of("retries = 2\nconcurrent_fragments = 0\n"),
              p + ":2: concurrent_fragments: must be between 1 and 64, got 0");
    EXPECT_EQ(error_of("\n\nmax_worker = 3\n"), p + ":3: max_worker: unknown setting");
    EXPECT_EQ(error_of("max_workers = \"4\"\n"), p + ":1: max_workers: expected an integer, got a string");
    EXPECT_EQ(error_of("socket_timeout = 0\n"),
              p + ":1: socket_timeout: must be between 0.1 and 86400, got 0");
    EXPECT_EQ(error_of("rate_limit = -1.5\n"), p + ":1: rate_limit: must be at least 0, got -1.5");
    EXPECT_EQ(error_of("http_chunk_size = \"1K\"\n"),
              p + ":1: http_chunk_size: must be at least 65536, got 1024");
    EXPECT_EQ(error_of("http_chunk_size = \"ten\"\n"),
              p + ":1: http_chunk_size: expected a size such as \"10M\", got \"ten\"");
    EXPECT_EQ(error_of("write_subs = 1\n"), p + ":1: write_subs: expected true or false, got an integer");
    EXPECT_EQ(error_of("extractor_args = \"youtube:x=y\"\n"),
              p + ":1: extractor_args: expected a list of strings, got a string");
    EXPECT_EQ(error_of("extractor_args = [1, 2]\n"),
              p + ":1: extractor_args: expected a list of strings, got a list of other things than strings");
    EXPECT_EQ(error_of("headers = [\"NoColon\"]\n"),
              p + ":1: headers: expected \"Name: value\", got \"NoColon\"");
    EXPECT_EQ(error_of("preset = \"fast\"\n"),
              p + ":1: preset: unknown preset \"fast\" (high_performance, stable or conservative)");
    EXPECT_EQ(error_of("concurrent_fragments = \"many\"\n"),
              p + ":1: concurrent_fragments: expected an integer or \"auto\", got \"many\"");
    EXPECT_EQ(error_of("concurrent_fragments = 1.5\n"),
              p + ":1: concurrent_fragments: expected an integer or \"auto\", got a number");
    EXPECT_EQ(error_of("[platforms.youtube]\nconcurrent_fragments = 65\n"),
              p + ":2: platforms.youtube.concurrent_fragments: must be between 1 and 64, got 65");
    EXPECT_EQ(error_of("[platforms.youtube]\noutput_dir = \"x\"\n"),
              p + ":2: platforms.youtube.output_dir: not a platform setting (a platform table takes hosts, "
                  "concurrent_fragments, max_connections_per_host, headers, quality_preference, "
                  "age_verification, request_interval, extractor_args)");
    EXPECT_EQ(error_of("[platforms.mysite]\nconcurrent_fragments = 2\n"),
              p + ":1: platforms.mysite: not a built-in platform (youtube, pornhub, xvideos, generic); a "
                  "platform of your own needs hosts = [\"example.com\"]");
    EXPECT_EQ(
        error_of("[platforms.mysite]\nhosts = [\"example.com/x\"]\n"),
        p + ":2: platforms.mysite.hosts: expected a host such as \"example.com\", got \"example.com/x\"");
    // Several problems: the first one in the file is reported.
    EXPECT_EQ(error_of("zzz = 1\nretries = -1\n"), p + ":1: zzz: unknown setting");
    EXPECT_EQ(error_of("retries = 1\nzzz = 1\naaa = 2\n"), p + ":2: zzz: unknown setting");
    // Not TOML at all: the parser's own words, with the line.
    EXPECT_EQ(error_of("a = 1\nmax_workers = = 3\n").rfind(p + ":2: ", 0), 0u);
    // Config::load_file reports the same.
    write("max_workers = 0\n");
    auto loaded = Config::load_file(path);
    ASSERT_TRUE(std::holds_alternative<Error>(loaded));
    EXPECT_EQ(std::get<Error>(loaded).message, p + ":1: max_workers: must be between 1 and 64, got 0");
}

TEST_F(ConfigLayersTest, TheExtractionSettingsAreSettableInTheFile) {
    write(
        "ytdlp_path = \"/opt/yt-dlp\"\n"
        "ytdlp_timeout = 45\n"
        "cookies_from_browser = \"firefox\"\n"
        "extractor_args = [\"youtube:player_client=web\"]\n"
        "output_template = \"%(title)s.%(ext)s\"\n"
        "write_subs = true\n"
        "embed_subs = true\n"
        "sub_langs = \"en,de\"\n"
        "embed_metadata = false\n"
        "embed_thumbnail = true\n"
        "headers = [\"X-A: 1\"]\n"
        "http_chunk_size = \"2M\"\n");
    auto loaded = Config::load_file(path);
    ASSERT_TRUE(std::holds_alternative<Config>(loaded)) << std::get<Error>(loaded).message;
    const Config c = std::get<Config>(loaded);
    EXPECT_EQ(c.ytdlp_path, "/opt/yt-dlp");
    EXPECT_EQ(c.ytdlp_timeout, 45.0);
    EXPECT_EQ(c.cookies_from_browser, "firefox");
    EXPECT_EQ(c.extractor_args, (std::vector<std::string>{"youtube:player_client=web"}));
    EXPECT_EQ(c.output_template, "%(title)s.%(ext)s");
    EXPECT_TRUE(c.write_subs);
    EXPECT_TRUE(c.embed_subs);
    EXPECT_EQ(c.sub_langs, "en,de");
    EXPECT_FALSE(c.embed_metadata);
    EXPECT_TRUE(c.embed_thumbnail);
    EXPECT_EQ(c.http.headers, (std::vector<std::string>{"X-A: 1"}));
    EXPECT_EQ(c.http_chunk_size, 2 * 1024 * 1024);
}

TEST_F(ConfigLayersTest, AnAutomaticCountIsTheDefaultAndAnyCountGivenWins) {
    // "auto" in the file, on a platform and from the command line parses; a number anywhere wins.
    auto layers = load(
        "concurrent_fragments = \"auto\"\nmax_connections_per_host = 12\n"
        "[platforms.youtube]\nconcurrent_fragments = \"auto\"\n");
    EXPECT_EQ(show(layers.explain(), "concurrent_fragments"), "\"auto\"    # " + at(1));
    Config c = layers.resolve();
    EXPECT_EQ(c.concurrent_fragments, kAutoConnections);
    EXPECT_EQ(layers.resolve_for(kYoutube).concurrent_fragments, kAutoConnections);
    // A plain file's job finds its count up to the per-host budget; a stream keeps 4 fragments.
    const DownloadTask task{.url = "https://example.com/file.iso"};
    auto job = file_job_for(task, c);
    EXPECT_TRUE(job.auto_connections);
    EXPECT_EQ(job.connections, 12);
    EXPECT_EQ(stream_job_for(task, c).connections, kAutoStreamFragments);
    c.max_connections_per_host = 0;  // no budget: at most 16
    EXPECT_EQ(file_job_for(task, c).connections, 16);
    // -N 6 (or a task's own count) is a fixed count.
    ASSERT_FALSE(layers.set("concurrent_fragments", std::int64_t{6}));
    job = file_job_for(task, layers.resolve());
    EXPECT_FALSE(job.auto_connections);
    EXPECT_EQ(job.connections, 6);
    DownloadTask fixed = task;
    fixed.concurrent_fragments = 3;
    EXPECT_FALSE(file_job_for(fixed, c).auto_connections);
    EXPECT_EQ(file_job_for(fixed, c).connections, 3);
    // A preset's count is a fixed count too; -N auto on the command line beats it.
    ConfigLayers preset;
    preset.set_preset("high_performance");
    EXPECT_EQ(preset.resolve().concurrent_fragments, 8);
    ASSERT_FALSE(preset.set("concurrent_fragments", std::string("auto")));
    EXPECT_EQ(preset.resolve().concurrent_fragments, kAutoConnections);
    EXPECT_EQ(show(preset.explain(), "concurrent_fragments"), "\"auto\"    # command line");
}

TEST_F(ConfigLayersTest, TheInitFileParsesToTheDefaults) {
    write(default_config_text());
    auto loaded = ConfigLayers::from_file(path);
    ASSERT_TRUE(std::holds_alternative<ConfigLayers>(loaded)) << std::get<Error>(loaded).message;
    EXPECT_EQ(std::get<ConfigLayers>(loaded).explain(kYoutube), ConfigLayers{}.explain(kYoutube));
    // Every key is in it, commented out with its default.
    for (const auto& s : ConfigLayers{}.explain())
        if (s.key != "platform") {
            EXPECT_NE(default_config_text().find("\n# " + s.key + " = " + s.value + "\n"), std::string::npos)
                << s.key;
        }
}

TEST_F(ConfigLayersTest, TheDesktopAppsFileLoads) {
    Config settings;
    settings.max_workers = 7;
    settings.rate_limit = 512.0 * 1024;
    ASSERT_FALSE(save_config_file(path, settings, "high-performance"));
    auto loaded = ConfigLayers::from_file(path);
    ASSERT_TRUE(std::holds_alternative<ConfigLayers>(loaded)) << std::get<Error>(loaded).message;
    const auto s = std::get<ConfigLayers>(loaded).explain();
    EXPECT_EQ(show(s, "preset").substr(0, 18), "\"high_performance\"");
    const Config c = std::get<ConfigLayers>(loaded).resolve();
    EXPECT_EQ(c.max_workers, 7);
    EXPECT_EQ(c.rate_limit, 512.0 * 1024);
    // A Config loaded from the file keeps its platform tables through a save.
    write("[platforms.youtube]\nconcurrent_fragments = 9\n");
    auto from_file = Config::load_file(path);
    ASSERT_TRUE(std::holds_alternative<Config>(from_file));
    settings = std::get<Config>(from_file);
    settings.max_workers = 7;
    ASSERT_FALSE(save_config_file(path, settings, "stable"));
    loaded = ConfigLayers::from_file(path);
    ASSERT_TRUE(std::holds_alternative<ConfigLayers>(loaded)) << std::get<Error>(loaded).message;
    EXPECT_EQ(std::get<ConfigLayers>(loaded).resolve_for(kYoutube).concurrent_fragments, 9);
    EXPECT_EQ(std::get<ConfigLayers>(loaded).resolve_for(kYoutube).max_workers, 7);
}

TEST_F(ConfigLayersTest, TheDesktopAppsPlatformTablesLoad) {
    write("[platforms.youtube]\nconcurrent_fragments = 9\n[platforms.xvideos]\nrequest_interval = 2.0\n");
    auto from_file = Config::load_file(path);
    ASSERT_TRUE(std::holds_alternative<Config>(from_file));
    Config settings = std::get<Config>(from_file);
    auto find = [&](const std::string& name) {
        return std::find_if(settings.platforms.begin(), settings.platforms.end(),
                            [&](const extract::Platform& p) { return p.name == name; });
    };
    // Edited: youtube's connections, a host added to pornhub, xvideos back to its built-in
    // profile, and a platform of the user's own.
    find("youtube")->profile.concurrent_fragments = 2;
    find("youtube")->profile.quality_preference = std::vector<std::string>{"480", "best"};
    find("xvideos")->profile.request_interval.reset();
    extract::Platform mine{"mysite", {"videos.example.org"}, {}};
    mine.profile.max_connections_per_host = 3;
    mine.profile.headers = std::vector<std::string>{"X-Token: a, b"};
    settings.platforms.insert(settings.platforms.begin(), mine);
    const extract::PlatformProfile pornhub = find("pornhub")->profile;
    settings.platforms.insert(settings.platforms.begin(),
                              extract::Platform{"pornhub", {"ph.example"}, pornhub});
    ASSERT_FALSE(save_config_file(path, settings));

    auto loaded = ConfigLayers::from_file(path);
    ASSERT_TRUE(std::holds_alternative<ConfigLayers>(loaded)) << std::get<Error>(loaded).message;
    const ConfigLayers& layers = std::get<ConfigLayers>(loaded);
    EXPECT_EQ(layers.resolve_for(kYoutube).concurrent_fragments, 2);
    EXPECT_EQ(layers.resolve_for(kYoutube).quality_preference, (std::vector<std::string>{"480", "best"}));
    const Config own = layers.resolve_for("https://videos.example.org/watch/1");
    EXPECT_EQ(own.max_connections_per_host, 3);
    const Config plain = layers.resolve();
    EXPECT_EQ(extract::PlatformDetector(plain.platforms).detect("https://ph.example/v"), "pornhub");
    EXPECT_EQ(extract::PlatformDetector(plain.platforms).detect("https://www.pornhub.com/v"), "pornhub");
    // Only what differs from the built-in profiles is written.
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("xvideos"), std::string::npos) << text;
    EXPECT_EQ(text.find("age_verified"), std::string::npos) << text;
    EXPECT_NE(text.find("X-Token: a, b"), std::string::npos) << text;
    // Loaded again, every platform has the profile it was saved with.
    const Config again = std::get<Config>(Config::load_file(path));
    ASSERT_EQ(again.platforms.size(), settings.platforms.size());
    for (const auto& p : settings.platforms) {
        const auto same = std::find_if(again.platforms.begin(), again.platforms.end(),
                                       [&](const auto& q) { return q.name == p.name && q.hosts == p.hosts; });
        ASSERT_NE(same, again.platforms.end()) << p.name;
        EXPECT_EQ(same->profile, p.profile) << p.name;
    }

    // A platform of the user's own without hosts would not load: nothing is written.
    settings.platforms.insert(settings.platforms.begin(), extract::Platform{"nohosts", {}, {}});
    const Error refused = save_config_file(path, settings);
    EXPECT_EQ(refused.reason, FailReason::Usage);
    EXPECT_NE(refused.message.find("platforms.nohosts: not a built-in platform"), std::string::npos)
        << refused.message;
    EXPECT_EQ(std::get<Config>(Config::load_file(path)).platforms.size(), again.platforms.size());
}

TEST(ProfileSettings, ATaskRunsWithItsPlatformsProfile) {
    const Config config;
    DownloadTask task;
    task.url = kYoutube;
    auto p = apply_platform_profile(task, config, UrlKind::Direct);
    EXPECT_EQ(p.task.concurrent_fragments, 6);
    EXPECT_EQ(p.task.quality_preference, (std::vector<std::string>{"1080", "720", "best"}));
    // The task's own values win.
    task.concurrent_fragments = 3;
    task.format = "bestaudio";
    p = apply_platform_profile(task, config, UrlKind::Direct);
    EXPECT_EQ(p.task.concurrent_fragments, 3);
    EXPECT_TRUE(p.task.quality_preference.empty());
    // A plain file on an unknown host keeps the configured connections (automatic by default); a
    // page takes generic's.
    task = DownloadTask{.url = "https://example.com/file.iso"};
    EXPECT_EQ(apply_platform_profile(task, config, UrlKind::Direct).task.concurrent_fragments,
              kAutoConnections);
    EXPECT_EQ(apply_platform_profile(task, config, UrlKind::Page).task.concurrent_fragments, 3);
    // The age gate's cookies travel as a request header, to the site's own servers only.
    task = DownloadTask{.url = "https://de.pornhub.com/view_video.php?viewkey=x"};
    p = apply_platform_profile(task, config, UrlKind::Page);
    EXPECT_TRUE(p.config.http.headers.empty());
    ASSERT_EQ(p.config.http.origin_headers.size(), 1u);
    const net::OriginHeaders& site = p.config.http.origin_headers[0];
    EXPECT_EQ(site.headers, (std::vector<std::string>{"Cookie: age_verified=1; accessAgeDisclaimerPH=1"}));
    EXPECT_EQ(site.origins, (std::vector<std::string>{"https://de.pornhub.com:443"}));
    EXPECT_TRUE(site.applies_to("https://www.pornhub.com:443"));
    EXPECT_TRUE(site.applies_to("http://pornhub.com:80"));
    EXPECT_FALSE(site.applies_to("https://cv.phncdn.com:443"));
    EXPECT_FALSE(site.applies_to("https://pornhub.com.evil.example:443"));
    EXPECT_FALSE(site.applies_to("https://notpornhub.com:443"));
    EXPECT_EQ(extract_request_for(p).http.origin_headers.size(), 1u);
    const auto youtube = apply_platform_profile(DownloadTask{.url = kYoutube}, config, UrlKind::Page);
    EXPECT_TRUE(youtube.config.http.headers.empty());
    EXPECT_TRUE(youtube.config.http.origin_headers.empty());
}

TEST(ProfileSettings, AProfilesHeadersJoinTheUsersOwnAndStayWithTheSite) {
    ConfigLayers layers;
    ASSERT_FALSE(layers.set("headers", std::vector<std::string>{"X-Mine: always"}));
    Config config = layers.resolve();
    extract::Platform site{.name = "site", .hosts = {"video.example"}};
    site.profile.headers = std::vector<std::string>{"X-Site: yes"};
    site.profile.age_verification = std::vector<std::string>{"over18=1"};
    config.platforms.insert(config.platforms.begin(), site);
    const auto p = apply_platform_profile(DownloadTask{.url = "https://www.video.example/watch/1"}, config,
                                          UrlKind::Page);
    // The user's header goes everywhere, as before; the site's only to the site.
    EXPECT_EQ(p.config.http.headers, (std::vector<std::string>{"X-Mine: always"}));
    ASSERT_EQ(p.config.http.origin_headers.size(), 1u);
    EXPECT_EQ(p.config.http.origin_headers[0].headers,
              (std::vector<std::string>{"X-Site: yes", "Cookie: over18=1"}));
    EXPECT_TRUE(p.config.http.origin_headers[0].applies_to("https://cdn.video.example:443"));
    EXPECT_FALSE(p.config.http.origin_headers[0].applies_to("https://cdn.example:443"));
    // yt-dlp, which talks to the site, gets both.
    const auto args = extract::ytdlp_arguments(extract_request_for(p));
    const auto has = [&](const std::string& a) {
        return std::find(args.begin(), args.end(), a) != args.end();
    };
    EXPECT_TRUE(has("X-Mine:always"));
    EXPECT_TRUE(has("X-Site:yes"));
    EXPECT_TRUE(has("Cookie:over18=1"));
}

TEST(ProfileSettings, TheCommandLineIsNotOverriddenByAProfile) {
    ConfigLayers layers;
    ASSERT_FALSE(layers.set("concurrent_fragments", std::int64_t{5}));
    ASSERT_FALSE(layers.set("max_connections_per_host", std::int64_t{4}));
    const Config config = layers.resolve();
    const auto p = apply_platform_profile(DownloadTask{.url = kYoutube}, config, UrlKind::Page);
    // -N 5 holds for YouTube too, capped by the per-host budget of 4.
    EXPECT_EQ(p.task.concurrent_fragments, 4);
    EXPECT_EQ(p.task.quality_preference, (std::vector<std::string>{"1080", "720", "best"}));
    EXPECT_EQ(layers.set("concurrent_fragments", std::int64_t{0}).message,
              "concurrent_fragments: must be between 1 and 64, got 0");
    EXPECT_EQ(layers.set("concurrent_fragments", std::string("al")).message,
              "concurrent_fragments: expected an integer or \"auto\", got \"al\"");
    EXPECT_EQ(layers.set("nosuch", true).message, "nosuch: unknown setting");
}

}  // namespace
}  // namespace arina
