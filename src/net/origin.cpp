#include "net/origin.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

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

}  // namespace arina::net
