#include "mux/cover_image.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include "mux/cover_convert.hpp"

namespace arina::mux {
namespace {

enum class ImageType { Jpeg, Png, Webp, Other };

ImageType sniff(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xFF\xD8\xFF") return ImageType::Jpeg;
    if (bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return ImageType::Png;
    if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP")
        return ImageType::Webp;
    return ImageType::Other;
}

// The bytes of a file no larger than kMaxCoverFileBytes, or why not.
std::variant<std::string, ImageProblem> read_small_file(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) return ImageProblem{"the file does not exist"};
    if (!std::filesystem::is_regular_file(status)) return ImageProblem{"not a regular file"};
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return ImageProblem{"cannot read it: " + ec.message()};
    if (size > static_cast<std::uintmax_t>(kMaxCoverFileBytes))
        return ImageProblem{"larger than " + std::to_string(kMaxCoverFileBytes / (1024 * 1024)) + " MiB"};
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return ImageProblem{"cannot read it"};
    return bytes;
}

}  // namespace

std::variant<CoverImage, std::string> load_cover_image(const std::filesystem::path& file) {
    auto read = read_small_file(file);
    if (auto* problem = std::get_if<ImageProblem>(&read)) return std::move(problem->why);
    std::string bytes = std::get<std::string>(std::move(read));

    const ImageType type = sniff(bytes);
    if (type == ImageType::Other) return std::string("not a JPEG, PNG or WebP picture");
    const AVCodecID codec = type == ImageType::Jpeg  ? AV_CODEC_ID_MJPEG
                            : type == ImageType::Png ? AV_CODEC_ID_PNG
                                                     : AV_CODEC_ID_WEBP;
    auto decoded = decode_picture(codec, bytes);
    if (auto* problem = std::get_if<ImageProblem>(&decoded)) return std::move(problem->why);
    const AVFrame& picture = *std::get<FramePtr>(decoded);

    CoverImage cover;
    cover.width = picture.width;
    cover.height = picture.height;
    if (type != ImageType::Webp) {
        cover.codec = codec;
        cover.bytes = std::move(bytes);
        return cover;
    }
    // Neither container's players show a WebP cover: re-encode it losslessly as PNG.
    auto rgb = to_rgb(picture);
    if (auto* problem = std::get_if<ImageProblem>(&rgb))
        return "cannot convert it from WebP: " + problem->why;
    auto png = encode_png(*std::get<FramePtr>(rgb));
    if (auto* problem = std::get_if<ImageProblem>(&png))
        return "cannot convert it from WebP: " + problem->why;
    cover.codec = AV_CODEC_ID_PNG;
    cover.bytes = std::get<std::string>(std::move(png));
    return cover;
}

}  // namespace arina::mux
