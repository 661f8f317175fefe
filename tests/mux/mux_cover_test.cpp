// The thumbnail from MuxOptions::extras as cover art: the picture's bytes read back from MP4
// (attached_pic) and Matroska (attachment), WebP converted to PNG with the right pixels, and an
// unusable picture as a warning.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "media_fixtures.hpp"
#include "mux/mux.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina::mux {
namespace {

namespace fs = std::filesystem;
using test::media::fixture;

MuxReport mux_with_cover(const fs::path& picture, const fs::path& output, Container container) {
    MuxOptions options;
    options.container = container;
    options.extras.thumbnail = picture;
    auto result = mux({{fixture("av.ts")}}, output, options);
    if (auto* error = std::get_if<Error>(&result)) {
        ADD_FAILURE() << "mux failed: " << error->message;
        return {};
    }
    return std::get<MuxReport>(result);
}

// The streams ffprobe marks attached_pic.
std::vector<nlohmann::json> attached_pictures(const fs::path& file) {
    std::vector<nlohmann::json> found;
    for (const auto& stream : test::media::ffprobe(file).value("streams", nlohmann::json::array()))
        if (stream.contains("disposition") && stream["disposition"].value("attached_pic", 0) == 1)
            found.push_back(stream);
    return found;
}

std::string stream_tag(const nlohmann::json& stream, const std::string& key) {
    if (!stream.contains("tags") || !stream["tags"].contains(key)) return "<absent>";
    return stream["tags"][key].get<std::string>();
}

// The picture stored in `file` (the video stream after the movie's own), byte for byte.
std::string stored_picture(const fs::path& file, const fs::path& out) {
    test::media::ffmpeg_output(
        {"-i", file.string(), "-map", "0:v:1", "-c", "copy", "-frames:v", "1", "-f", "image2", out.string()});
    return test::read_file(out);
}

// `picture` decoded by the ffmpeg program to raw RGB(A) bytes.
std::string decoded_pixels(const fs::path& picture, const fs::path& out, const std::string& pix_fmt) {
    test::media::ffmpeg_output(
        {"-i", picture.string(), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", pix_fmt, out.string()});
    return test::read_file(out);
}

double mean_difference(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a.empty()) return 1e9;
    double total = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        total += std::abs(static_cast<int>(static_cast<unsigned char>(a[i])) -
                          static_cast<int>(static_cast<unsigned char>(b[i])));
    return total / static_cast<double>(a.size());
}

TEST(MuxCover, JpegAndPngInMp4AreAttachedPictures) {
    for (const auto& [name, codec] : {std::pair{"cover.jpg", "mjpeg"}, std::pair{"cover.png", "png"}}) {
        const fs::path dir = test::media::scratch_dir();
        const fs::path output = dir / "movie.mp4";
        const MuxReport report = mux_with_cover(fixture(name), output, Container::Mp4);
        EXPECT_TRUE(report.cover_attached);
        EXPECT_TRUE(report.warnings.empty());
        EXPECT_EQ(report.video_streams, 1);  // the cover is not counted as video

        const auto pictures = attached_pictures(output);
        ASSERT_EQ(pictures.size(), 1u) << name;
        EXPECT_EQ(pictures[0].value("codec_name", ""), codec);
        EXPECT_EQ(pictures[0].value("width", 0), 320);
        EXPECT_EQ(pictures[0].value("height", 0), 180);
        EXPECT_EQ(sha256_hex(stored_picture(output, dir / (std::string("stored_") + name))),
                  sha256_hex(test::read_file(fixture(name))));
        EXPECT_EQ(test::media::decode_errors(output), "");
    }
}

TEST(MuxCover, JpegAndPngInMatroskaAreAttachments) {
    for (const auto& [name, mimetype] :
         {std::pair{"cover.jpg", "image/jpeg"}, std::pair{"cover.png", "image/png"}}) {
        const fs::path dir = test::media::scratch_dir();
        const fs::path output = dir / "movie.mkv";
        const MuxReport report = mux_with_cover(fixture(name), output, Container::Mkv);
        EXPECT_TRUE(report.cover_attached);
        // Matroska's demuxer shows an image attachment as an attached picture with its tags.
        const auto pictures = attached_pictures(output);
        ASSERT_EQ(pictures.size(), 1u) << name;
        EXPECT_EQ(stream_tag(pictures[0], "mimetype"), mimetype);
        EXPECT_EQ(stream_tag(pictures[0], "filename"), name);
        EXPECT_EQ(sha256_hex(stored_picture(output, dir / (std::string("stored_") + name))),
                  sha256_hex(test::read_file(fixture(name))));
        EXPECT_EQ(test::media::decode_errors(output), "");
    }
}

// WebP is re-encoded as PNG; its pixels must be the picture's. Lossy WebP is Y'CbCr 4:2:0, which
// our conversion and the ffmpeg program's (swscale) round slightly differently; lossless is exact.
TEST(MuxCover, WebpBecomesPngWithTheSamePixels) {
    for (const auto& [name, tolerance] :
         {std::pair{"cover.webp", 2.0}, std::pair{"cover_lossless.webp", 0.0}}) {
        for (Container container : {Container::Mp4, Container::Mkv}) {
            const fs::path dir = test::media::scratch_dir();
            const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
            const MuxReport report = mux_with_cover(fixture(name), output, container);
            EXPECT_TRUE(report.cover_attached);
            EXPECT_TRUE(report.warnings.empty());
            const auto pictures = attached_pictures(output);
            ASSERT_EQ(pictures.size(), 1u) << name;
            EXPECT_EQ(pictures[0].value("codec_name", ""), "png");
            if (container == Container::Mkv) {
                EXPECT_EQ(stream_tag(pictures[0], "mimetype"), "image/png");
                EXPECT_EQ(stream_tag(pictures[0], "filename"), "cover.png");
            }
            const fs::path png = dir / "stored.png";
            const std::string stored = stored_picture(output, png);
            ASSERT_EQ(stored.substr(0, 8), "\x89PNG\r\n\x1A\n");
            const double difference =
                mean_difference(decoded_pixels(png, dir / "ours.rgb", "rgb24"),
                                decoded_pixels(fixture(name), dir / "theirs.rgb", "rgb24"));
            EXPECT_LE(difference, tolerance) << name;
        }
    }
}

TEST(MuxCover, UnusablePicturesAreWarningsNamingTheFile) {
    const fs::path dir = test::media::scratch_dir();
    test::write_file(dir / "noise.jpg", test::random_bytes(20'000, 3));
    const std::string png = test::read_file(fixture("cover.png"));
    test::write_file(dir / "cut.png", png.substr(0, png.size() / 3));
    const std::string jpeg_header_only = test::read_file(fixture("cover.jpg")).substr(0, 2);
    test::write_file(dir / "stub.jpg", jpeg_header_only + "\xFF" + test::random_bytes(100, 4));

    struct Case {
        const char* file;
        std::string reason;
    };
    for (const Case& c :
         {Case{"noise.jpg", "not a JPEG, PNG or WebP picture"},
          Case{"absent.webp", "the file does not exist"}, Case{"cut.png", "cannot decode it as png"},
          Case{"stub.jpg", "cannot decode it as mjpeg"}}) {
        for (Container container : {Container::Mp4, Container::Mkv}) {
            const fs::path output = dir / (std::string("movie.") + std::string(extension(container)));
            const MuxReport report = mux_with_cover(dir / c.file, output, container);
            EXPECT_FALSE(report.cover_attached) << c.file;
            ASSERT_EQ(report.warnings.size(), 1u) << c.file;
            EXPECT_EQ(report.warnings[0].rfind(
                          "thumbnail " + (dir / c.file).string() + " left out: " + c.reason, 0),
                      0u)
                << report.warnings[0];
            EXPECT_TRUE(attached_pictures(output).empty());
            EXPECT_EQ(test::media::decode_errors(output), "");
        }
    }
}

}  // namespace
}  // namespace arina::mux
