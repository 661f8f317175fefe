#pragma once
// Choosing which streams of a presentation to download (`-f SPEC`), and the `-F` listing.
// Pure functions over the media model: no I/O, unit-tested.
//
// SPEC grammar (case-insensitive keywords):
//
//   spec        := alternative { ("/" | ",") alternative }   first alternative that can be met wins
//   alternative := selector { "+" selector }                 one stream per selector, all downloaded
//   selector    := base { "[" condition "]" } | condition
//   base        := best | worst | bestvideo | worstvideo | bestaudio | worstaudio
//                | <format id> | <height> | <height>"p"
//   condition   := field op number,  field := height | width | bandwidth | fps,
//                  op := "<" | "<=" | ">" | ">=" | "=" | "!="
//
// Meaning:
//   best (also the empty spec)  the best video stream (highest height, then bandwidth: the average
//                               when the manifest gives one, else the peak) plus, when it carries no
//                               audio, the best audio stream. An HLS variant with an AUDIO group
//                               follows the playlist's defaults: when the group's DEFAULT=YES
//                               rendition has no URI (the audio is inside the variant) nothing is
//                               added, when it has one that rendition is added; without a default, a
//                               video-only variant gets the best rendition of its group. A condition
//                               restricts the video choice: "height<=720" and "best[height<=720]" are
//                               the same.
//   worst                       the same with the lowest video stream.
//   bestvideo / worstvideo      one video stream (video-only streams preferred over muxed ones).
//   bestaudio / worstaudio      one audio-only stream (by bandwidth, then DEFAULT=YES, channels, rate).
//   <format id>                 exactly that stream (ids as format_table() lists them). An id wins
//                               over a height: "720" is a height only when no stream has id "720".
//   1080, 1080p                 like best, restricted to video streams exactly that high.
// Example: "1080,720,best" takes 1080p when offered, else 720p, else the best there is.
//
// Subtitle tracks and DRM-protected streams are never chosen (explicitly asking for one is an error).

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "media/presentation.hpp"
#include "util/fail_reason.hpp"

namespace arina::stream {

/// One stream chosen for download. `stream` points into the Presentation passed to select_formats().
struct SelectedFormat {
    const media::Stream* stream = nullptr;
    /// An HLS EXT-X-MEDIA rendition (its playlist_url is its own media playlist) rather than a variant.
    bool rendition = false;
};

/// The streams that `spec` picks from `presentation` (an HLS master or media playlist, or a DASH
/// MPD), video (or muxed) first, then audio, without duplicates. Errors: FailReason::Usage for a
/// malformed spec and for a spec that nothing matches (the message lists the available ids),
/// FailReason::Unsupported for subtitle or DRM-protected streams asked for by id.
std::variant<std::vector<SelectedFormat>, Error> select_formats(const media::Presentation& presentation,
                                                                std::string_view spec);

/// The `-F` table: one line per selectable stream (audio first, then video from worst to best),
/// columns ID, TYPE, RESOLUTION, BANDWIDTH (peak), AVERAGE (HLS AVERAGE-BANDWIDTH), CODECS, AUDIO,
/// LANGUAGE, NAME; "-" where the manifest is silent. AUDIO says for a video row whether its audio is
/// "included", comes from an HLS "group G", or is a "separate" stream; for an HLS audio rendition,
/// its "group G" and "(default)" for DEFAULT=YES. Ends with a newline.
std::string format_table(const media::Presentation& presentation);

}  // namespace arina::stream
