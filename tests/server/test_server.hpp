#pragma once
// A loopback HTTP/1.1 (and HTTPS) server with fault knobs, modelled on curl's test servers.
//
// Integration tests run it in-process: register content, turn knobs, point a client at url(), then
// inspect what the server saw (requests(), body_bytes_sent()). Benchmarks run the same class as the
// program `arina-testserver`, so that curl, aria2c, yt-dlp, ffmpeg and Arina all meet exactly the
// same server.
//
// Threads: one accepting thread plus one thread per connection. Every blocking wait also watches a
// stop event, so stop() (and the destructor) return promptly even while connections are stalled.
// All public member functions are thread-safe.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace arina::testing {

/// Misbehaviours of one route. Everything defaults to "off". The "first K requests" counters count
/// every request to the same URL path since the route's knobs were last set (set_faults() restarts
/// them); K = 0 means "every request".
struct Faults {
    /// Delay before the status line of every response of this route (errors included).
    double latency_ms = 0;
    /// Body send rate per connection in bytes/s (0 = unlimited). Paced in small slices against a
    /// per-response clock, so the flow is smooth rather than burst-then-sleep.
    double rate_bytes_per_sec = 0;
    /// Connections that differ: every K-th connection in accept order (ids K, 2K, ...; 0 = none)
    /// sends this route's bodies at `slow_connection_rate_bytes_per_sec` instead of
    /// `rate_bytes_per_sec`, as when some connections land on a congested path or a slow cache node.
    int slow_every_connections = 0;
    double slow_connection_rate_bytes_per_sec = 0;

    /// Bytes routes: from request K+1 on (K = replace_after_requests > 0) the route serves
    /// `replacement_body`, a new version with its own ETag and a later Last-Modified.
    std::string replacement_body;
    int replace_after_requests = 0;

    /// A slow patch in the body: after this many body bytes (-1 = never) the next `slow_bytes`
    /// go out at `slow_rate_bytes_per_sec`, then the rest at `rate_bytes_per_sec` again.
    std::int64_t slow_after_bytes = -1;
    std::int64_t slow_bytes = 0;
    double slow_rate_bytes_per_sec = 0;

    /// Close the connection after this many body bytes (-1 = never) ...
    std::int64_t drop_after_bytes = -1;
    /// ... for the first K requests (0 = every request).
    int drop_first_requests = 0;

    /// Send this many body bytes, then send nothing more but keep the socket open until the client
    /// closes it or the server stops (-1 = never) ...
    std::int64_t stall_after_bytes = -1;
    /// ... for the first K requests (0 = every request).
    int stall_first_requests = 0;

    /// Answer with this status instead of the content (e.g. 503, 429, 404; 0 = off) ...
    int error_status = 0;
    /// ... for the first K requests (0 = forever).
    int error_first_requests = 0;
    /// Adds "Retry-After: N" to those error responses when >= 0.
    int retry_after_seconds = -1;

    /// Answer 200 with the full body even when a Range is asked, and do not send Accept-Ranges
    /// (like a server without range support).
    bool ignore_range = false;

    /// Lie: Content-Length = real length + delta, while the real bytes are sent. The connection is
    /// closed after such a response, as the client's framing is broken either way.
    std::int64_t content_length_delta = 0;
    /// Lie: Content-Range start and end shifted by this many bytes (the body is the requested bytes).
    std::int64_t content_range_shift = 0;
    /// Honest, not a lie: a 206 answer names and sends other bytes than asked, the asked range moved
    /// by this many bytes (clamped to the file), as RFC 9110 allows a server to do. Counted like
    /// the lies below (`lie_first_requests`, `lie_after_requests`).
    std::int64_t other_range_shift = 0;
    /// Honest too: a 206 answer widened to whole blocks of this many bytes (0 = off), as caches that
    /// store a file in blocks answer; the widened range is named and sent.
    std::int64_t range_block_bytes = 0;
    /// Both lies apply to the first K requests (0 = every request) ...
    int lie_first_requests = 0;
    /// ... and only from request K+1 on (0 = from the first): an honest probe, then lies about the
    /// ranges after it.
    int lie_after_requests = 0;

    /// Send the representation gzipped (Content-Encoding: gzip) whatever the client accepts. Ranges
    /// then address the gzipped bytes, as RFC 9110 says. Files are compressed in memory: small ones only.
    bool gzip = false;
    /// Sent verbatim as the Content-Disposition value when non-empty.
    std::string content_disposition;
    /// Content-Type; empty = guessed from the extension (.ts, .m3u8, .mpd, .mp4, .m4a, ...), else
    /// application/octet-stream.
    std::string content_type;
    /// Omit ETag and Last-Modified.
    bool no_validators = false;
    /// Use Transfer-Encoding: chunked (HTTP/1.0 clients: close-delimited) instead of Content-Length.
    bool no_content_length = false;
    /// Nagle's algorithm on (no TCP_NODELAY) while answering, as Python's http.server and many small
    /// origins run: the head and the body go out in separate writes, so on a reused connection a
    /// small body waits for the ACK of the head, which a client in delayed-ACK mode holds ~40 ms.
    bool nagle = false;

    /// Protocol violations that repeat on every answer with content (200/206):
    /// header lines added verbatim ("Content-Length: 5" beside the real one, ...);
    std::vector<std::string> extra_header_lines;
    /// sent as the Content-Length value instead of the real length when non-empty ("-5");
    std::string content_length_text;
    /// 206 answers without their Content-Range.
    bool no_content_range = false;

    /// An error page instead of the content from request K+1 on (K = page_after_requests >= 0; -1 =
    /// never): 200, Content-Type text/html, `page_body`, whatever Range was asked. What a server says
    /// when a session expired, or a captive portal or login wall answers in its place.
    int page_after_requests = -1;
    /// ... for this many requests (0 = every one after K): a page once, then the content again.
    int page_requests = 0;
    std::string page_body = "<html><body>Your session has expired.</body></html>";

    bool operator==(const Faults&) const = default;
};

/// What the server saw and did for one request.
struct RequestRecord {
    std::string method;
    std::string path;             ///< request path without the query, as sent (not percent-decoded)
    std::string target;           ///< request target exactly as sent, query included
    std::string range_header;     ///< value of Range, "" when absent
    std::string if_range_header;  ///< value of If-Range, "" when absent
    int status = 0;
    /// Body bytes accepted by send() for this response (framing of chunked bodies excluded).
    std::int64_t body_bytes_sent = 0;
    std::map<std::string, std::string> headers;  ///< lower-case names; repeated fields joined
    int connection_id = 0;                       ///< 1-based, in accept order
};

struct ServerOptions {
    std::string bind = "127.0.0.1";
    std::uint16_t port = 0;  ///< 0 = an ephemeral port, see TestServer::port()
    /// Serve HTTPS with a self-signed certificate generated at start-up (see certificate_pem()).
    bool tls = false;
    /// Knobs of every route registered with default-constructed Faults (or reset to them).
    Faults defaults;
    /// One rate in bytes/s shared by the bodies of all connections together (0 = unlimited), on top
    /// of each route's own rate: a link, or an origin with one bandwidth budget for everybody.
    double total_rate_bytes_per_sec = 0;
    /// At most this many connections open at once (0 = no cap). A connection accepted beyond it gets
    /// its first request answered 503 with "Connection: close" and is closed; it counts in
    /// connections_accepted() (and in the accept order) and connections_rejected(), never in
    /// max_concurrent_connections(), and does not take a place under the cap.
    int max_connections = 0;
    /// Called on a connection thread once a response is over (body sent, cut or aborted), with the
    /// final byte count. Used by the standalone program for its request log. Must be thread-safe.
    std::function<void(const RequestRecord&)> on_response_done;
};

class TestServer {
  public:
    /// Binds and starts listening; throws std::runtime_error when it cannot.
    explicit TestServer(ServerOptions options = {});
    /// Stops (see stop()).
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::uint16_t port() const;
    /// "http://127.0.0.1:PORT", or https:// when serving TLS.
    std::string base_url() const;
    /// base_url() + path.
    std::string url(std::string_view path) const;
    /// The PEM of the self-signed certificate ("" without TLS); write it to a file and use it as
    /// a CA bundle to make a verifying client accept the server.
    std::string certificate_pem() const;

    /// Serves `body` at `path` ("/file.bin"). ETag: a hash of the content.
    void serve_bytes(std::string path, std::string body, Faults faults = {});
    /// Serves a file read at positions on every request (multi-GiB files are fine). ETag from size
    /// and modification time, both taken when a request arrives.
    void serve_file(std::string path, std::filesystem::path file, Faults faults = {});
    /// Serves every file below `dir` under `url_prefix` (percent-decoded; ".." refused with 400).
    /// Each file counts its own "first K requests" and bytes, under its own URL path.
    void serve_directory(std::string url_prefix, std::filesystem::path dir, Faults faults = {});
    /// Answers requests for `from` with `status` and "Location: to" (`to` relative or absolute).
    void redirect(std::string from, std::string to, int status = 302);

    /// Changes the knobs of a route (or of one file inside a served directory) at run time and
    /// restarts its "first K requests" counters. Default-constructed Faults mean ServerOptions::defaults.
    void set_faults(std::string path, Faults faults);
    /// New content for a serve_bytes() route: new ETag and a later Last-Modified, as when a file
    /// changes on the server. Throws std::invalid_argument when `path` is not such a route.
    void replace_bytes(std::string path, std::string body);
    /// Signed segment URLs, as CDNs hand them out: every time the HLS playlist at `playlist_path` is
    /// served, each URI line in it gets "?token=N" appended, N counting the playlist's fetches. Other
    /// paths in the playlist's directory then answer 403 unless they carry a token that has been
    /// handed out and used fewer than `uses_per_token` times (each request carrying it uses it).
    void sign_playlist(std::string playlist_path, int uses_per_token);
    /// 403 for `path` unless the request carries the cookie name=value.
    void set_cookie_required(std::string path, std::string name, std::string value);
    /// 403 for `path` unless the request has header `name` (any case) with exactly `value`.
    void set_header_required(std::string path, std::string name, std::string value);

    /// Every request so far, in arrival order. A record appears when the request has been routed,
    /// before its body is sent; its body_bytes_sent grows while the body goes out.
    std::vector<RequestRecord> requests() const;
    std::vector<RequestRecord> requests_for(std::string_view path) const;
    /// Total body bytes accepted by send() for this URL path, over all requests (the byte counter).
    std::int64_t body_bytes_sent(std::string_view path) const;
    int connections_accepted() const;
    /// Connections answered 503 because ServerOptions::max_connections were open.
    int connections_rejected() const;
    /// High-water mark of simultaneously open connections. A connection whose client has already
    /// closed it is not counted, even if its server thread has not noticed yet.
    int max_concurrent_connections() const;
    /// Forgets the request records and byte counters (connection counts are kept).
    void clear_log();
    /// Waits until no response is being sent. A client may finish reading a body a moment before
    /// the server thread has booked its last send(); call this before checking byte counters.
    /// Stalled responses count as finished. Returns false on timeout.
    bool wait_until_idle(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

    /// Stops accepting, wakes and joins every connection thread. Idempotent. The logs stay
    /// readable afterwards (the standalone program prints its summary from them).
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace arina::testing
