#pragma once
// HTTP settings shared by every request of a download (the CLI's network flags).

#include <string>
#include <vector>

namespace arina::net {

/// Request headers that belong to some servers only: a site hands out per-format headers
/// (Referer, Origin, a token) for its own CDN, and they must not reach any other server.
struct OriginHeaders {
    std::vector<std::string> origins;  ///< "scheme://host:port" (net/origin.hpp), lower case
    /// Host names, lower case, each standing for itself and its subdomains ("example.com" takes
    /// "www.example.com" too, not "badexample.com"), over any scheme and port: a site's own hosts.
    std::vector<std::string> hosts;
    std::vector<std::string> headers;  ///< "Name: value" lines

    /// Whether these headers go to `origin` ("scheme://host:port", as origin_of() gives it).
    bool applies_to(const std::string& origin) const;
};

struct HttpOptions {
    std::string user_agent = "arina/0.1";
    std::vector<std::string> headers;  ///< extra "Name: value" lines (--add-header)
    std::string proxy;                 ///< --proxy URL, empty = none (libcurl also honours *_proxy env vars)
    std::string
        cookies_file;  ///< Netscape cookie file (--cookies); libcurl sends each cookie only to its domain
    bool verify_tls = true;      ///< --no-check-certificate turns it off
    std::string ca_file;         ///< extra CA bundle (--ca-certificate)
    double socket_timeout = 30;  ///< seconds: connect timeout and stall detection (no byte for that long)
    int max_redirects = 10;
    /// Sent, in addition to `headers`, with requests to the listed origins only (the first request's
    /// URL decides; redirects keep the headers libcurl keeps).
    std::vector<OriginHeaders> origin_headers;
};

}  // namespace arina::net
