#include "media_fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "support/test_support.hpp"

namespace arina::test::media {
namespace {

namespace fs = std::filesystem;

TempDir& work_dir() {
    static TempDir dir;
    return dir;
}

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && fs::exists(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    return "/usr/bin/" + name;
}

const std::string& ffmpeg_program() {
    static const std::string path = find_program("ffmpeg");
    return path;
}

const std::string& ffprobe_program() {
    static const std::string path = find_program("ffprobe");
    return path;
}

RunResult run_ffmpeg_program(std::vector<std::string> args) {
    args.insert(args.begin(), {ffmpeg_program(), "-hide_banner", "-nostdin", "-v", "error", "-y"});
    const RunResult result = run_program(args, 120);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return result;
}

bool run_ffmpeg(std::vector<std::string> args) {
    return run_ffmpeg_program(std::move(args)).exit_code == 0;
}

// One still picture of the test pattern, encoded by `codec_args` into `out`.
bool make_picture(const fs::path& out, std::vector<std::string> codec_args) {
    std::vector<std::string> args{"-f", "lavfi", "-i", "testsrc2=size=320x180", "-frames:v", "1"};
    args.insert(args.end(), codec_args.begin(), codec_args.end());
    args.push_back(out.string());
    return run_ffmpeg(args);
}

// The same picture and tone recipe for every fixture: small, and quick to encode. The length is an output
// option, so it must come after all inputs.
std::vector<std::string> av_source(const std::string& pattern, const std::string& hz) {
    return {"-f", "lavfi", "-i", pattern + "=size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=" + hz + ":sample_rate=44100"};
}

std::vector<std::string> seconds(const std::string& length) {
    return {"-t", length};
}

const std::vector<std::string> kH264 = {"-c:v", "libx264", "-preset", "ultrafast", "-bf",
                                        "2",    "-g",      "25",      "-pix_fmt",  "yuv420p"};
const std::vector<std::string> kAac = {"-c:a", "aac", "-b:a", "64k"};
const std::vector<std::string> kFragmented = {"-f", "mp4", "-movflags",
                                              "frag_keyframe+empty_moov+default_base_moof"};

std::vector<std::string> join(std::initializer_list<std::vector<std::string>> parts) {
    std::vector<std::string> all;
    for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

bool make_hls_fmp4(const fs::path& out) {
    const fs::path dir = work_dir() / "hls";
    fs::create_directories(dir);
    if (!run_ffmpeg(join({av_source("testsrc2", "440"),
                          seconds("4"),
                          kH264,
                          kAac,
                          {"-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_playlist_type",
                           "vod", "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename",
                           (dir / "seg%d.m4s").string(), (dir / "index.m3u8").string()}})))
        return false;
    std::vector<fs::path> parts{dir / "init.mp4"};
    for (int i = 0; fs::exists(dir / ("seg" + std::to_string(i) + ".m4s")); ++i)
        parts.push_back(dir / ("seg" + std::to_string(i) + ".m4s"));
    EXPECT_GT(parts.size(), 2u) << "expected several HLS segments";
    concatenate(parts, out);
    return true;
}

bool make_pcm_mkv(const fs::path& out) {
    const fs::path srt = work_dir() / "captions.srt";
    write_file(srt, "1\n00:00:00,100 --> 00:00:00,800\nHello\n\n");
    return run_ffmpeg(join({av_source("testsrc2", "440"),
                            {"-i", srt.string(), "-map", "0", "-map", "1", "-map", "2"},
                            seconds("1"),
                            kH264,
                            {"-c:a", "pcm_s16le", "-c:s", "srt", "-f", "matroska", out.string()}}));
}

bool make(const std::string& name, const fs::path& out) {
    if (name == "av.ts")
        return run_ffmpeg(
            join({av_source("testsrc2", "440"), seconds("4"), kH264, kAac, {"-f", "mpegts", out.string()}}));
    if (name == "other.ts")
        return run_ffmpeg(
            join({av_source("testsrc", "880"), seconds("3"), kH264, kAac, {"-f", "mpegts", out.string()}}));
    if (name == "late.ts")
        return run_ffmpeg(join({av_source("testsrc", "880"),
                                seconds("3"),
                                kH264,
                                kAac,
                                {"-output_ts_offset", "100", "-f", "mpegts", out.string()}}));
    if (name == "video.mp4")
        return run_ffmpeg(join({{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"},
                                seconds("4"),
                                kH264,
                                kFragmented,
                                {out.string()}}));
    if (name == "audio.mp4")
        return run_ffmpeg(join({{"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"},
                                seconds("4"),
                                kAac,
                                kFragmented,
                                {out.string()}}));
    if (name == "hls_fmp4.mp4") return make_hls_fmp4(out);
    if (name == "pcm.mkv") return make_pcm_mkv(out);
    if (name == "vp9.webm")
        return run_ffmpeg(join({av_source("testsrc2", "440"),
                                seconds("2"),
                                {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a",
                                 "libopus", "-f", "webm", out.string()}}));
    if (name == "vorbis.webm")
        return run_ffmpeg(join({av_source("testsrc2", "440"),
                                seconds("1"),
                                {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a",
                                 "libvorbis", "-f", "webm", out.string()}}));
    if (name == "cover.jpg") return make_picture(out, {"-q:v", "3"});
    if (name == "cover.png") return make_picture(out, {});
    if (name == "cover.webp") return make_picture(out, {"-c:v", "libwebp", "-lossless", "0"});
    if (name == "cover_lossless.webp") return make_picture(out, {"-c:v", "libwebp", "-lossless", "1"});
    ADD_FAILURE() << "unknown fixture " << name;
    return false;
}

}  // namespace

fs::path fixture(const std::string& name) {
    const fs::path path = work_dir() / name;
    if (fs::exists(path)) return path;
    if (!make(name, path)) return {};
    return path;
}

fs::path scratch_dir() {
    static int counter = 0;
    const fs::path dir = work_dir() / ("out" + std::to_string(++counter));
    fs::create_directories(dir);
    return dir;
}

void concatenate(const std::vector<fs::path>& parts, const fs::path& out) {
    std::ofstream sink(out, std::ios::binary);
    for (const auto& part : parts) {
        std::ifstream source(part, std::ios::binary);
        sink << source.rdbuf();
    }
}

std::string ffmpeg_output(const std::vector<std::string>& args) {
    return run_ffmpeg_program(args).output;
}

nlohmann::json ffprobe(const fs::path& file) {
    const RunResult result = run_program(
        {ffprobe_program(), "-v", "error", "-of", "json", "-show_format", "-show_streams", file.string()},
        60);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const auto start = result.output.find('{');
    if (result.exit_code != 0 || start == std::string::npos) return nlohmann::json::object();
    return nlohmann::json::parse(result.output.substr(start), nullptr, false);
}

std::map<int, std::vector<double>> packet_dts(const fs::path& file) {
    const RunResult result = run_program({ffprobe_program(), "-v", "error", "-of", "csv=p=0", "-show_entries",
                                          "packet=stream_index,dts_time", file.string()},
                                         60);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::map<int, std::vector<double>> dts;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        const auto comma = line.find(',');
        if (comma == std::string::npos) continue;
        const std::string time = line.substr(comma + 1);
        if (time == "N/A") continue;  // a cover picture's one packet has no time
        dts[std::stoi(line.substr(0, comma))].push_back(std::stod(time));
    }
    return dts;
}

std::string decode_errors(const fs::path& file) {
    const RunResult result = run_program(
        {ffmpeg_program(), "-hide_banner", "-nostdin", "-v", "error", "-i", file.string(), "-f", "null", "-"},
        120);
    if (result.exit_code != 0) return "exit " + std::to_string(result.exit_code) + ": " + result.output;
    return result.output;
}

}  // namespace arina::test::media
