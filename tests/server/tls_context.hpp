#pragma once
// The server side of TLS: a self-signed certificate for 127.0.0.1 made at start-up, so tests need no
// key files in the tree and a verifying client can be shown to reject the server (curl exit 60)
// unless it is given this very certificate as its CA bundle.

#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace arina::testing {

class TlsContext {
  public:
    /// Generates an EC P-256 key and a certificate (CN and subjectAltName 127.0.0.1, ::1 and
    /// localhost, valid from an hour ago for 30 days). Throws std::runtime_error on failure.
    TlsContext();
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* get() const { return ctx_; }
    const std::string& certificate_pem() const { return certificate_pem_; }

  private:
    SSL_CTX* ctx_ = nullptr;
    std::string certificate_pem_;
};

}  // namespace arina::testing
