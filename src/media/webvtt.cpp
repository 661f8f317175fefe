#include "media/webvtt.hpp"

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

}  // namespace

bool is_webvtt(std::string_view text) {
    text = without_bom(text);
    if (!text.starts_with("WEBVTT")) return false;
    if (text.size() == 6) return true;
    const char next = text[6];
    return next == ' ' || next == '\t' || next == '\n' || next == '\r';
}

std::string join_webvtt_segments(const std::vector<std::string>& segments) {
    std::string out;
    bool header_written = false;
    for (const auto& raw : segments) {
        const std::string text = normalized(without_bom(raw));
        std::string_view header;
        std::string_view body = text;
        if (is_webvtt(text)) {
            const Split split = split_header(text);
            header = split.header;
            body = split.body;
        }
        while (body.ends_with('\n')) body.remove_suffix(1);
        if (!header_written) {
            out += header.empty() ? std::string_view("WEBVTT") : header;
            out += "\n\n";
            header_written = true;
        }
        if (body.find_first_not_of(" \t\n") == std::string_view::npos) continue;
        out += body;
        out += "\n\n";
    }
    if (!header_written) out = "WEBVTT\n\n";
    // One line break at the end of the file, not a blank line.
    while (out.ends_with("\n\n")) out.pop_back();
    return out;
}

}  // namespace arina::media
