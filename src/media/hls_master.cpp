// HLS master playlists (RFC 8216 §4.3.4): variants (EXT-X-STREAM-INF + URI line) and renditions
// (EXT-X-MEDIA). No fragments here: each variant and rendition names a media playlist to fetch.

#include <set>
#include <string>

#include "media/codecs.hpp"
#include "media/hls_attributes.hpp"
#include "media/hls_lines.hpp"
#include "media/text.hpp"
#include "media/unique_ids.hpp"

namespace arina::media::hls {
namespace {

// Ids end up on command lines ("-f hls-audio-aac-English"); keep them to safe characters.
std::string id_part(std::string_view text) {
    std::string out;
    for (char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '.' || c == '_' || c == '-';
        out += safe ? c : '_';
    }
    return out;
}

std::optional<int> leading_integer(std::string_view text) {
    // CHANNELS="6/JOC": the count comes first, parameters follow after '/'.
    const auto count = text::parse_non_negative(text.substr(0, text.find('/')));
    if (!count || *count > 1024) return std::nullopt;
    return static_cast<int>(*count);
}

class MasterPlaylistParser {
  public:
    MasterPlaylistParser(std::string_view base_url, const HlsOptions& options)
        : base_url_(base_url), options_(options) {}

    std::optional<Error> feed(const Line& line) {
        if (line.is_comment()) return std::nullopt;
        if (line.is_uri()) {
            // A URI line belongs to the EXT-X-STREAM-INF before it; a stray one is ignored.
            if (pending_variant_) {
                pending_variant_->playlist_url = resolve_uri(base_url_, line.text, options_);
                presentation_.streams.push_back(std::move(*pending_variant_));
                pending_variant_.reset();
            }
            return std::nullopt;
        }
        const auto name = line.tag_name();
        if (name == "EXT-X-STREAM-INF") return on_stream_inf(line);
        if (name == "EXT-X-MEDIA") return on_media(line);
        // EXT-X-I-FRAME-STREAM-INF (trick play), SESSION-DATA, SESSION-KEY, INDEPENDENT-SEGMENTS,
        // START and unknown tags do not describe downloadable streams.
        return std::nullopt;
    }

    Result<Presentation> finish() {
        if (pending_variant_)
            return line_error(pending_variant_line_, "EXT-X-STREAM-INF without a following URI");
        // Types need the renditions, which may be listed after the variants that use them. A
        // group's audio is all separate only when every one of its renditions has a playlist: one
        // without a URI is the audio inside the variant (RFC 8216 §4.3.4.1), beside alternates.
        std::set<std::string> groups_with_audio_playlists;
        std::set<std::string> groups_with_audio_inside;
        for (const Rendition& rendition : presentation_.renditions) {
            if (rendition.stream.type != StreamType::Audio) continue;
            if (rendition.stream.playlist_url.empty())
                groups_with_audio_inside.insert(rendition.group_id);
            else
                groups_with_audio_playlists.insert(rendition.group_id);
        }
        for (const std::string& group : groups_with_audio_inside) groups_with_audio_playlists.erase(group);
        for (Stream& variant : presentation_.streams) {
            variant.type = variant_type(variant, groups_with_audio_playlists);
        }
        presentation_.kind = ManifestKind::Hls;
        presentation_.is_master = true;
        return std::move(presentation_);
    }

  private:
    Result<HlsAttributeList> attributes_of(const Line& line) const {
        auto parsed = parse_hls_attributes(line.tag_value());
        if (auto* error = std::get_if<Error>(&parsed)) {
            return line_error(
                line.number, "bad attribute list in " + std::string(line.tag_name()) + ": " + error->message);
        }
        return parsed;
    }

    std::optional<Error> on_stream_inf(const Line& line) {
        if (pending_variant_)
            return line_error(pending_variant_line_, "EXT-X-STREAM-INF without a following URI");
        auto parsed = attributes_of(line);
        if (auto* error = std::get_if<Error>(&parsed)) return std::move(*error);
        const auto& attributes = std::get<HlsAttributeList>(parsed);

        // Descriptive attributes are taken when well-formed and otherwise left unset: a typo in
        // FRAME-RATE should not stop a download.
        Stream variant;
        variant.bandwidth = text::parse_non_negative(attributes.get("BANDWIDTH").value_or("")).value_or(0);
        variant.average_bandwidth =
            text::parse_non_negative(attributes.get("AVERAGE-BANDWIDTH").value_or(""));
        if (const auto resolution = parse_hls_resolution(attributes.get("RESOLUTION").value_or(""))) {
            variant.width = resolution->first;
            variant.height = resolution->second;
        }
        variant.frame_rate = text::parse_decimal(attributes.get("FRAME-RATE").value_or(""));
        if (variant.frame_rate && *variant.frame_rate <= 0) variant.frame_rate.reset();
        variant.codecs = std::string(attributes.get("CODECS").value_or(""));
        variant.audio_group = std::string(attributes.get("AUDIO").value_or(""));
        variant.subtitle_group = std::string(attributes.get("SUBTITLES").value_or(""));
        variant.id = "hls-" + std::to_string(variant.bandwidth) + "-" + std::to_string(variant_count_++);
        pending_variant_ = std::move(variant);
        pending_variant_line_ = line.number;
        return std::nullopt;
    }

    std::optional<Error> on_media(const Line& line) {
        auto parsed = attributes_of(line);
        if (auto* error = std::get_if<Error>(&parsed)) return std::move(*error);
        const auto& attributes = std::get<HlsAttributeList>(parsed);
        const auto type = attributes.get("TYPE");
        const auto group = attributes.get("GROUP-ID");
        if (!type) return line_error(line.number, "EXT-X-MEDIA without TYPE");
        if (!group) return line_error(line.number, "EXT-X-MEDIA without GROUP-ID");

        Rendition rendition;
        std::string type_name;
        if (*type == "AUDIO") {
            rendition.stream.type = StreamType::Audio;
            type_name = "audio";
        } else if (*type == "SUBTITLES") {
            rendition.stream.type = StreamType::Subtitle;
            type_name = "subtitle";
        } else if (*type == "VIDEO") {
            rendition.stream.type = StreamType::Video;
            type_name = "video";
        } else {
            return std::nullopt;  // CLOSED-CAPTIONS live inside the video stream; nothing to fetch
        }
        rendition.group_id = std::string(*group);
        rendition.is_default = attributes.get("DEFAULT") == "YES";
        rendition.autoselect = attributes.get("AUTOSELECT") == "YES";
        rendition.stream.name = std::string(attributes.get("NAME").value_or(""));
        rendition.stream.language = std::string(attributes.get("LANGUAGE").value_or(""));
        if (const auto channels = attributes.get("CHANNELS"))
            rendition.stream.audio_channels = leading_integer(*channels);
        if (const auto uri = attributes.get("URI"); uri && !uri->empty()) {
            rendition.stream.playlist_url = resolve_uri(base_url_, *uri, options_);
        }
        if (rendition.stream.type == StreamType::Subtitle) rendition.stream.container = Container::Vtt;

        std::string id =
            "hls-" + type_name + "-" + id_part(rendition.group_id) + "-" + id_part(rendition.stream.name);
        rendition.stream.id = rendition_ids_.claim(id);
        presentation_.renditions.push_back(std::move(rendition));
        return std::nullopt;
    }

    // CODECS lists every codec the variant needs, including those of its audio rendition, so
    // "video + audio codecs" means muxed only when the audio group is not all separate playlists.
    static StreamType variant_type(const Stream& variant,
                                   const std::set<std::string>& groups_with_audio_playlists) {
        const CodecSummary codecs = summarize_codecs(variant.codecs);
        const bool separate_audio = groups_with_audio_playlists.contains(variant.audio_group);
        if (codecs.video) return codecs.audio && !separate_audio ? StreamType::Muxed : StreamType::Video;
        if (codecs.audio) return variant.width ? StreamType::Muxed : StreamType::Audio;
        if (codecs.subtitle) return StreamType::Subtitle;
        // Nothing stated: a classic muxed TS variant, unless its audio is all in separate playlists.
        return separate_audio ? StreamType::Video : StreamType::Muxed;
    }

    std::string_view base_url_;
    const HlsOptions& options_;
    Presentation presentation_;
    UniqueIds rendition_ids_;
    std::optional<Stream> pending_variant_;
    int pending_variant_line_ = 0;
    int variant_count_ = 0;
};

}  // namespace

Result<Presentation> parse_master(const std::vector<Line>& lines, std::string_view base_url,
                                  const HlsOptions& options) {
    MasterPlaylistParser parser(base_url, options);
    for (const Line& line : lines) {
        if (auto error = parser.feed(line)) return std::move(*error);
    }
    return parser.finish();
}

}  // namespace arina::media::hls
