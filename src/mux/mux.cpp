#include "mux/mux.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "mux/extra_streams.hpp"
#include "mux/input_reader.hpp"
#include "mux/libav_error.hpp"
#include "mux/output_tags.hpp"
#include "mux/output_writer.hpp"

namespace arina::mux {
namespace {

// How often (in packets) cancellation is polled and progress reported: a few times per second of media,
// cheap next to the writing.
constexpr std::int64_t kPollEveryPackets = 64;

using Readers = std::vector<std::unique_ptr<InputReader>>;

std::string container_name(Container container) {
    return container == Container::Mkv ? "Matroska" : "MP4";
}

// libavformat writes these into MP4 under private object types that almost no player reads; refusing them
// points the user at Matroska instead of producing a file that will not play.
bool is_nonstandard_in_mp4(AVCodecID codec) {
    return codec == AV_CODEC_ID_VORBIS;
}

std::string input_names(const Readers& readers) {
    std::string names;
    for (const auto& reader : readers) names += (names.empty() ? "" : ", ") + reader->path().string();
    return names;
}

Error cancelled_error(const std::filesystem::path& output) {
    return {FailReason::Cancelled, "muxing into " + output.string() + " was cancelled"};
}

// Gives every copyable stream an output stream, or refuses: a video or audio codec the container cannot
// carry is an error (the user asked for that container); a subtitle it cannot carry is dropped.
Error add_output_streams(Readers& readers, OutputWriter& writer, Container container, MuxReport& report) {
    for (auto& reader : readers) {
        for (InputReader::Stream& stream : reader->streams()) {
            const AVCodecParameters& params = *stream.params;
            const bool is_subtitle = params.codec_type == AVMEDIA_TYPE_SUBTITLE;
            const bool holdable = writer.can_hold(params.codec_id) &&
                                  !(container == Container::Mp4 && is_nonstandard_in_mp4(params.codec_id));
            if (!holdable) {
                if (is_subtitle) continue;
                return {FailReason::MuxFailed,
                        std::string("stream #") + std::to_string(stream.input_index) + " of " +
                            reader->path().string() + " (" + avcodec_get_name(params.codec_id) +
                            ") cannot go into " + container_name(container) +
                            (container == Container::Mp4 ? "; choose Matroska (mkv)" : "")};
            }
            auto added = writer.add_stream(params, stream.time_base, stream.source);
            if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
            stream.output_index = std::get<int>(added);
            if (params.codec_type == AVMEDIA_TYPE_VIDEO)
                ++report.video_streams;
            else if (params.codec_type == AVMEDIA_TYPE_AUDIO)
                ++report.audio_streams;
            else
                ++report.subtitle_streams;
        }
    }
    if (report.video_streams + report.audio_streams == 0)
        return {FailReason::Unsupported, "no audio or video stream in " + input_names(readers)};
    return {};
}

// The earliest start of all inputs becomes 0 in the output. One origin for all inputs (not one each) keeps
// separately downloaded audio and video in the sync their manifest gave them.
// Returns the origin: the inputs' earliest start (their own clock), 0 when none says.
std::int64_t set_common_origin(Readers& readers) {
    std::int64_t origin = kNoTimestamp;
    for (const auto& reader : readers) {
        const std::int64_t start = reader->start_us();
        if (start != kNoTimestamp) origin = (origin == kNoTimestamp) ? start : std::min(origin, start);
    }
    if (origin == kNoTimestamp) origin = 0;
    for (auto& reader : readers) reader->set_origin_us(origin);
    return origin;
}

// The input whose look-ahead packet has the smallest DTS, or -1 when all inputs are exhausted.
int earliest(const std::vector<PacketPtr>& ahead) {
    int best = -1;
    for (std::size_t i = 0; i < ahead.size(); ++i) {
        if (!ahead[i]) continue;
        if (best < 0) {
            best = static_cast<int>(i);
            continue;
        }
        const AVPacket& a = *ahead[i];
        const AVPacket& b = *ahead[static_cast<std::size_t>(best)];
        if (av_compare_ts(a.dts, a.time_base, b.dts, b.time_base) < 0) best = static_cast<int>(i);
    }
    return best;
}

// Where a packet's presentation ends, in microseconds.
std::int64_t end_us(const AVPacket& packet) {
    const TimeBase base{packet.time_base.num, packet.time_base.den};
    return rescale(add_saturated(packet.pts, packet.duration), base, kMicroseconds);
}

// Whether a packet starts at or after `end_us` (an end of kNoTimestamp is before everything).
bool starts_after(const AVPacket& packet, std::int64_t end_us) {
    if (end_us == kNoTimestamp) return true;
    return rescale(packet.pts, TimeBase{packet.time_base.num, packet.time_base.den}, kMicroseconds) >= end_us;
}

// Whether the first `inputs` look-ahead slots (the media inputs) are all exhausted.
bool inputs_finished(const std::vector<PacketPtr>& ahead, std::size_t inputs) {
    return std::all_of(ahead.begin(), ahead.begin() + static_cast<std::ptrdiff_t>(inputs),
                       [](const PacketPtr& packet) { return !packet; });
}

// `keep_input_tags`: the output keeps the global metadata of the (single) input, for a finished file
// rewritten with extras; parts of a download carry nothing worth keeping.
std::variant<MuxReport, Error> mux_checked(const std::vector<MuxInput>& inputs,
                                           const std::filesystem::path& output, const MuxOptions& options,
                                           bool keep_input_tags) {
    const auto is_cancelled = [&options] { return options.cancelled && options.cancelled(); };
    if (inputs.empty()) return Error{FailReason::Internal, "no inputs given to mux into " + output.string()};

    Readers readers;
    for (const MuxInput& input : inputs) {
        if (is_cancelled()) return cancelled_error(output);
        auto opened = InputReader::open(input.path, input.growing);
        if (auto* error = std::get_if<Error>(&opened)) return std::move(*error);
        readers.push_back(std::move(std::get<std::unique_ptr<InputReader>>(opened)));
    }

    const std::filesystem::path temp =
        options.temp_path.empty() ? std::filesystem::path(output.string() + ".tmp") : options.temp_path;
    auto created = OutputWriter::create(temp, options.container);
    if (auto* error = std::get_if<Error>(&created)) return std::move(*error);
    OutputWriter& writer = *std::get<std::unique_ptr<OutputWriter>>(created);

    MuxReport report;
    if (Error error = add_output_streams(readers, writer, options.container, report)) return error;
    write_tags(writer, options.extras.tags, keep_input_tags ? readers.front()->metadata() : nullptr,
               report.warnings);
    auto added = add_extra_streams(options.extras, writer, options.container, report);
    if (auto* error = std::get_if<Error>(&added)) return std::move(*error);
    ExtraStreams& extras = std::get<ExtraStreams>(added);
    if (Error error = writer.open(options.faststart)) return error;
    if (extras.cover_stream >= 0) {
        if (Error error = writer.write_attached_picture(extras.cover_stream, extras.cover_bytes))
            return error;
    }
    const std::int64_t origin_us = set_common_origin(readers);
    for (auto& subtitle : extras.subtitles) subtitle->place_against(origin_us);

    // The inputs, then the subtitle files, each one packet ahead.
    const auto next_of = [&](std::size_t source) -> std::variant<PacketPtr, Error> {
        if (source < readers.size()) return readers[source]->next();
        return extras.subtitles[source - readers.size()]->next();
    };
    std::vector<PacketPtr> ahead(readers.size() + extras.subtitles.size());
    for (std::size_t i = 0; i < ahead.size(); ++i) {
        auto next = next_of(i);
        if (auto* error = std::get_if<Error>(&next)) return std::move(*error);
        ahead[i] = std::move(std::get<PacketPtr>(next));
    }
    std::int64_t media_packets = 0;  // from the inputs: subtitle cues alone make no video
    std::int64_t media_end_us = kNoTimestamp;
    std::vector<std::int64_t> cues_after_end(extras.subtitles.size(), 0);
    for (int i = earliest(ahead); i >= 0; i = earliest(ahead)) {
        const auto from = static_cast<std::size_t>(i);
        AVPacket& packet = *ahead[from];
        if (from < readers.size()) {
            ++media_packets;
            media_end_us = std::max(media_end_us, end_us(packet));
        } else if (starts_after(packet, media_end_us) && inputs_finished(ahead, readers.size())) {
            // A cue after the last picture and sound (a subtitle file for a longer cut) would only
            // stretch the output with nothing to show.
            ++cues_after_end[from - readers.size()];
            auto next = next_of(from);
            if (auto* error = std::get_if<Error>(&next)) return std::move(*error);
            ahead[from] = std::move(std::get<PacketPtr>(next));
            continue;
        }
        if (Error error = writer.write(packet)) return error;
        if (++report.packets % kPollEveryPackets == 0) {
            if (is_cancelled()) return cancelled_error(output);
            if (options.progress) options.progress(writer.written_seconds());
        }
        auto next = next_of(from);
        if (auto* error = std::get_if<Error>(&next)) return std::move(*error);
        ahead[from] = std::move(std::get<PacketPtr>(next));
    }
    if (is_cancelled()) return cancelled_error(output);
    // Headers without media (an init segment whose fragments never arrived) would give an empty file.
    if (media_packets == 0)
        return Error{FailReason::Unsupported, "no media packets in " + input_names(readers)};
    if (Error error = writer.commit_to(output)) return error;

    for (std::size_t k = 0; k < cues_after_end.size(); ++k)
        if (cues_after_end[k] > 0)
            report.warnings.push_back("subtitle " + extras.subtitles[k]->path().string() + ": " +
                                      std::to_string(cues_after_end[k]) +
                                      " of its cues start after the video ends and were left out");
    report.duration_seconds = writer.written_seconds();
    for (const auto& reader : readers) {
        report.discontinuities += reader->discontinuities();
        report.dropped_packets += reader->dropped_packets();
    }
    return report;
}

template <typename Mux>
std::variant<MuxReport, Error> guarded(const std::filesystem::path& output, const Mux& run) {
    quiet_libav_logging();
    try {
        return run();
    } catch (const std::exception& e) {
        // Out of memory, or a callback that threw; the writer's destructor has removed the temporary file.
        return Error{FailReason::Internal, "muxing into " + output.string() + " failed: " + e.what()};
    }
}

}  // namespace

std::variant<MuxReport, Error> mux(const std::vector<MuxInput>& inputs, const std::filesystem::path& output,
                                   const MuxOptions& options) {
    return guarded(output, [&] { return mux_checked(inputs, output, options, /*keep_input_tags=*/false); });
}

std::variant<MuxReport, Error> remux_with_extras(const std::filesystem::path& input,
                                                 const std::filesystem::path& output,
                                                 const MuxOptions& options) {
    const std::vector<MuxInput> inputs{MuxInput{input, nullptr}};
    return guarded(output, [&] { return mux_checked(inputs, output, options, /*keep_input_tags=*/true); });
}

}  // namespace arina::mux
