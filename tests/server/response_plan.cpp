#include "server/response_plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "server/byte_range.hpp"
#include "server/http_date.hpp"

namespace arina::testing {
namespace {

// The "first K requests" rule shared by every knob: K = 0 means always.
bool applies(int first_k, int request_number) {
    return first_k <= 0 || request_number <= first_k;
}

class HeadBuilder {
  public:
    HeadBuilder(int status, std::time_t now) {
        head_ = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
        add("Date", format_http_date(now));
        add("Server", "arina-testserver");
    }
    void add(std::string_view name, std::string_view value) {
        head_ += fmt::format("{}: {}\r\n", name, value);
    }
    std::string finish(bool close) {
        add("Connection", close ? "close" : "keep-alive");
        head_ += "\r\n";
        return std::move(head_);
    }

  private:
    std::string head_;
};

ResponsePlan text_response(int status, bool close, std::time_t now,
                           const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    ResponsePlan plan;
    plan.status = status;
    plan.body = text_representation(fmt::format("{} {}\n", status, reason_phrase(status)));
    plan.body_length = plan.body->size;
    plan.close_after = close;
    HeadBuilder head(status, now);
    head.add("Content-Type", "text/plain");
    head.add("Content-Length", std::to_string(plan.body_length));
    for (const auto& [name, value] : extra) head.add(name, value);
    plan.head = head.finish(close);
    return plan;
}

// Cookie: a=1; b=2 holds name=value?
bool has_cookie(std::string_view cookies, std::string_view name, std::string_view value) {
    while (!cookies.empty()) {
        const auto semi = cookies.find(';');
        auto pair = cookies.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name && pair.substr(eq + 1) == value)
            return true;
        if (semi == std::string_view::npos) break;
        cookies.remove_prefix(semi + 1);
    }
    return false;
}

bool requirements_met(const HttpRequest& request, const std::vector<Requirement>& requirements) {
    return std::all_of(requirements.begin(), requirements.end(), [&](const Requirement& r) {
        return r.is_cookie ? has_cookie(request.header("cookie"), r.name, r.value)
                           : request.header(r.name) == r.value;
    });
}

// If-Range (RFC 9110 13.1.5): the range applies only while the validator still matches. An entity
// tag needs a strong match; a date must equal Last-Modified exactly, as sent.
bool if_range_matches(std::string_view if_range, const Representation& rep, const std::string& last_modified,
                      bool no_validators) {
    if (if_range.empty()) return true;
    if (no_validators) return false;
    if (if_range.starts_with("W/")) return false;
    if (if_range.starts_with("\"")) return !rep.etag.empty() && if_range == rep.etag;
    return if_range == last_modified;
}

// Drop or stall, whichever the knobs put first inside the body. A cut at or past the end of the
// body does not happen: that response is whole.
void choose_cut(const Faults& f, int request_number, ResponsePlan& plan) {
    const bool drop = f.drop_after_bytes >= 0 && applies(f.drop_first_requests, request_number) &&
                      f.drop_after_bytes < plan.body_length;
    const bool stall = f.stall_after_bytes >= 0 && applies(f.stall_first_requests, request_number) &&
                       f.stall_after_bytes < plan.body_length;
    if (drop && (!stall || f.drop_after_bytes <= f.stall_after_bytes)) {
        plan.cut = ResponsePlan::Cut::drop;
        plan.cut_after = f.drop_after_bytes;
    } else if (stall) {
        plan.cut = ResponsePlan::Cut::stall;
        plan.cut_after = f.stall_after_bytes;
    }
}

// 200, 206 or 416 with the route's content, lies and cuts included.
ResponsePlan plan_content(const HttpRequest& request, const Resolution& route, std::time_t now) {
    const Faults& f = route.faults;
    const bool client_close = !request.keep_alive;
    const Representation& rep = *route.representation;
    const std::string last_modified = format_http_date(rep.modified);
    ResponsePlan plan;
    plan.body = route.representation;
    plan.body_length = rep.size;

    auto range = parse_range(request.header("range"), rep.size);
    if (f.ignore_range || !if_range_matches(request.header("if-range"), rep, last_modified, f.no_validators))
        range.kind = RangeKind::absent;
    if (range.kind == RangeKind::unsatisfiable)
        return text_response(416, client_close, now,
                             {{"Content-Range", fmt::format("bytes */{}", rep.size)}});
    if (range.kind == RangeKind::single) {
        plan.status = 206;
        plan.body_offset = range.range.first;
        plan.body_length = range.range.length();
    }
    const bool lie =
        applies(f.lie_first_requests, route.request_number) && route.request_number > f.lie_after_requests;
    if (range.kind == RangeKind::single && lie && f.other_range_shift != 0) {
        // Honest: the moved range is both named and sent.
        const auto length = range.range.length();
        range.range.first =
            std::clamp<std::int64_t>(range.range.first + f.other_range_shift, 0, rep.size - 1);
        range.range.last = std::min(rep.size - 1, range.range.first + length - 1);
        plan.body_offset = range.range.first;
        plan.body_length = range.range.length();
    }
    // Whole blocks around what is sent (the asked range, or the moved one).
    if (range.kind == RangeKind::single && f.range_block_bytes > 0) {
        const auto block = f.range_block_bytes;
        range.range.first -= range.range.first % block;
        range.range.last = std::min(rep.size - 1, (range.range.last / block + 1) * block - 1);
        plan.body_offset = range.range.first;
        plan.body_length = range.range.length();
    }
    plan.chunked = f.no_content_length && request.version_minor >= 1;
    if (!f.content_length_text.empty()) plan.close_after = true;  // the client's framing is broken
    // Without a length, an HTTP/1.0 client learns where the body ends by the close.
    plan.close_after = client_close || (f.no_content_length && !plan.chunked) ||
                       (lie && f.content_length_delta != 0 && !f.no_content_length);

    HeadBuilder head(plan.status, now);
    head.add("Content-Type", f.content_type.empty() ? rep.content_type : f.content_type);
    if (plan.chunked) {
        head.add("Transfer-Encoding", "chunked");
    } else if (!f.content_length_text.empty()) {
        head.add("Content-Length", f.content_length_text);
    } else if (!f.no_content_length) {
        const auto delta = lie ? f.content_length_delta : 0;
        head.add("Content-Length", std::to_string(std::max<std::int64_t>(0, plan.body_length + delta)));
    }
    for (const auto& line : f.extra_header_lines) {
        const auto colon = line.find(':');
        head.add(line.substr(0, colon), colon == std::string::npos ? "" : line.substr(colon + 2));
    }
    if (plan.status == 206 && !f.no_content_range) {
        const auto shift = lie ? f.content_range_shift : 0;
        head.add("Content-Range", fmt::format("bytes {}-{}/{}", range.range.first + shift,
                                              range.range.last + shift, rep.size));
    }
    if (rep.gzip) {
        head.add("Content-Encoding", "gzip");
        head.add("Vary", "Accept-Encoding");
    }
    if (!f.ignore_range) head.add("Accept-Ranges", "bytes");
    if (!f.no_validators) {
        if (!rep.etag.empty()) head.add("ETag", rep.etag);
        head.add("Last-Modified", last_modified);
    }
    if (!f.content_disposition.empty()) head.add("Content-Disposition", f.content_disposition);
    plan.head = head.finish(plan.close_after);

    choose_cut(f, route.request_number, plan);
    plan.rate_bytes_per_sec = f.rate_bytes_per_sec;
    if (f.slow_after_bytes >= 0 && f.slow_rate_bytes_per_sec > 0) {
        plan.slow_begin = f.slow_after_bytes;
        plan.slow_end = f.slow_after_bytes + f.slow_bytes;
        plan.slow_rate = f.slow_rate_bytes_per_sec;
    }
    return plan;
}

ResponsePlan decide(const HttpRequest& request, const Resolution& route, std::time_t now) {
    const bool client_close = !request.keep_alive;
    if (route.kind == Resolution::Kind::not_found) return text_response(404, client_close, now);
    if (route.kind == Resolution::Kind::bad_path) return text_response(400, client_close, now);
    if (route.kind == Resolution::Kind::forbidden) return text_response(403, client_close, now);
    if (route.kind == Resolution::Kind::redirect) {
        ResponsePlan plan;
        plan.status = route.redirect_status;
        plan.close_after = client_close;
        HeadBuilder head(plan.status, now);
        head.add("Location", route.location);
        head.add("Content-Length", "0");
        plan.head = head.finish(client_close);
        return plan;
    }
    if (!requirements_met(request, route.requirements)) return text_response(403, client_close, now);

    const Faults& f = route.faults;
    ResponsePlan plan;
    const bool page =
        f.page_after_requests >= 0 && route.request_number > f.page_after_requests &&
        (f.page_requests <= 0 || route.request_number <= f.page_after_requests + f.page_requests);
    if (page) {
        plan.status = 200;
        plan.body = text_representation(f.page_body);
        plan.body_length = plan.body->size;
        plan.close_after = client_close;
        HeadBuilder head(200, now);
        head.add("Content-Type", "text/html; charset=utf-8");
        head.add("Content-Length", std::to_string(plan.body_length));
        plan.head = head.finish(client_close);
    } else if (f.error_status > 0 && applies(f.error_first_requests, route.request_number)) {
        std::vector<std::pair<std::string, std::string>> extra;
        if (f.retry_after_seconds >= 0)
            extra.emplace_back("Retry-After", std::to_string(f.retry_after_seconds));
        plan = text_response(f.error_status, client_close, now, extra);
    } else {
        plan = plan_content(request, route, now);
    }
    plan.latency_ms = f.latency_ms;
    plan.nagle = f.nagle;
    return plan;
}

}  // namespace

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 410:
            return "Gone";
        case 413:
            return "Content Too Large";
        case 416:
            return "Range Not Satisfiable";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Status";
    }
}

ResponsePlan plan_error(int status, bool close, std::time_t now) {
    return text_response(status, close, now);
}

double connection_rate(const Faults& faults, int connection_id) {
    const int k = faults.slow_every_connections;
    if (k > 0 && connection_id > 0 && connection_id % k == 0)
        return faults.slow_connection_rate_bytes_per_sec;
    return faults.rate_bytes_per_sec;
}

ResponsePlan plan_response(const HttpRequest& request, const Resolution& route, std::time_t now,
                           int connection_id) {
    ResponsePlan plan = decide(request, route, now);
    // Content only: error pages go out unpaced, as before.
    const bool content =
        route.kind == Resolution::Kind::content && (plan.status == 200 || plan.status == 206);
    if (content && plan.rate_bytes_per_sec == route.faults.rate_bytes_per_sec)
        plan.rate_bytes_per_sec = connection_rate(route.faults, connection_id);
    if (request.method == "HEAD") {  // same head as GET, no body
        plan.body = nullptr;
        plan.cut = ResponsePlan::Cut::none;
    }
    return plan;
}

}  // namespace arina::testing
