#include "stream/format_selector.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <tuple>

namespace arina::stream {
namespace {

using media::Stream;
using media::StreamType;

// Every stream a spec may pick, with what ranking needs to know about it.
struct Candidate {
    const Stream* stream = nullptr;
    bool rendition = false;
    bool is_default = false;  // HLS DEFAULT=YES
    bool autoselect = false;  // HLS AUTOSELECT=YES
    std::size_t order = 0;    // position in the manifest: earlier wins ties
    std::string group;        // HLS rendition's GROUP-ID
};

bool is_video(const Candidate& c) {
    return c.stream->type == StreamType::Video || c.stream->type == StreamType::Muxed;
}
bool is_audio(const Candidate& c) {
    return c.stream->type == StreamType::Audio;
}
bool selectable(const Candidate& c) {
    return c.stream->type != StreamType::Subtitle && !c.stream->drm_protected;
}

std::vector<Candidate> candidates_of(const media::Presentation& p) {
    std::vector<Candidate> out;
    for (const auto& s : p.streams) out.push_back({&s, false, false, false, out.size(), {}});
    // Renditions without a playlist are carried inside their variant: nothing to fetch separately.
    for (const auto& r : p.renditions)
        if (!r.stream.playlist_url.empty())
            out.push_back({&r.stream, true, r.is_default, r.autoselect, out.size(), r.group_id});
    return out;
}

// The bit rate to rank by: the average (HLS AVERAGE-BANDWIDTH) when the manifest gives one, since
// the peak says more about how bursty the encoder is than about the quality.
std::int64_t ranking_bandwidth(const Stream& s) {
    return s.average_bandwidth.value_or(s.bandwidth);
}

auto video_rank(const Candidate& c) {
    const Stream& s = *c.stream;
    return std::make_tuple(s.height.value_or(0), ranking_bandwidth(s), s.width.value_or(0),
                           s.frame_rate.value_or(0.0), -static_cast<long long>(c.order));
}

auto audio_rank(const Candidate& c) {
    const Stream& s = *c.stream;
    return std::make_tuple(ranking_bandwidth(s), c.is_default, c.autoselect, s.audio_channels.value_or(0),
                           s.sample_rate.value_or(0), -static_cast<long long>(c.order));
}

// What an HLS audio group's DEFAULT=YES rendition says to play with the variants that use it.
struct GroupDefault {
    bool inside = false;               // the default audio is inside the variant (no URI)
    const Stream* separate = nullptr;  // the default audio has its own playlist
};

std::optional<GroupDefault> group_default(const media::Presentation& p, const std::string& group) {
    for (const auto& r : p.renditions) {
        if (r.group_id != group || r.stream.type != StreamType::Audio || !r.is_default) continue;
        GroupDefault d;
        if (r.stream.playlist_url.empty())
            d.inside = true;
        else
            d.separate = &r.stream;
        return d;
    }
    return std::nullopt;
}

// ------------------------------------------------------------------ conditions

enum class Field { Height, Width, Bandwidth, Fps };
enum class Op { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

struct Condition {
    Field field = Field::Height;
    Op op = Op::Equal;
    double value = 0;
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<Condition> parse_condition(std::string_view text) {
    const auto op_at = text.find_first_of("<>=!");
    if (op_at == std::string_view::npos || op_at == 0) return std::nullopt;
    const std::string field = lower(text.substr(0, op_at));
    Condition c;
    if (field == "height")
        c.field = Field::Height;
    else if (field == "width")
        c.field = Field::Width;
    else if (field == "bandwidth" || field == "tbr")
        c.field = Field::Bandwidth;
    else if (field == "fps")
        c.field = Field::Fps;
    else
        return std::nullopt;
    std::string_view rest = text.substr(op_at);
    struct OpName {
        std::string_view text;
        Op op;
    };
    constexpr OpName kOps[] = {{"<=", Op::LessEqual}, {">=", Op::GreaterEqual}, {"!=", Op::NotEqual},
                               {"<", Op::Less},       {">", Op::Greater},       {"=", Op::Equal}};
    for (const auto& o : kOps) {
        if (!rest.starts_with(o.text)) continue;
        rest.remove_prefix(o.text.size());
        if (rest.starts_with("=")) rest.remove_prefix(1);  // "==" reads as "="
        const auto value = parse_number(rest);
        if (!value) return std::nullopt;
        c.op = o.op;
        c.value = *value;
        if (field == "tbr") c.value *= 1000;  // yt-dlp's tbr is in kbit/s
        return c;
    }
    return std::nullopt;
}

bool holds(const Condition& c, const Stream& s) {
    std::optional<double> actual;
    switch (c.field) {
        case Field::Height:
            actual = s.height ? std::optional<double>(*s.height) : std::nullopt;
            break;
        case Field::Width:
            actual = s.width ? std::optional<double>(*s.width) : std::nullopt;
            break;
        case Field::Bandwidth:
            actual = s.bandwidth > 0 ? std::optional<double>(static_cast<double>(s.bandwidth)) : std::nullopt;
            break;
        case Field::Fps:
            actual = s.frame_rate;
            break;
    }
    if (!actual) return false;  // unknown values never satisfy a condition
    switch (c.op) {
        case Op::Less:
            return *actual < c.value;
        case Op::LessEqual:
            return *actual <= c.value;
        case Op::Greater:
            return *actual > c.value;
        case Op::GreaterEqual:
            return *actual >= c.value;
        case Op::Equal:
            return *actual == c.value;
        case Op::NotEqual:
            return *actual != c.value;
    }
    return false;
}

// ------------------------------------------------------------------ selectors

enum class Kind { Best, Worst, BestVideo, WorstVideo, BestAudio, WorstAudio, Id, Height };

struct Selector {
    Kind kind = Kind::Best;
    std::string id;  // Kind::Id
    std::vector<Condition> conditions;
};

using Alternative = std::vector<Selector>;

Error usage(std::string message) {
    return {FailReason::Usage, std::move(message)};
}

std::variant<Selector, Error> parse_selector(std::string_view text, const std::vector<Candidate>& all) {
    Selector sel;
    const std::string whole(text);
    if (whole.empty()) return usage("format selection: empty selector");
    // An exact id wins over every other reading ("720" may be a DASH Representation id).
    for (const auto& c : all)
        if (c.stream->id == whole) {
            sel.kind = Kind::Id;
            sel.id = whole;
            return sel;
        }
    if (auto bare = parse_condition(text)) {
        sel.conditions.push_back(*bare);
        return sel;
    }
    const auto bracket = text.find('[');
    const std::string base = lower(text.substr(0, bracket));
    std::string_view filters = bracket == std::string_view::npos ? std::string_view() : text.substr(bracket);
    while (!filters.empty()) {
        const auto close = filters.find(']');
        if (filters.front() != '[' || close == std::string_view::npos)
            return usage("format selection: malformed condition in '" + whole + "'");
        auto c = parse_condition(filters.substr(1, close - 1));
        if (!c)
            return usage("format selection: cannot read condition '" +
                         std::string(filters.substr(1, close - 1)) +
                         "' (use height, width, bandwidth or fps with <, <=, >, >=, =, !=)");
        sel.conditions.push_back(*c);
        filters.remove_prefix(close + 1);
    }
    if (base == "best" || base == "b")
        sel.kind = Kind::Best;
    else if (base == "worst" || base == "w")
        sel.kind = Kind::Worst;
    else if (base == "bestvideo" || base == "bv")
        sel.kind = Kind::BestVideo;
    else if (base == "worstvideo" || base == "wv")
        sel.kind = Kind::WorstVideo;
    else if (base == "bestaudio" || base == "ba")
        sel.kind = Kind::BestAudio;
    else if (base == "worstaudio" || base == "wa")
        sel.kind = Kind::WorstAudio;
    else {
        std::string_view digits = text.substr(0, bracket);
        if (digits.ends_with("p") || digits.ends_with("P")) digits.remove_suffix(1);
        const auto height = parse_number(digits);
        if (height && *height > 0 && digits.find_first_not_of("0123456789") == std::string_view::npos) {
            sel.kind = Kind::Height;
            sel.conditions.push_back({Field::Height, Op::Equal, *height});
        } else {
            sel.kind = Kind::Id;  // an unknown id: reported as not available when resolved
            sel.id = std::string(text.substr(0, bracket));
        }
    }
    return sel;
}

std::variant<std::vector<Alternative>, Error> parse_spec(std::string_view spec,
                                                         const std::vector<Candidate>& all) {
    std::vector<Alternative> alternatives;
    std::size_t start = 0;
    std::string text(spec);
    text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }),
               text.end());
    if (text.empty()) text = "best";
    while (start <= text.size()) {
        // '/' and ',' separate alternatives, but not inside a [condition].
        std::size_t end = start;
        int depth = 0;
        while (end < text.size() && (depth > 0 || (text[end] != '/' && text[end] != ','))) {
            if (text[end] == '[') ++depth;
            if (text[end] == ']') depth = std::max(0, depth - 1);
            ++end;
        }
        const std::string_view part = std::string_view(text).substr(start, end - start);
        if (part.empty()) return usage("format selection '" + std::string(spec) + "': empty alternative");
        Alternative alt;
        std::size_t s = 0;
        while (s <= part.size()) {
            const auto plus = part.find('+', s);
            const auto piece =
                part.substr(s, plus == std::string_view::npos ? std::string_view::npos : plus - s);
            auto parsed = parse_selector(piece, all);
            if (auto* e = std::get_if<Error>(&parsed)) return *e;
            alt.push_back(std::get<Selector>(parsed));
            if (plus == std::string_view::npos) break;
            s = plus + 1;
        }
        alternatives.push_back(std::move(alt));
        if (end >= text.size()) break;
        start = end + 1;
    }
    return alternatives;
}

// The best (or worst) candidate by `rank` among those `keep` accepts.
template <class Keep, class Rank>
const Candidate* pick(const std::vector<Candidate>& all, Keep keep, Rank rank, bool best) {
    const Candidate* chosen = nullptr;
    for (const auto& c : all) {
        if (!selectable(c) || !keep(c)) continue;
        if (!chosen || (best ? rank(*chosen) < rank(c) : rank(c) < rank(*chosen))) chosen = &c;
    }
    return chosen;
}

bool meets(const Selector& sel, const Candidate& c) {
    return std::all_of(sel.conditions.begin(), sel.conditions.end(),
                       [&](const Condition& cond) { return holds(cond, *c.stream); });
}

// The audio to go with a video stream, or null when it needs none. An HLS variant's audio group
// decides first: its DEFAULT=YES rendition is what the playlist plays, whether that is the audio
// inside the variant (nothing to add) or a rendition with its own playlist. Otherwise a stream
// that carries its audio needs none, and a video-only one gets the best (worst) audio of its
// group, else of the presentation.
const Candidate* audio_for(const std::vector<Candidate>& all, const media::Presentation& presentation,
                           const Candidate& video, bool best) {
    const std::string& group = video.stream->audio_group;
    if (!group.empty()) {
        if (const auto by_default = group_default(presentation, group)) {
            if (by_default->inside) return nullptr;
            for (const auto& c : all)
                if (c.stream == by_default->separate && selectable(c)) return &c;
        }
    }
    if (video.stream->type != StreamType::Video) return nullptr;
    if (!group.empty()) {
        const Candidate* in_group = pick(
            all, [&](const Candidate& c) { return is_audio(c) && c.rendition && c.group == group; },
            audio_rank, best);
        if (in_group) return in_group;
    }
    return pick(all, is_audio, audio_rank, best);
}

using Picked = std::variant<std::vector<const Candidate*>, Error>;

Picked resolve(const Selector& sel, const std::vector<Candidate>& all,
               const media::Presentation& presentation) {
    const auto not_available = [] { return Picked(Error{FailReason::Usage, ""}); };
    switch (sel.kind) {
        case Kind::Id: {
            for (const auto& c : all) {
                if (c.stream->id != sel.id) continue;
                if (c.stream->type == StreamType::Subtitle)
                    return Error{FailReason::Unsupported,
                                 "format " + sel.id + " is a subtitle track; subtitles are not downloaded"};
                if (c.stream->drm_protected)
                    return Error{FailReason::Unsupported,
                                 "format " + sel.id + " is DRM-protected and cannot be downloaded"};
                if (!meets(sel, c)) return not_available();
                return std::vector<const Candidate*>{&c};
            }
            return not_available();
        }
        case Kind::BestVideo:
        case Kind::WorstVideo: {
            const bool best = sel.kind == Kind::BestVideo;
            const auto keep_type = [&](StreamType t) {
                return [&, t](const Candidate& c) { return c.stream->type == t && meets(sel, c); };
            };
            const Candidate* v = pick(all, keep_type(StreamType::Video), video_rank, best);
            if (!v) v = pick(all, keep_type(StreamType::Muxed), video_rank, best);
            if (!v) return not_available();
            return std::vector<const Candidate*>{v};
        }
        case Kind::BestAudio:
        case Kind::WorstAudio: {
            const Candidate* a = pick(
                all, [&](const Candidate& c) { return is_audio(c) && meets(sel, c); }, audio_rank,
                sel.kind == Kind::BestAudio);
            if (!a) return not_available();
            return std::vector<const Candidate*>{a};
        }
        case Kind::Best:
        case Kind::Worst:
        case Kind::Height: {
            const bool best = sel.kind != Kind::Worst;
            const Candidate* v = pick(
                all, [&](const Candidate& c) { return is_video(c) && meets(sel, c); }, video_rank, best);
            if (!v) {
                // An audio-only presentation: "best" is its best audio, unless a condition asked for video.
                if (!sel.conditions.empty()) return not_available();
                const Candidate* a = pick(all, is_audio, audio_rank, best);
                if (!a) return not_available();
                return std::vector<const Candidate*>{a};
            }
            std::vector<const Candidate*> out{v};
            if (const Candidate* a = audio_for(all, presentation, *v, best)) out.push_back(a);
            return out;
        }
    }
    return not_available();
}

std::string available_ids(const std::vector<Candidate>& all) {
    std::string ids;
    for (const auto& c : all) {
        if (!selectable(c)) continue;
        if (!ids.empty()) ids += ", ";
        ids += c.stream->id;
    }
    return ids.empty() ? "none" : ids;
}

std::string resolution_of(const Stream& s) {
    if (s.width && s.height) return std::to_string(*s.width) + "x" + std::to_string(*s.height);
    if (s.height) return std::to_string(*s.height) + "p";
    return s.type == StreamType::Audio ? "audio only" : "-";
}

std::string bits_per_second(std::optional<std::int64_t> rate) {
    if (!rate || *rate <= 0) return "-";
    if (*rate >= 10'000'000) return std::to_string(*rate / 1'000'000) + "M";
    return std::to_string((*rate + 500) / 1000) + "k";
}

// The AUDIO column: whether a video row carries its audio ("included") or takes it from an HLS
// group or a separate stream; for an HLS audio rendition, its group and whether it is the default.
std::string audio_of(const Candidate& c) {
    const Stream& s = *c.stream;
    if (is_audio(c)) {
        if (!c.rendition) return "-";
        return "group " + c.group + (c.is_default ? " (default)" : "");
    }
    if (s.type == StreamType::Muxed) return "included";
    if (s.type != StreamType::Video) return "-";
    return s.audio_group.empty() ? "separate" : "group " + s.audio_group;
}

std::string_view type_name(StreamType t) {
    switch (t) {
        case StreamType::Muxed:
            return "video+audio";
        case StreamType::Video:
            return "video";
        case StreamType::Audio:
            return "audio";
        case StreamType::Subtitle:
            return "subtitle";
    }
    return "-";
}

}  // namespace

std::variant<std::vector<SelectedFormat>, Error> select_formats(const media::Presentation& presentation,
                                                                std::string_view spec) {
    const auto all = candidates_of(presentation);
    auto parsed = parse_spec(spec, all);
    if (auto* e = std::get_if<Error>(&parsed)) return *e;
    for (const auto& alternative : std::get<std::vector<Alternative>>(parsed)) {
        std::vector<const Candidate*> chosen;
        bool ok = true;
        for (const auto& sel : alternative) {
            auto picked = resolve(sel, all, presentation);
            if (auto* e = std::get_if<Error>(&picked)) {
                if (e->reason == FailReason::Unsupported) return *e;
                ok = false;
                break;
            }
            for (const Candidate* c : std::get<std::vector<const Candidate*>>(picked))
                if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) chosen.push_back(c);
        }
        if (!ok || chosen.empty()) continue;
        std::stable_sort(chosen.begin(), chosen.end(), [](const Candidate* a, const Candidate* b) {
            return is_video(*a) && !is_video(*b);
        });
        std::vector<SelectedFormat> out;
        for (const Candidate* c : chosen) out.push_back({c->stream, c->rendition});
        return out;
    }
    return Error{FailReason::Usage, "requested format '" + std::string(spec) +
                                        "' is not available; available formats: " + available_ids(all)};
}

std::string format_table(const media::Presentation& presentation) {
    auto all = candidates_of(presentation);
    std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
        const int ka = is_audio(a) ? 0 : is_video(a) ? 1 : 2;
        const int kb = is_audio(b) ? 0 : is_video(b) ? 1 : 2;
        if (ka != kb) return ka < kb;
        if (ka == 0) return audio_rank(a) < audio_rank(b);
        if (ka == 1) return video_rank(a) < video_rank(b);
        return false;
    });
    std::vector<std::vector<std::string>> rows{
        {"ID", "TYPE", "RESOLUTION", "BANDWIDTH", "AVERAGE", "CODECS", "AUDIO", "LANGUAGE", "NAME"}};
    for (const auto& c : all) {
        const Stream& s = *c.stream;
        std::string type(type_name(s.type));
        if (s.drm_protected) type += " (DRM)";
        rows.push_back({s.id, type, resolution_of(s), bits_per_second(s.bandwidth),
                        bits_per_second(s.average_bandwidth), s.codecs.empty() ? "-" : s.codecs, audio_of(c),
                        s.language.empty() ? "-" : s.language, s.name.empty() ? "-" : s.name});
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace arina::stream
