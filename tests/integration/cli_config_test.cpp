// `arina config show|path|init` and the settings flags, through the real binary. The config
// directory is a temporary one (XDG_CONFIG_HOME, set through env(1): no shell).

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "support/test_support.hpp"

namespace arina {
namespace {

constexpr const char* kYoutube = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

class CliConfig : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path file = dir.path() / "arina" / "config.toml";

    test::RunResult arina(std::vector<std::string> args) {
        std::vector<std::string> argv{"/usr/bin/env", "XDG_CONFIG_HOME=" + dir.path().string(), ARINA_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_program(argv, 60);
    }
};

// The lines of `text` that are not comments.
std::vector<std::string> setting_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.starts_with("#")) out.push_back(line);
    return out;
}

std::string line_of(const std::string& text, const std::string& key) {
    for (const auto& line : setting_lines(text))
        if (line.starts_with(key + " ")) return line;
    return "(no " + key + ")";
}

TEST_F(CliConfig, ShowForAYoutubeUrlWithoutAConfigFile) {
    const auto r = arina({"config", "show", kYoutube});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output,
              "# config file: none (it does not exist)\n"
              "preset = \"stable\"                               # default\n"
              "platform = \"youtube\"                            # host www.youtube.com\n"
              "max_workers = 4                                 # preset stable\n"
              "concurrent_fragments = 6                        # profile youtube\n"
              "max_connections_per_host = 8                    # default\n"
              "fragment_retries = 10                           # default\n"
              "retries = 10                                    # default\n"
              "http_chunk_size = 10485760                      # preset stable\n"
              "socket_timeout = 30                             # default\n"
              "rate_limit = 0                                  # default\n"
              "retry_sleep = 1                                 # default\n"
              "retry_sleep_max = 30                            # default\n"
              "output_dir = \".\"                                # default\n"
              "continue_partial = true                         # default\n"
              "overwrite = false                               # default\n"
              "skip_unavailable_fragments = false              # default\n"
              "live_duration = 0                               # default\n"
              "database = \"\"                                   # default\n"
              "user_agent = \"arina/0.1\"                        # default\n"
              "proxy = \"\"                                      # default\n"
              "cookies = \"\"                                    # default\n"
              "headers = []                                    # default\n"
              "check_certificate = true                        # default\n"
              "ca_certificate = \"\"                             # default\n"
              "quality_preference = [\"1080\", \"720\", \"best\"]    # profile youtube\n"
              "age_verification = []                           # default\n"
              "request_interval = 0                            # default\n"
              "ytdlp_path = \"\"                                 # default\n"
              "ytdlp_timeout = 120                             # default\n"
              "cookies_from_browser = \"\"                       # default\n"
              "extractor_args = []                             # default\n"
              "output_template = \"\"                            # default\n"
              "write_subs = false                              # default\n"
              "embed_subs = false                              # default\n"
              "sub_langs = \"\"                                  # default\n"
              "embed_metadata = true                           # default\n"
              "embed_thumbnail = false                         # default\n");
}

TEST_F(CliConfig, PathIsTheXdgOneOrTheNamedOne) {
    auto r = arina({"config", "path"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.output, file.string() + "\n");
    r = arina({"config", "path", "--config", "/some/where.toml"});
    EXPECT_EQ(r.output, "/some/where.toml\n");
}

TEST_F(CliConfig, InitThenShowRoundTrip) {
    const auto before = arina({"config", "show", kYoutube});
    auto r = arina({"config", "init"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "wrote " + file.string() + "\n");
    ASSERT_TRUE(std::filesystem::exists(file));
    // An existing file is kept unless --force.
    r = arina({"config", "init"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, "arina: " + file.string() + " exists (--force overwrites it)\n");
    EXPECT_EQ(arina({"config", "init", "--force"}).exit_code, 0);

    // The commented file changes nothing...
    const auto after = arina({"config", "show", kYoutube});
    ASSERT_EQ(after.exit_code, 0) << after.output;
    EXPECT_EQ(after.output.substr(0, after.output.find('\n')), "# config file: " + file.string());
    EXPECT_EQ(setting_lines(after.output), setting_lines(before.output));

    // ...until a line is uncommented: the file's line shows as the origin.
    std::string text = test::read_file(file);
    const auto at = text.find("# retries = 10\n");
    ASSERT_NE(at, std::string::npos);
    const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
    text.replace(at, std::string_view("# retries = 10\n").size(), "retries = 3\n");
    text += "[platforms.youtube]\nconcurrent_fragments = 9\n";
    test::write_file(file, text);
    const auto lines = std::count(text.begin(), text.end(), '\n');
    r = arina({"config", "show", kYoutube});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(line_of(r.output, "retries"), "retries = 3                                     # config file " +
                                                file.string() + ":" + std::to_string(line));
    EXPECT_EQ(line_of(r.output, "concurrent_fragments"),
              "concurrent_fragments = 9                        # config file " + file.string() + ":" +
                  std::to_string(lines));
}

TEST_F(CliConfig, ABrokenFileIsRejectedNamingFileLineAndKey) {
    test::write_file(file, "retries = 3\nconcurrent_fragments = 0\n");
    const std::string message =
        "arina: " + file.string() + ":2: concurrent_fragments: must be between 1 and 64, got 0\n";
    auto r = arina({"config", "show"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, message);
    // A download is refused the same way, before anything starts.
    r = arina({"-P", dir.path().string(), "http://127.0.0.1:9/file"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, message);
    // --ignore-config reads no file.
    EXPECT_EQ(arina({"config", "show", "--ignore-config"}).exit_code, 0);
    // --config names another one, which must exist.
    r = arina({"config", "show", "--config", (dir.path() / "missing.toml").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.output, "arina: --config: no such file: '" + (dir.path() / "missing.toml").string() + "'\n");
}

TEST_F(CliConfig, FlagsAreTheCommandLineLayer) {
    test::write_file(file, "concurrent_fragments = 5\nextractor_args = [\"youtube:skip=dash\"]\n");
    const auto r = arina({"config",
                          "show",
                          "-N",
                          "7",
                          "--preset",
                          "high-performance",
                          "--yt-dlp",
                          "/opt/yt-dlp",
                          "--yt-dlp-timeout",
                          "30",
                          "--cookies-from-browser",
                          "firefox",
                          "--extractor-args",
                          "youtube:player_client=web",
                          "--extractor-args",
                          "generic:impersonate",
                          "-o",
                          "%(title)s [%(id)s].%(ext)s",
                          "-P",
                          "/tmp/videos",
                          "--write-subs",
                          "--sub-langs",
                          "en,de",
                          "--embed-subs",
                          "--no-embed-metadata",
                          "--embed-thumbnail",
                          kYoutube});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto shown = [&](const std::string& key) {
        const std::string line = line_of(r.output, key);
        const auto value_end = line.find("    # ");
        auto value = line.substr(0, value_end);
        value.erase(value.find_last_not_of(' ') + 1);
        return value + " # " + line.substr(value_end + 6);
    };
    EXPECT_EQ(shown("preset"), "preset = \"high_performance\" # command line");
    EXPECT_EQ(shown("concurrent_fragments"), "concurrent_fragments = 7 # command line");
    EXPECT_EQ(shown("max_workers"), "max_workers = 8 # preset high_performance (command line)");
    EXPECT_EQ(shown("ytdlp_path"), "ytdlp_path = \"/opt/yt-dlp\" # command line");
    EXPECT_EQ(shown("ytdlp_timeout"), "ytdlp_timeout = 30 # command line");
    EXPECT_EQ(shown("cookies_from_browser"), "cookies_from_browser = \"firefox\" # command line");
    EXPECT_EQ(shown("extractor_args"),
              "extractor_args = [\"youtube:player_client=web\", \"generic:impersonate\"] # command line");
    EXPECT_EQ(shown("output_template"), "output_template = \"%(title)s [%(id)s].%(ext)s\" # command line");
    EXPECT_EQ(shown("output_dir"), "output_dir = \"/tmp/videos\" # command line");
    EXPECT_EQ(shown("write_subs"), "write_subs = true # command line");
    EXPECT_EQ(shown("sub_langs"), "sub_langs = \"en,de\" # command line");
    EXPECT_EQ(shown("embed_subs"), "embed_subs = true # command line");
    EXPECT_EQ(shown("embed_metadata"), "embed_metadata = false # command line");
    EXPECT_EQ(shown("embed_thumbnail"), "embed_thumbnail = true # command line");
    // -o without a template field stays a file name, not a template.
    const auto literal = arina({"config", "show", "-o", "clip.mp4", kYoutube});
    EXPECT_EQ(line_of(literal.output, "output_template").substr(0, 20), "output_template = \"\"");
}

TEST_F(CliConfig, APlainFileOnAnUnknownHostKeepsTheAutomaticCount) {
    const auto r = arina({"config", "show", "https://example.com/watch/123"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string line = line_of(r.output, "concurrent_fragments");
    EXPECT_EQ(line.substr(0, line.find(' ', 23)), "concurrent_fragments = 3");
    EXPECT_EQ(line.substr(line.find("    # ")), "    # profile generic");
    EXPECT_NE(
        r.output.find(
            "\n# a plain file or manifest at this URL: concurrent_fragments = \"auto\"    # preset stable\n"),
        std::string::npos)
        << r.output;
}

}  // namespace
}  // namespace arina
