#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>

#include "server/transport.hpp"

namespace arina::testing {
namespace {

IoResult from_syscall(ssize_t n, IoStatus would_block) {
    if (n > 0) return {IoStatus::done, static_cast<std::size_t>(n)};
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return {would_block, 0};
    return {IoStatus::closed, 0};
}

class PlainTransport final : public Transport {
  public:
    explicit PlainTransport(UniqueFd socket) : socket_(std::move(socket)) {}

    IoResult handshake() override { return {IoStatus::done, 0}; }
    IoResult read(char* buffer, std::size_t size) override {
        return from_syscall(::recv(socket_.get(), buffer, size, 0), IoStatus::want_read);
    }
    IoResult write(const char* data, std::size_t size) override {
        // MSG_NOSIGNAL: a client that went away must give EPIPE, not kill the test process.
        return from_syscall(::send(socket_.get(), data, size, MSG_NOSIGNAL), IoStatus::want_write);
    }
    bool can_send_file() const override { return true; }
    IoResult send_file(int file, std::int64_t offset, std::size_t size) override {
        off_t position = static_cast<off_t>(offset);
        return from_syscall(::sendfile(socket_.get(), file, &position, size), IoStatus::want_write);
    }
    void finish(bool /*graceful*/) override { ::shutdown(socket_.get(), SHUT_WR); }
    int fd() const override { return socket_.get(); }

  private:
    UniqueFd socket_;
};

}  // namespace

std::unique_ptr<Transport> make_plain_transport(UniqueFd socket) {
    return std::make_unique<PlainTransport>(std::move(socket));
}

}  // namespace arina::testing
