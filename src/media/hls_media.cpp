// HLS media playlists (RFC 8216 §4.3.2, §4.3.3): the segment list with its byte ranges, keys,
// init sections and discontinuities.

#include <limits>
#include <optional>
#include <string>

#include "media/codecs.hpp"
#include "media/hls_attributes.hpp"
#include "media/hls_lines.hpp"
#include "media/limits.hpp"
#include "media/text.hpp"

namespace arina::media::hls {
namespace {

/// EXT-X-BYTERANGE "<length>[@<offset>]".
struct LengthAndOffset {
    std::int64_t length = 0;
    std::optional<std::int64_t> offset;
};

std::optional<LengthAndOffset> parse_length_and_offset(std::string_view text) {
    const auto at = text.find('@');
    LengthAndOffset result;
    const auto length = text::parse_non_negative(text::trim(text.substr(0, at)));
    if (!length) return std::nullopt;
    result.length = *length;
    if (at != std::string_view::npos) {
        result.offset = text::parse_non_negative(text::trim(text.substr(at + 1)));
        if (!result.offset || *result.offset > INT64_MAX - result.length) return std::nullopt;
    }
    return result;
}

/// Walks the lines once, carrying the tags that apply to the next segment (EXTINF, BYTERANGE,
/// DISCONTINUITY) and those in force until replaced (KEY, MAP).
class MediaPlaylistParser {
  public:
    MediaPlaylistParser(std::string_view base_url, const HlsOptions& options)
        : base_url_(base_url), options_(options) {}

    std::optional<Error> feed(const Line& line) {
        if (line.is_comment()) return std::nullopt;
        if (line.is_uri()) return on_uri(line);
        const auto name = line.tag_name();
        const auto value = line.tag_value();
        if (name == "EXTINF") return on_extinf(line, value);
        if (name == "EXT-X-BYTERANGE") return on_byterange(line, value);
        if (name == "EXT-X-KEY") return on_key(line, value);
        if (name == "EXT-X-MAP") return on_map(line, value);
        if (name == "EXT-X-TARGETDURATION") return on_target_duration(line, value);
        if (name == "EXT-X-MEDIA-SEQUENCE") return on_sequence_number(line, name, value, first_sequence_);
        if (name == "EXT-X-DISCONTINUITY-SEQUENCE")
            return on_sequence_number(line, name, value, discontinuity_base_);
        if (name == "EXT-X-DISCONTINUITY") ++discontinuities_;
        if (name == "EXT-X-ENDLIST") ended_ = true;
        if (name == "EXT-X-PLAYLIST-TYPE" && value == "VOD") ended_ = true;
        // Everything else (PROGRAM-DATE-TIME, GAP, PART, SERVER-CONTROL, unknown tags) does not
        // change which bytes make up the stream.
        return std::nullopt;
    }

    Result<Presentation> finish() {
        if (pending_duration_) return line_error(pending_duration_line_, "EXTINF without a following URI");
        Presentation presentation;
        presentation.kind = ManifestKind::Hls;
        presentation.is_live = !ended_;
        presentation.refresh_interval = target_duration_;
        if (!presentation.is_live) presentation.duration = total_duration_;

        // An EXT-X-MAP after the last segment applies to nothing (yet).
        while (!stream_.init_switches.empty() &&
               stream_.init_switches.back().first_fragment >= stream_.fragments.size()) {
            stream_.init_switches.pop_back();
        }
        stream_.id = "hls-media";
        if (stream_.init) {
            stream_.container = Container::Fmp4;
        } else if (!stream_.fragments.empty()) {
            stream_.container = container_from_url(stream_.fragments.front().url);
        }
        if (stream_.container == Container::Vtt) stream_.type = StreamType::Subtitle;
        if (stream_.container == Container::PackedAudio) stream_.type = StreamType::Audio;
        presentation.streams.push_back(std::move(stream_));
        return presentation;
    }

  private:
    std::optional<Error> on_extinf(const Line& line, std::string_view value) {
        if (pending_duration_) return line_error(pending_duration_line_, "EXTINF without a following URI");
        const auto duration_text = text::trim(value.substr(0, value.find(',')));
        if (duration_text.empty()) return line_error(line.number, "EXTINF without a duration");
        const auto duration = text::parse_decimal(duration_text);
        if (!duration || *duration < 0 || *duration > kMaxDurationSeconds) {
            return line_error(line.number, "EXTINF has an invalid duration " + text::quote(duration_text));
        }
        pending_duration_ = *duration;
        pending_duration_line_ = line.number;
        return std::nullopt;
    }

    std::optional<Error> on_byterange(const Line& line, std::string_view value) {
        const auto range = parse_length_and_offset(value);
        if (!range) {
            return line_error(line.number,
                              "EXT-X-BYTERANGE must be <length>[@<offset>], found " + text::quote(value));
        }
        pending_range_ = *range;
        pending_range_line_ = line.number;
        return std::nullopt;
    }

    std::optional<Error> on_uri(const Line& line) {
        if (!pending_duration_) return line_error(line.number, "segment URI without a preceding EXTINF");
        if (static_cast<std::int64_t>(stream_.fragments.size()) >= kMaxFragmentsPerStream) {
            return line_error(line.number,
                              "more than " + std::to_string(kMaxFragmentsPerStream) + " segments");
        }
        Fragment fragment;
        fragment.url = resolve_uri(base_url_, line.text, options_);
        fragment.duration = *pending_duration_;
        fragment.start = total_duration_;
        fragment.discontinuity = discontinuity_base_ + discontinuities_;
        fragment.key = key_;
        if (first_sequence_ > INT64_MAX - static_cast<std::int64_t>(stream_.fragments.size())) {
            return line_error(line.number, "media sequence number overflows");
        }
        fragment.sequence = first_sequence_ + static_cast<std::int64_t>(stream_.fragments.size());
        if (pending_range_) {
            auto range = resolve_byterange(*pending_range_, fragment.url);
            if (auto* error = std::get_if<Error>(&range)) return std::move(*error);
            fragment.byte_range = std::get<ByteRange>(range);
        }
        total_duration_ += fragment.duration;
        stream_.fragments.push_back(std::move(fragment));
        pending_duration_.reset();
        pending_range_.reset();
        return std::nullopt;
    }

    // A length without an offset continues right after the previous segment's sub-range, which
    // must then be of the same resource (RFC 8216 §4.3.2.2).
    Result<ByteRange> resolve_byterange(const LengthAndOffset& pending, const std::string& url) const {
        if (pending.offset) return ByteRange{*pending.offset, *pending.offset + pending.length};
        const Fragment* previous = stream_.fragments.empty() ? nullptr : &stream_.fragments.back();
        if (!previous || !previous->byte_range || previous->url != url) {
            return line_error(
                pending_range_line_,
                "EXT-X-BYTERANGE without an offset, but the previous segment is not a sub-range "
                "of the same resource");
        }
        const std::int64_t offset = previous->byte_range->end;
        if (offset > INT64_MAX - pending.length)
            return line_error(pending_range_line_, "EXT-X-BYTERANGE overflows");
        return ByteRange{offset, offset + pending.length};
    }

    std::optional<Error> on_key(const Line& line, std::string_view value) {
        auto parsed = parse_hls_attributes(value);
        if (auto* error = std::get_if<Error>(&parsed)) {
            return line_error(line.number, "bad attribute list in EXT-X-KEY: " + error->message);
        }
        const auto& attributes = std::get<HlsAttributeList>(parsed);
        const auto method = attributes.get("METHOD");
        if (!method) return line_error(line.number, "EXT-X-KEY without METHOD");
        if (*method == "NONE") {
            key_.reset();
            return std::nullopt;
        }
        if (*method != "AES-128")
            return line_error(line.number, "unsupported encryption " + std::string(*method));
        const auto keyformat = attributes.get("KEYFORMAT");
        if (keyformat && *keyformat != "identity") {
            return line_error(line.number,
                              "unsupported encryption AES-128 with KEYFORMAT " + text::quote(*keyformat));
        }
        const auto uri = attributes.get("URI");
        if (!uri || uri->empty()) return line_error(line.number, "EXT-X-KEY METHOD=AES-128 without a URI");
        Encryption key;
        key.key_url = resolve_uri(base_url_, *uri, options_);
        if (const auto iv_text = attributes.get("IV")) {
            key.iv = parse_hls_iv(*iv_text);
            if (!key.iv)
                return line_error(line.number, "EXT-X-KEY has an invalid IV " + text::quote(*iv_text));
        }
        key_ = std::move(key);
        return std::nullopt;
    }

    std::optional<Error> on_map(const Line& line, std::string_view value) {
        auto parsed = parse_hls_attributes(value);
        if (auto* error = std::get_if<Error>(&parsed)) {
            return line_error(line.number, "bad attribute list in EXT-X-MAP: " + error->message);
        }
        const auto& attributes = std::get<HlsAttributeList>(parsed);
        const auto uri = attributes.get("URI");
        if (!uri || uri->empty()) return line_error(line.number, "EXT-X-MAP without a URI");
        Fragment init;
        init.url = resolve_uri(base_url_, *uri, options_);
        if (const auto range_text = attributes.get("BYTERANGE")) {
            const auto range = parse_length_and_offset(*range_text);
            if (!range) {
                return line_error(line.number, "EXT-X-MAP BYTERANGE must be <length>[@<offset>], found " +
                                                   text::quote(*range_text));
            }
            // Unlike a segment's, an init section's range has no previous sub-range to follow.
            const std::int64_t offset = range->offset.value_or(0);
            init.byte_range = ByteRange{offset, offset + range->length};
        }
        // The key in force also encrypts the init section (§4.3.2.4); its implicit IV would be the
        // sequence number of the segment that follows.
        init.key = key_;
        init.sequence = first_sequence_ + static_cast<std::int64_t>(stream_.fragments.size());
        init.discontinuity = discontinuity_base_ + discontinuities_;
        init.start = total_duration_;
        set_init(std::move(init));
        return std::nullopt;
    }

    void set_init(Fragment init) {
        const std::size_t next = stream_.fragments.size();
        if (next == 0) {
            stream_.init = std::move(init);
            return;
        }
        if (!stream_.init_switches.empty() && stream_.init_switches.back().first_fragment == next) {
            stream_.init_switches.back().init = std::move(init);  // two MAPs before one segment
            return;
        }
        const Fragment* current = init_for(stream_, next);
        // A repeated identical EXT-X-MAP (common after each discontinuity) is no switch.
        if (current && current->url == init.url && current->byte_range == init.byte_range &&
            current->key == init.key) {
            return;
        }
        stream_.init_switches.push_back(InitSwitch{next, std::move(init)});
    }

    std::optional<Error> on_target_duration(const Line& line, std::string_view value) {
        const auto seconds = text::parse_decimal(value);
        if (!seconds || *seconds < 0 || *seconds > kMaxDurationSeconds) {
            return line_error(line.number,
                              "EXT-X-TARGETDURATION must be a number, found " + text::quote(value));
        }
        target_duration_ = *seconds;
        return std::nullopt;
    }

    template <class Integer>
    std::optional<Error> on_sequence_number(const Line& line, std::string_view name, std::string_view value,
                                            Integer& target) {
        const auto number = text::parse_non_negative(value);
        if (!number || *number > std::numeric_limits<Integer>::max() / 2) {
            return line_error(line.number, std::string(name) + " must be a non-negative integer, found " +
                                               text::quote(value));
        }
        if (!stream_.fragments.empty()) {
            return line_error(line.number, std::string(name) + " after the first segment");
        }
        target = static_cast<Integer>(*number);
        return std::nullopt;
    }

    std::string_view base_url_;
    const HlsOptions& options_;
    Stream stream_;

    std::int64_t first_sequence_ = 0;
    int discontinuity_base_ = 0;
    int discontinuities_ = 0;
    double target_duration_ = 0;
    double total_duration_ = 0;
    bool ended_ = false;
    std::optional<Encryption> key_;

    std::optional<double> pending_duration_;
    int pending_duration_line_ = 0;
    std::optional<LengthAndOffset> pending_range_;
    int pending_range_line_ = 0;
};

}  // namespace

Result<Presentation> parse_media(const std::vector<Line>& lines, std::string_view base_url,
                                 const HlsOptions& options) {
    MediaPlaylistParser parser(base_url, options);
    for (const Line& line : lines) {
        if (auto error = parser.feed(line)) return std::move(*error);
    }
    return parser.finish();
}

}  // namespace arina::media::hls
