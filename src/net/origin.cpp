#include "net/origin.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "net/http_options.hpp"

namespace arina::net {

std::string origin_of(const std::string& url) {
    CURLU* u = curl_url();
    std::string key;
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
        char* host = nullptr;
        char* scheme = nullptr;
        char* port = nullptr;
        curl_url_get(u, CURLUPART_HOST, &host, 0);
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        if (host && scheme) {
            key = std::string(scheme) + "://" + host + ":" + (port ? port : "");
            std::transform(key.begin(), key.end(), key.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        }
        curl_free(host);
        curl_free(scheme);
        curl_free(port);
    }
    curl_url_cleanup(u);
    return key;
}

bool origin_within(const std::string& origin, const std::string& domain) {
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string::npos || domain.empty()) return false;
    const std::size_t host_begin = scheme_end + 3;
    // The port follows the last ':' (an IPv6 host keeps its own inside brackets).
    const auto port_colon = origin.rfind(':');
    const std::size_t host_end = port_colon > host_begin ? port_colon : origin.size();
    const std::string_view host(origin.data() + host_begin, host_end - host_begin);
    if (host == domain) return true;
    return host.size() > domain.size() && host.ends_with(domain) &&
           host[host.size() - domain.size() - 1] == '.';
}

bool OriginHeaders::applies_to(const std::string& origin) const {
    if (std::find(origins.begin(), origins.end(), origin) != origins.end()) return true;
    return std::any_of(hosts.begin(), hosts.end(),
                       [&](const std::string& h) { return origin_within(origin, h); });
}

}  // namespace arina::net
