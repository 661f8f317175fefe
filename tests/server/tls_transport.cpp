#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include "server/transport.hpp"

namespace arina::testing {
namespace {

class TlsTransport final : public Transport {
  public:
    TlsTransport(UniqueFd socket, SSL_CTX* context) : socket_(std::move(socket)), ssl_(SSL_new(context)) {
        if (ssl_) {
            SSL_set_fd(ssl_, socket_.get());
            // A partial write is progress we can count; the retry may pass the buffer at a new address.
            SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
            SSL_set_accept_state(ssl_);
        }
    }
    ~TlsTransport() override { SSL_free(ssl_); }
    TlsTransport(const TlsTransport&) = delete;
    TlsTransport& operator=(const TlsTransport&) = delete;

    IoResult handshake() override {
        if (!ssl_) return {};
        ERR_clear_error();
        return map(SSL_do_handshake(ssl_));
    }
    IoResult read(char* buffer, std::size_t size) override {
        ERR_clear_error();
        std::size_t n = 0;
        if (SSL_read_ex(ssl_, buffer, size, &n) == 1) return {IoStatus::done, n};
        return map(0);
    }
    IoResult write(const char* data, std::size_t size) override {
        ERR_clear_error();
        std::size_t n = 0;
        if (SSL_write_ex(ssl_, data, size, &n) == 1) return {IoStatus::done, n};
        return map(0);
    }
    void finish(bool graceful) override {
        if (graceful && ssl_) {
            ERR_clear_error();
            SSL_shutdown(ssl_);  // sends close_notify; we do not wait for the peer's
        }
        ::shutdown(socket_.get(), SHUT_WR);
    }
    int fd() const override { return socket_.get(); }

  private:
    IoResult map(int rc) {
        switch (SSL_get_error(ssl_, rc)) {
            case SSL_ERROR_NONE:
                return {IoStatus::done, 0};
            case SSL_ERROR_WANT_READ:
                return {IoStatus::want_read, 0};
            case SSL_ERROR_WANT_WRITE:
                return {IoStatus::want_write, 0};
            default:
                // The error queue is per thread: leave it clean for the next connection.
                ERR_clear_error();
                return {IoStatus::closed, 0};
        }
    }

    UniqueFd socket_;
    SSL* ssl_;
};

}  // namespace

std::unique_ptr<Transport> make_tls_transport(UniqueFd socket, SSL_CTX* context) {
    return std::make_unique<TlsTransport>(std::move(socket), context);
}

}  // namespace arina::testing
