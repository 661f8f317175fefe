#include "media/webvtt.hpp"

#include <algorithm>
#include <charconv>

namespace arina::media {
namespace {

std::string_view without_bom(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return text;
}

/// CRLF and lone CR become LF (WebVTT allows all three line terminators).
std::string normalized(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            out += text[i];
            continue;
        }
        out += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
    return out;
}

struct Split {
    std::string_view header;  ///< the "WEBVTT" line and the header lines after it, no final newline
    std::string_view body;    ///< from the first block after the header's blank line
};

/// Splits a normalized WebVTT file at the blank line(s) ending its header block.
Split split_header(std::string_view text) {
    const auto blank = text.find("\n\n");
    if (blank == std::string_view::npos) return {text.substr(0, text.find_last_not_of('\n') + 1), {}};
    std::string_view body = text.substr(blank);
    while (body.starts_with('\n')) body.remove_prefix(1);
    return {text.substr(0, blank), body};
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// All digits, at least one: their value; nullopt otherwise (or on overflow).
std::optional<std::int64_t> digits_value(std::string_view s) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

std::string format_webvtt_time(std::int64_t ms) {
    const std::int64_t hours = ms / 3'600'000;
    const auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    std::string millis = std::to_string(ms % 1000);
    millis.insert(0, 3 - millis.size(), '0');
    return two(hours) + ":" + two(ms / 60'000 % 60) + ":" + two(ms / 1000 % 60) + "." + millis;
}

/// `body` with the start and end of every cue timing line ("start --> end [settings]") moved by
/// `adjust_ms` (never before 0); every other line as it is.
std::string shifted_cue_times(std::string_view body, std::int64_t adjust_ms) {
    std::string out;
    out.reserve(body.size() + 64);
    while (!body.empty()) {
        const auto newline = body.find('\n');
        const std::string_view line = body.substr(0, newline);
        body.remove_prefix(newline == std::string_view::npos ? body.size() : newline + 1);
        const auto arrow = line.find("-->");
        std::optional<std::int64_t> start, end;
        std::string_view rest;
        if (arrow != std::string_view::npos) {
            start = parse_webvtt_time(trimmed(line.substr(0, arrow)));
            std::string_view after = line.substr(arrow + 3);
            while (!after.empty() && (after.front() == ' ' || after.front() == '\t')) after.remove_prefix(1);
            const auto end_of_time = std::min(after.find_first_of(" \t"), after.size());
            end = parse_webvtt_time(after.substr(0, end_of_time));
            rest = after.substr(end_of_time);
        }
        if (start && end) {
            out += format_webvtt_time(std::max<std::int64_t>(0, *start + adjust_ms));
            out += " --> ";
            out += format_webvtt_time(std::max<std::int64_t>(0, *end + adjust_ms));
            out += rest;
        } else {
            out += line;
        }
        if (newline != std::string_view::npos) out += '\n';
    }
    return out;
}

/// Milliseconds that move the cues of a segment with map `later` into the clock of the first
/// segment's map `first`. The 90 kHz clock has 33 bits: a later value far below the first one
/// wrapped around.
std::int64_t adjustment_ms(const WebVttTimestampMap& first, const WebVttTimestampMap& later) {
    constexpr std::int64_t kWrap = std::int64_t{1} << 33;
    std::int64_t ticks = later.mpegts - first.mpegts;
    if (ticks < -kWrap / 2) ticks += kWrap;
    if (ticks > kWrap / 2) ticks -= kWrap;
    return ticks / 90 - (later.local_ms - first.local_ms);
}

}  // namespace

std::optional<std::int64_t> parse_webvtt_time(std::string_view text) {
    // [hh:]mm:ss.ttt, hours of two digits or more.
    const auto dot = text.rfind('.');
    if (dot == std::string_view::npos || text.size() - dot != 4) return std::nullopt;
    const auto millis = digits_value(text.substr(dot + 1));
    const auto last_colon = text.rfind(':', dot);
    if (!millis || last_colon == std::string_view::npos || dot - last_colon != 3) return std::nullopt;
    const auto seconds = digits_value(text.substr(last_colon + 1, 2));
    const std::string_view before = text.substr(0, last_colon);
    const auto hour_colon = before.rfind(':');
    const std::string_view minutes_text =
        hour_colon == std::string_view::npos ? before : before.substr(hour_colon + 1);
    const auto minutes = minutes_text.size() == 2 ? digits_value(minutes_text) : std::nullopt;
    std::optional<std::int64_t> hours = std::int64_t{0};
    if (hour_colon != std::string_view::npos) {
        const std::string_view hours_text = before.substr(0, hour_colon);
        hours = hours_text.size() >= 2 && hours_text.size() <= 9 ? digits_value(hours_text) : std::nullopt;
    }
    if (!seconds || !minutes || !hours || *seconds > 59 || *minutes > 59) return std::nullopt;
    return ((*hours * 60 + *minutes) * 60 + *seconds) * 1000 + *millis;
}

std::optional<WebVttTimestampMap> webvtt_timestamp_map(std::string_view text) {
    const std::string normal = normalized(without_bom(text));
    std::string_view header = split_header(normal).header;
    while (!header.empty()) {
        const auto newline = header.find('\n');
        const std::string_view line = header.substr(0, newline);
        header.remove_prefix(newline == std::string_view::npos ? header.size() : newline + 1);
        constexpr std::string_view kKey = "X-TIMESTAMP-MAP=";
        if (!line.starts_with(kKey)) continue;
        std::optional<std::int64_t> mpegts, local;
        std::string_view fields = line.substr(kKey.size());
        while (!fields.empty()) {
            const auto comma = fields.find(',');
            const std::string_view field = trimmed(fields.substr(0, comma));
            fields.remove_prefix(comma == std::string_view::npos ? fields.size() : comma + 1);
            if (field.starts_with("MPEGTS:")) mpegts = digits_value(field.substr(7));
            if (field.starts_with("LOCAL:")) local = parse_webvtt_time(field.substr(6));
        }
        if (!mpegts || !local) return std::nullopt;
        return WebVttTimestampMap{*mpegts, *local};
    }
    return std::nullopt;
}

bool is_webvtt(std::string_view text) {
    text = without_bom(text);
    if (!text.starts_with("WEBVTT")) return false;
    if (text.size() == 6) return true;
    const char next = text[6];
    return next == ' ' || next == '\t' || next == '\n' || next == '\r';
}

std::string join_webvtt_segments(const std::vector<std::string>& segments,
                                 const std::vector<std::int64_t>& offsets_ms) {
    std::string out;
    bool header_written = false;
    std::optional<WebVttTimestampMap> first_map;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        const std::string& raw = segments[k];
        const std::string text = normalized(without_bom(raw));
        std::string_view header;
        std::string_view body = text;
        if (is_webvtt(text)) {
            const Split split = split_header(text);
            header = split.header;
            body = split.body;
        }
        while (body.ends_with('\n')) body.remove_suffix(1);
        const auto map = header.empty() ? std::nullopt : webvtt_timestamp_map(header);
        const std::int64_t adjust =
            (header_written && first_map && map ? adjustment_ms(*first_map, *map) : 0) +
            (k < offsets_ms.size() ? offsets_ms[k] : 0);
        if (!header_written) {
            out += header.empty() ? std::string_view("WEBVTT") : header;
            out += "\n\n";
            header_written = true;
            first_map = map;
        }
        if (body.find_first_not_of(" \t\n") == std::string_view::npos) continue;
        out += adjust == 0 ? std::string(body) : shifted_cue_times(body, adjust);
        out += "\n\n";
    }
    if (!header_written) out = "WEBVTT\n\n";
    // One line break at the end of the file, not a blank line.
    while (out.ends_with("\n\n")) out.pop_back();
    return out;
}

}  // namespace arina::media
