#include "server/representation.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

#include "server/gzip.hpp"
#include "util/sha256.hpp"

namespace arina::testing {

std::shared_ptr<const Representation> bytes_representation(std::string body, std::string content_type,
                                                           std::time_t modified) {
    auto rep = std::make_shared<Representation>();
    rep->size = static_cast<std::int64_t>(body.size());
    rep->etag = "\"" + sha256_hex(body).substr(0, 16) + "\"";
    rep->bytes = std::make_shared<const std::string>(std::move(body));
    rep->modified = modified;
    rep->content_type = std::move(content_type);
    return rep;
}

std::shared_ptr<const Representation> text_representation(std::string text) {
    auto rep = std::make_shared<Representation>();
    rep->size = static_cast<std::int64_t>(text.size());
    rep->bytes = std::make_shared<const std::string>(std::move(text));
    rep->content_type = "text/plain";
    return rep;
}

std::shared_ptr<const Representation> file_representation(const std::filesystem::path& file,
                                                          std::string content_type) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    auto rep = std::make_shared<Representation>();
    rep->size = static_cast<std::int64_t>(st.st_size);
    rep->file = std::move(fd);
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(st.st_size),
                  static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                      static_cast<unsigned long long>(st.st_mtim.tv_nsec));
    rep->etag = etag;
    rep->modified = st.st_mtim.tv_sec;
    rep->content_type = std::move(content_type);
    return rep;
}

std::shared_ptr<const Representation> gzipped(const Representation& plain) {
    auto rep = std::make_shared<Representation>();
    if (plain.bytes) {
        rep->bytes = std::make_shared<const std::string>(gzip_compress(*plain.bytes));
    } else {
        auto body = gzip_compress_file(plain.file.get(), plain.size);
        if (!body) return nullptr;
        rep->bytes = std::make_shared<const std::string>(std::move(*body));
    }
    rep->size = static_cast<std::int64_t>(rep->bytes->size());
    // A distinct strong validator: the gzipped bytes are not the plain bytes (RFC 9110 8.8.3.3).
    rep->etag = plain.etag.empty() ? "" : plain.etag.substr(0, plain.etag.size() - 1) + "-gzip\"";
    rep->modified = plain.modified;
    rep->content_type = plain.content_type;
    rep->gzip = true;
    return rep;
}

std::string guess_content_type(std::string_view path) {
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos)
        return "application/octet-stream";
    std::string ext(path.substr(dot + 1));
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
        {"ts", "video/mp2t"},         {"m3u8", "application/vnd.apple.mpegurl"},
        {"m3u", "audio/mpegurl"},     {"mpd", "application/dash+xml"},
        {"mp4", "video/mp4"},         {"m4v", "video/mp4"},
        {"m4s", "video/iso.segment"}, {"m4a", "audio/mp4"},
        {"aac", "audio/aac"},         {"mp3", "audio/mpeg"},
        {"webm", "video/webm"},       {"mkv", "video/x-matroska"},
        {"vtt", "text/vtt"},          {"html", "text/html"},
        {"json", "application/json"}, {"txt", "text/plain"},
        {"xml", "application/xml"},   {"jpg", "image/jpeg"},
        {"png", "image/png"},
    };
    const auto it =
        std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& t) { return t.first == ext; });
    return it == std::end(kTypes) ? "application/octet-stream" : std::string(it->second);
}

}  // namespace arina::testing
