#pragma once
// The plain data model every manifest parser produces: what a presentation offers and which bytes
// make up each of its streams. No I/O happens here or in the parsers; the downloader turns a
// Stream's fragments into HTTP requests, the format selector picks Streams by their fields.
//
// How the pieces fit, for the two manifest families:
//
//   HLS master playlist  -> Presentation{kind=Hls, is_master=true}
//                           streams    = one per EXT-X-STREAM-INF (variants), fragments EMPTY,
//                                        playlist_url set: fetch it and parse_hls() it to get them;
//                           renditions = one per EXT-X-MEDIA (alternative audio, subtitles, video),
//                                        their stream.playlist_url likewise (empty when the
//                                        rendition is carried inside the variant itself).
//   HLS media playlist   -> Presentation{kind=Hls, is_master=false}, exactly one Stream whose
//                           fragments, init and keys are filled. To complete a variant or rendition
//                           from the master, take that Stream's fragments/init/init_switches.
//   DASH MPD             -> Presentation{kind=Dash}, one Stream per Representation, fragments
//                           filled directly - except SegmentBase streams with an index range, which
//                           carry `needs_index` instead: fetch that byte range and call
//                           fragments_from_index() (sidx.hpp) to get the fragments.
//
// To download a Stream: for each fragment i in order, make sure the init section in force for i
// (init_for(stream, i)) has been written before it - it changes only at init_switches - then fetch
// fragment.url (with fragment.byte_range as an HTTP Range if set), decrypt with fragment.key and
// effective_iv() if set, and append.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/interval_set.hpp"

namespace arina::media {

enum class ManifestKind {
    Hls,   ///< RFC 8216 playlist (.m3u8)
    Dash,  ///< ISO/IEC 23009-1 Media Presentation Description (.mpd)
};

/// What a Stream carries, as far as the manifest says.
enum class StreamType {
    Muxed,     ///< video and audio together, or not stated (a bare HLS media playlist)
    Video,     ///< video only; audio comes from another stream or rendition
    Audio,     ///< audio only
    Subtitle,  ///< text or subtitle track
};

/// The container the fragments are in, so the downloader knows how to join and remux them.
enum class Container {
    Unknown,      ///< not stated and not guessable (HLS master variants before their playlist)
    Ts,           ///< MPEG-2 transport stream segments: concatenation is a valid file
    Fmp4,         ///< fragmented MP4 / CMAF: init section followed by moof+mdat fragments
    Webm,         ///< WebM (DASH), init section followed by clusters
    Vtt,          ///< WebVTT text segments
    Ttml,         ///< TTML/IMSC text
    PackedAudio,  ///< raw AAC/MP3/AC-3 frames with ID3 timestamps (HLS packed audio)
};

enum class EncryptionMethod {
    Aes128,  ///< whole-segment AES-128-CBC with PKCS#7 padding (HLS METHOD=AES-128)
};

/// A decryption key in force for a fragment (HLS EXT-X-KEY). DRM systems are not modelled: HLS
/// SAMPLE-AES is refused by the parser, DASH ContentProtection only sets Stream::drm_protected.
struct Encryption {
    EncryptionMethod method = EncryptionMethod::Aes128;
    std::string key_url;  ///< absolute URL of the 16-byte key
    /// The IV written in the playlist (IV=0x...). When absent the IV is derived from the
    /// fragment's sequence number: use effective_iv(), never this field directly.
    std::optional<std::array<std::uint8_t, 16>> iv;

    friend bool operator==(const Encryption&, const Encryption&) = default;
};

/// The IV to decrypt a fragment with: the explicit IV if the playlist gave one, otherwise the
/// media sequence number as a big-endian 128-bit integer (RFC 8216 §5.2).
std::array<std::uint8_t, 16> effective_iv(const Encryption& key, std::int64_t sequence);

/// One piece of a stream to fetch: a whole resource or a byte range of one.
struct Fragment {
    std::string url;                      ///< absolute URL
    std::optional<ByteRange> byte_range;  ///< half-open [begin, end); absent = the whole resource
    double duration = 0;                  ///< seconds (0 for init sections)
    /// Seconds from the start of the presentation (HLS: of the playlist as fetched; DASH: of the
    /// MPD timeline, i.e. including the Period start). Useful to line up a live refresh.
    double start = 0;
    /// HLS media sequence number, DASH $Number$ (or position for SegmentList/sidx). Stable across
    /// live refreshes for both, so it identifies a fragment already downloaded.
    std::int64_t sequence = 0;
    /// Counts EXT-X-DISCONTINUITY tags before this fragment (plus EXT-X-DISCONTINUITY-SEQUENCE);
    /// for DASH the Period index. Timestamps may restart where it changes.
    int discontinuity = 0;
    std::optional<Encryption> key;  ///< the key in force for this fragment; absent = clear

    friend bool operator==(const Fragment&, const Fragment&) = default;
};

/// The IV for a fragment's key (see effective_iv above); the fragment must have a key.
std::array<std::uint8_t, 16> effective_iv(const Fragment& fragment);

/// A new init section taking effect mid-stream: HLS allows a second EXT-X-MAP (typically after a
/// discontinuity for an inserted ad), multi-Period DASH may change initialization per Period.
struct InitSwitch {
    std::size_t first_fragment = 0;  ///< index into Stream::fragments from which `init` applies
    Fragment init;

    friend bool operator==(const InitSwitch&, const InitSwitch&) = default;
};

/// A DASH SegmentBase stream whose fragment boundaries are in a 'sidx' box inside the media
/// file: fetch `index_range` of `url`, then call fragments_from_index() (sidx.hpp).
struct SegmentIndexRequest {
    std::string url;        ///< the media file (also the URL of every resulting fragment)
    ByteRange index_range;  ///< where the sidx box is (MPD SegmentBase@indexRange)
    /// The fragments' Fragment::start offset in seconds (Period start minus
    /// presentationTimeOffset) and Fragment::discontinuity, so they match other streams.
    double start_offset = 0;
    int discontinuity = 0;

    friend bool operator==(const SegmentIndexRequest&, const SegmentIndexRequest&) = default;
};

/// One selectable format: a video, audio, subtitle or muxed track at one quality.
/// Descriptive fields are unset/empty when the manifest does not state them.
struct Stream {
    /// Stable identifier, unique within the Presentation. DASH: Representation@id (or
    /// "dash-<period>-<set>-<rep>" when absent). HLS variants: "hls-<bandwidth>-<index>";
    /// renditions: "hls-<type>-<group>-<name>"; a bare media playlist: "hls-media".
    std::string id;
    StreamType type = StreamType::Muxed;
    std::int64_t bandwidth = 0;                     ///< bits/s, peak (BANDWIDTH, @bandwidth); 0 = unknown
    std::optional<std::int64_t> average_bandwidth;  ///< bits/s (HLS AVERAGE-BANDWIDTH)
    std::optional<int> width;
    std::optional<int> height;
    std::optional<double> frame_rate;   ///< frames per second (30000/1001 -> 29.97...)
    std::string codecs;                 ///< RFC 6381 list, e.g. "avc1.64001f,mp4a.40.2"
    std::string language;               ///< BCP 47 tag as written ("en", "pt-BR")
    std::string name;                   ///< human label (HLS NAME, DASH <Label>)
    std::optional<int> audio_channels;  ///< HLS CHANNELS, DASH AudioChannelConfiguration
    std::optional<int> sample_rate;     ///< Hz (DASH @audioSamplingRate)
    std::string mime_type;              ///< DASH @mimeType ("video/mp4")
    Container container = Container::Unknown;
    /// DASH ContentProtection present: the fragments are DRM-encrypted and cannot be decrypted.
    bool drm_protected = false;

    // --- HLS only ---
    /// The media playlist to fetch for this variant or rendition; empty for a media playlist's own
    /// stream, for DASH, and for renditions carried inside their variant.
    std::string playlist_url;
    std::string audio_group;     ///< variant's AUDIO group: its renditions are the audio choices
    std::string subtitle_group;  ///< variant's SUBTITLES group

    // --- the bytes ---
    /// The init section in force from fragments[0] (EXT-X-MAP, DASH Initialization); absent when
    /// fragments are self-contained (MPEG-TS, packed audio, WebVTT).
    std::optional<Fragment> init;
    std::vector<InitSwitch> init_switches;  ///< rare changes of init section, by ascending first_fragment
    std::vector<Fragment> fragments;        ///< in playback order
    /// Set instead of fragments for DASH SegmentBase with indexRange: see SegmentIndexRequest.
    std::optional<SegmentIndexRequest> needs_index;

    friend bool operator==(const Stream&, const Stream&) = default;
};

/// The init section to have written before fragments[fragment_index]: the last InitSwitch at or
/// before that index, else Stream::init; nullptr when the stream has none.
const Fragment* init_for(const Stream& stream, std::size_t fragment_index);

/// An HLS EXT-X-MEDIA entry: an alternative audio, subtitle or video track that variants refer to
/// by group (Stream::audio_group / subtitle_group).
struct Rendition {
    std::string group_id;     ///< GROUP-ID
    bool is_default = false;  ///< DEFAULT=YES: play this one unless the user chose otherwise
    bool autoselect = false;  ///< AUTOSELECT=YES: may be chosen by language preference
    /// id, type (Audio/Subtitle/Video), name, language, audio_channels, playlist_url; fragments
    /// empty until its playlist is fetched. An empty playlist_url means the track is muxed into
    /// the variant stream.
    Stream stream;

    friend bool operator==(const Rendition&, const Rendition&) = default;
};

/// Everything one manifest describes.
struct Presentation {
    ManifestKind kind = ManifestKind::Hls;
    /// HLS master playlist: streams are variants without fragments (fetch their playlist_url).
    bool is_master = false;
    /// More fragments will be published: re-fetch the manifest every refresh_interval seconds and
    /// download the fragments whose sequence is new. HLS: no EXT-X-ENDLIST and not
    /// PLAYLIST-TYPE:VOD; DASH: MPD@type="dynamic". Always false for an HLS master playlist (its
    /// media playlists tell).
    bool is_live = false;
    /// Total seconds when known: DASH mediaPresentationDuration (or the sum of Periods), HLS the sum
    /// of EXTINF durations of a finished media playlist.
    std::optional<double> duration;
    /// Seconds between manifest reloads for live: HLS EXT-X-TARGETDURATION, DASH
    /// minimumUpdatePeriod. 0 when not stated.
    double refresh_interval = 0;
    /// DASH MPD@availabilityStartTime as seconds since the Unix epoch (live wall-clock anchor).
    std::optional<double> availability_start_time;
    /// DASH MPD@timeShiftBufferDepth in seconds: how far back a live MPD keeps fragments.
    std::optional<double> time_shift_buffer_depth;

    std::vector<Stream> streams;
    std::vector<Rendition> renditions;  ///< HLS EXT-X-MEDIA entries; empty for DASH

    friend bool operator==(const Presentation&, const Presentation&) = default;
};

}  // namespace arina::media
