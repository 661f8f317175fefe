#include "mux/extra_streams.hpp"

#include "mux/cover_image.hpp"
#include "mux/language_codes.hpp"
#include "mux/metadata_tags.hpp"

namespace arina::mux {
namespace {

Error add_subtitle(const ExternalSubtitle& file, OutputWriter& writer, Container container,
                   ExtraStreams& streams, MuxReport& report) {
    auto loaded = SubtitleTrack::load(file.path, writer, container);
    if (auto* why = std::get_if<std::string>(&loaded)) {
        report.warnings.push_back("subtitle " + file.path.string() + " left out: " + *why);
        return {};
    }
    auto track = std::move(std::get<std::unique_ptr<SubtitleTrack>>(loaded));
    auto added = writer.add_stream(track->params(), track->time_base());
    if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
    const int index = std::get<int>(added);
    track->set_output_index(index);
    track->set_media_clock_offset(file.media_clock_offset_us);
    if (const std::string language = container_language(file.language, container); !language.empty())
        writer.set_stream_tag(index, "language", language);
    if (const std::string title = clean_tag_text(file.title, kMaxTagBytes); !title.empty()) {
        writer.set_stream_tag(index, "title", title);
        // MP4 keeps no track title; players show the handler name instead.
        if (container == Container::Mp4) writer.set_stream_tag(index, "handler_name", title);
    }
    if (track->recoded_cues() > 0)
        report.warnings.push_back("subtitle " + file.path.string() + ": " +
                                  std::to_string(track->recoded_cues()) +
                                  " of its cues were not UTF-8 and were read as Latin-1");
    if (track->failed_cues() > 0)
        report.warnings.push_back("subtitle " + file.path.string() + ": " +
                                  std::to_string(track->failed_cues()) +
                                  " of its cues could not be converted and were left out");
    ++report.subtitle_streams;
    streams.subtitles.push_back(std::move(track));
    return {};
}

Error add_cover(const std::filesystem::path& file, OutputWriter& writer, Container container,
                ExtraStreams& streams, MuxReport& report) {
    auto loaded = load_cover_image(file);
    if (auto* why = std::get_if<std::string>(&loaded)) {
        report.warnings.push_back("thumbnail " + file.string() + " left out: " + *why);
        return {};
    }
    CoverImage& cover = std::get<CoverImage>(loaded);
    if (container == Container::Mkv) {
        auto added = writer.add_attachment(cover.bytes, cover.filename(), cover.mimetype());
        if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
    } else {
        auto added = writer.add_attached_picture(cover.codec, cover.width, cover.height);
        if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
        streams.cover_stream = std::get<int>(added);
        streams.cover_bytes = std::move(cover.bytes);
    }
    report.cover_attached = true;
    return {};
}

}  // namespace

std::variant<ExtraStreams, Error> add_extra_streams(const Extras& extras, OutputWriter& writer,
                                                    Container container, MuxReport& report) {
    ExtraStreams streams;
    for (const ExternalSubtitle& file : extras.subtitles)
        if (Error error = add_subtitle(file, writer, container, streams, report)) return error;
    if (!extras.thumbnail.empty())
        if (Error error = add_cover(extras.thumbnail, writer, container, streams, report)) return error;
    return streams;
}

}  // namespace arina::mux
