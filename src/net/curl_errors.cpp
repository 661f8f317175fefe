#include "net/curl_errors.hpp"

namespace arina::net {

FailReason fail_reason_for(CURLcode code) {
    switch (code) {
        case CURLE_OK:
            return FailReason::None;
        case CURLE_OPERATION_TIMEDOUT:
            return FailReason::Timeout;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
            return FailReason::Tls;
        case CURLE_TOO_MANY_REDIRECTS:
            return FailReason::Http;
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
            return FailReason::Unsupported;
        case CURLE_BAD_CONTENT_ENCODING:
        case CURLE_WEIRD_SERVER_REPLY:
            return FailReason::BadResponse;
        case CURLE_READ_ERROR:
            return FailReason::FileAccess;
        default:
            return FailReason::Network;
    }
}

FailureClass failure_class_for(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:  // libcurl tried every address the name has
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER:
            return FailureClass::Persistent;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_TOO_MANY_REDIRECTS:
        case CURLE_READ_ERROR:
            return FailureClass::Final;
        default:
            return FailureClass::Transient;
    }
}

std::string failure_text(CURLcode code, const char* error_buffer) {
    const std::string text = error_buffer && error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_WEIRD_SERVER_REPLY && text.starts_with("Invalid Content-Length"))
        return "server sent an invalid Content-Length (negative, or not a number)";
    return text;
}

}  // namespace arina::net
