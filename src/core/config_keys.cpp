#include "core/config_keys.hpp"

#include <charconv>
#include <cmath>

#include "util/units.hpp"

namespace arina::config_keys {
namespace {

// Accessors: one captureless lambda pair per key, so that a key is one line of the table.
#define ARINA_INT(field)                                                                \
    [](const Config& c) -> SettingValue { return static_cast<std::int64_t>(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = static_cast<int>(std::get<std::int64_t>(v)); }
#define ARINA_I64(field)                                                                \
    [](const Config& c) -> SettingValue { return static_cast<std::int64_t>(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<std::int64_t>(v); }
#define ARINA_NUM(field)                                                          \
    [](const Config& c) -> SettingValue { return static_cast<double>(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<double>(v); }
#define ARINA_BOOL(field)                                          \
    [](const Config& c) -> SettingValue { return bool(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<bool>(v); }
#define ARINA_TEXT(field)                                                 \
    [](const Config& c) -> SettingValue { return std::string(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<std::string>(v); }
#define ARINA_PATH(field)                                             \
    [](const Config& c) -> SettingValue { return c.field.string(); }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<std::string>(v); }
// A count that may be "auto": kAutoConnections in the Config, the text "auto" everywhere else.
#define ARINA_COUNT(field)                                                \
    [](const Config& c) -> SettingValue { return count_value(c.field); }, \
        [](Config& c, const SettingValue& v) { c.field = count_from(v); }
#define ARINA_LIST(field)                                    \
    [](const Config& c) -> SettingValue { return c.field; }, \
        [](Config& c, const SettingValue& v) { c.field = std::get<std::vector<std::string>>(v); }

constexpr double kUnbounded = 1e15;
constexpr std::string_view kAuto = "auto";

SettingValue count_value(int count) {
    if (count == kAutoConnections) return std::string(kAuto);
    return std::int64_t{count};
}

int count_from(const SettingValue& v) {
    if (std::holds_alternative<std::string>(v)) return kAutoConnections;
    return static_cast<int>(std::get<std::int64_t>(v));
}

std::vector<Key> make_keys() {
    // clang-format off
    return {
        {"max_workers", Kind::Int, 1, 64, false, "Downloads running at once.", ARINA_INT(max_workers)},
        {"concurrent_fragments", Kind::Count, 1, 64, true, "Connections (fragments in flight) per download; \"auto\": a plain file starts with\n# 2 and adds more while the total rate grows, up to max_connections_per_host (streams: 4).", ARINA_COUNT(concurrent_fragments)},
        {"max_connections_per_host", Kind::Int, 0, 1024, true, "Connections to one host across all downloads (0 = no limit); a\n# download's connections never exceed it.", ARINA_INT(max_connections_per_host)},
        {"fragment_retries", Kind::Int, 0, 1000, false, "Retries of one byte range or fragment.", ARINA_INT(fragment_retries)},
        {"retries", Kind::Int, 0, 1000, false, "Retries of a whole download.", ARINA_INT(retries)},
        {"http_chunk_size", Kind::Size, 65536, kUnbounded, false, "Largest byte range asked in one request: bytes, or a size such as \"10M\".", ARINA_I64(http_chunk_size)},
        {"socket_timeout", Kind::Number, 0.1, 86400, false, "Seconds to wait for a connection or for the next byte.", ARINA_NUM(socket_timeout)},
        {"rate_limit", Kind::Number, 0, kUnbounded, false, "Bytes per second for all downloads together (0 = unlimited).", ARINA_NUM(rate_limit)},
        {"retry_sleep", Kind::Number, 0, 3600, false, "First back-off in seconds before a retry; it doubles each time.", ARINA_NUM(retry_sleep)},
        {"retry_sleep_max", Kind::Number, 0, 86400, false, "Longest back-off in seconds.", ARINA_NUM(retry_sleep_max)},
        {"output_dir", Kind::Text, 0, 0, false, "Directory downloads are saved in.", ARINA_PATH(output_dir)},
        {"continue_partial", Kind::Bool, 0, 0, false, "Resume partial downloads (false: start over).", ARINA_BOOL(continue_partial)},
        {"overwrite", Kind::Bool, 0, 0, false, "Download again over an existing file.", ARINA_BOOL(overwrite)},
        {"skip_unavailable_fragments", Kind::Bool, 0, 0, false, "Streams: leave out fragments that keep failing (they are listed).", ARINA_BOOL(skip_unavailable_fragments)},
        {"live_duration", Kind::Number, 0, kUnbounded, false, "Live streams: stop after this many seconds (0 = until the end).", ARINA_NUM(live_duration)},
        {"database", Kind::Text, 0, 0, false, "Task database for `arina queue` and `arina run`: a file, or a PostgreSQL\n# connection string (empty: the default queue file).", ARINA_PATH(database)},
        {"user_agent", Kind::Text, 0, 0, false, "User-Agent header.", ARINA_TEXT(http.user_agent)},
        {"proxy", Kind::Text, 0, 0, false, "Proxy URL (http://, socks5://...); empty: none.", ARINA_TEXT(http.proxy)},
        {"cookies", Kind::Text, 0, 0, false, "Netscape-format cookie file; each cookie goes to its own domain only.", ARINA_TEXT(http.cookies_file)},
        {"headers", Kind::List, 0, 0, true, "Extra request headers, \"Name: value\".", ARINA_LIST(http.headers)},
        {"check_certificate", Kind::Bool, 0, 0, false, "Verify TLS certificates (false is unsafe).", ARINA_BOOL(http.verify_tls)},
        {"ca_certificate", Kind::Text, 0, 0, false, "Extra CA bundle (PEM) to trust.", ARINA_TEXT(http.ca_file)},
        {"quality_preference", Kind::List, 0, 0, true, "Qualities to try in order when no format is asked for: \"1080\" is\n# 1080p, \"best\" the best there is.", ARINA_LIST(quality_preference)},
        {"age_verification", Kind::List, 0, 0, true, "Cookies \"name=value\" that pass a site's age gate, sent to that site\n# and to yt-dlp.", ARINA_LIST(age_verification)},
        {"request_interval", Kind::Number, 0, 3600, true, "Polite pacing: seconds between the starts of two requests to one site\n# (passed to yt-dlp as --sleep-requests).", ARINA_NUM(request_interval)},
        {"ytdlp_path", Kind::Text, 0, 0, false, "yt-dlp executable for sites Arina does not know itself (empty: yt-dlp on PATH).", ARINA_TEXT(ytdlp_path)},
        {"ytdlp_timeout", Kind::Number, 1, 86400, false, "Seconds yt-dlp may take to answer for one URL.", ARINA_NUM(ytdlp_timeout)},
        {"cookies_from_browser", Kind::Text, 0, 0, false, "Browser whose cookies yt-dlp reads (\"firefox\", \"chrome\"...); empty: none.", ARINA_TEXT(cookies_from_browser)},
        {"extractor_args", Kind::List, 0, 0, true, "yt-dlp --extractor-args values, e.g. \"youtube:player_client=web\".", ARINA_LIST(extractor_args)},
        {"output_template", Kind::Text, 0, 0, false, "File names for media found on pages, in yt-dlp's template syntax\n# (empty: \"%(title)s [%(id)s].%(ext)s\").", ARINA_TEXT(output_template)},
        {"write_subs", Kind::Bool, 0, 0, false, "Write subtitles as files next to the media.", ARINA_BOOL(write_subs)},
        {"embed_subs", Kind::Bool, 0, 0, false, "Embed subtitles in the media file.", ARINA_BOOL(embed_subs)},
        {"sub_langs", Kind::Text, 0, 0, false, "Subtitle languages: \"en,de\", \"all\" (empty: the source's default or en).", ARINA_TEXT(sub_langs)},
        {"embed_metadata", Kind::Bool, 0, 0, false, "Write title, uploader, date and description into the container.", ARINA_BOOL(embed_metadata)},
        {"embed_thumbnail", Kind::Bool, 0, 0, false, "Attach the thumbnail as cover art.", ARINA_BOOL(embed_thumbnail)},
    };
    // clang-format on
}

#undef ARINA_INT
#undef ARINA_I64
#undef ARINA_NUM
#undef ARINA_BOOL
#undef ARINA_TEXT
#undef ARINA_PATH
#undef ARINA_LIST
#undef ARINA_COUNT

std::string number_text(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

std::string range_problem(const Key& key, double v, const std::string& shown) {
    const bool has_max = key.max < kUnbounded;
    if (v >= key.min && (!has_max || v <= key.max)) return {};
    if (has_max)
        return "must be between " + number_text(key.min) + " and " + number_text(key.max) + ", got " + shown;
    return "must be at least " + number_text(key.min) + ", got " + shown;
}

// Per-key checks of list items, where a malformed item would only fail much later.
std::optional<std::string> item_problem(const Key& key, const std::string& item) {
    if (key.name == "headers") {
        const auto colon = item.find(':');
        if (colon == std::string::npos || colon == 0) return "expected \"Name: value\", got \"" + item + "\"";
    } else if (key.name == "age_verification") {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || item.find_first_of("; \t") != std::string::npos)
            return "expected a cookie \"name=value\", got \"" + item + "\"";
    }
    return std::nullopt;
}

}  // namespace

const std::vector<Key>& all() {
    static const std::vector<Key> keys = make_keys();
    return keys;
}

const Key* find(std::string_view name) {
    for (const auto& k : all())
        if (k.name == name) return &k;
    return nullptr;
}

std::string_view type_name(const SettingValue& value) {
    switch (value.index()) {
        case 0:
            return "a boolean";
        case 1:
            return "an integer";
        case 2:
            return "a number";
        case 3:
            return "a string";
        default:
            return "a list";
    }
}

std::string_view expected_type(Kind kind) {
    switch (kind) {
        case Kind::Bool:
            return "true or false";
        case Kind::Int:
            return "an integer";
        case Kind::Count:
            return "an integer or \"auto\"";
        case Kind::Size:
            return "an integer or a size";
        case Kind::Number:
            return "a number";
        case Kind::Text:
            return "a string";
        case Kind::List:
            return "a list of strings";
    }
    return "a value";
}

std::optional<std::string> normalise(const Key& key, SettingValue& value) {
    auto wrong = [&] {
        return "expected " + std::string(expected_type(key.kind)) + ", got " + std::string(type_name(value));
    };
    switch (key.kind) {
        case Kind::Bool:
            if (!std::holds_alternative<bool>(value)) return wrong();
            return std::nullopt;
        case Kind::Int: {
            if (!std::holds_alternative<std::int64_t>(value)) return wrong();
            const auto v = std::get<std::int64_t>(value);
            if (auto p = range_problem(key, static_cast<double>(v), std::to_string(v)); !p.empty()) return p;
            return std::nullopt;
        }
        case Kind::Count: {
            if (auto* text = std::get_if<std::string>(&value)) {
                if (*text != kAuto) return "expected an integer or \"auto\", got \"" + *text + "\"";
                return std::nullopt;
            }
            if (!std::holds_alternative<std::int64_t>(value)) return wrong();
            const auto v = std::get<std::int64_t>(value);
            if (auto p = range_problem(key, static_cast<double>(v), std::to_string(v)); !p.empty()) return p;
            return std::nullopt;
        }
        case Kind::Size: {
            if (auto* text = std::get_if<std::string>(&value)) {
                auto size = parse_size(*text);
                if (!size) return "expected a size such as \"10M\", got \"" + *text + "\"";
                value = *size;
            }
            if (!std::holds_alternative<std::int64_t>(value)) return wrong();
            const auto v = std::get<std::int64_t>(value);
            if (auto p = range_problem(key, static_cast<double>(v), std::to_string(v)); !p.empty()) return p;
            return std::nullopt;
        }
        case Kind::Number: {
            if (auto* i = std::get_if<std::int64_t>(&value)) value = static_cast<double>(*i);
            if (!std::holds_alternative<double>(value)) return wrong();
            const double v = std::get<double>(value);
            if (!std::isfinite(v)) return "expected a finite number, got " + number_text(v);
            if (auto p = range_problem(key, v, number_text(v)); !p.empty()) return p;
            return std::nullopt;
        }
        case Kind::Text:
            if (!std::holds_alternative<std::string>(value)) return wrong();
            return std::nullopt;
        case Kind::List:
            if (!std::holds_alternative<std::vector<std::string>>(value)) return wrong();
            for (const auto& item : std::get<std::vector<std::string>>(value))
                if (auto p = item_problem(key, item)) return p;
            return std::nullopt;
    }
    return std::nullopt;
}

std::vector<std::pair<std::string_view, SettingValue>> profile_values(const extract::PlatformProfile& p) {
    std::vector<std::pair<std::string_view, SettingValue>> out;
    if (p.concurrent_fragments)
        out.emplace_back("concurrent_fragments", count_value(*p.concurrent_fragments));
    if (p.max_connections_per_host)
        out.emplace_back("max_connections_per_host", std::int64_t{*p.max_connections_per_host});
    if (p.headers) out.emplace_back("headers", *p.headers);
    if (p.quality_preference) out.emplace_back("quality_preference", *p.quality_preference);
    if (p.age_verification) out.emplace_back("age_verification", *p.age_verification);
    if (p.request_interval) out.emplace_back("request_interval", *p.request_interval);
    if (p.extractor_args) out.emplace_back("extractor_args", *p.extractor_args);
    return out;
}

bool set_profile_value(extract::PlatformProfile& p, std::string_view key, const SettingValue& v) {
    if (key == "concurrent_fragments")
        p.concurrent_fragments = count_from(v);
    else if (key == "max_connections_per_host")
        p.max_connections_per_host = static_cast<int>(std::get<std::int64_t>(v));
    else if (key == "headers")
        p.headers = std::get<std::vector<std::string>>(v);
    else if (key == "quality_preference")
        p.quality_preference = std::get<std::vector<std::string>>(v);
    else if (key == "age_verification")
        p.age_verification = std::get<std::vector<std::string>>(v);
    else if (key == "request_interval")
        p.request_interval = std::get<double>(v);
    else if (key == "extractor_args")
        p.extractor_args = std::get<std::vector<std::string>>(v);
    else
        return false;
    return true;
}

void clear_profile_value(extract::PlatformProfile& p, std::string_view key) {
    if (key == "concurrent_fragments") p.concurrent_fragments.reset();
    if (key == "max_connections_per_host") p.max_connections_per_host.reset();
    if (key == "headers") p.headers.reset();
    if (key == "quality_preference") p.quality_preference.reset();
    if (key == "age_verification") p.age_verification.reset();
    if (key == "request_interval") p.request_interval.reset();
    if (key == "extractor_args") p.extractor_args.reset();
}

}  // namespace arina::config_keys
