#pragma once
// Counting connections: accepted, open, and the most open at once. Tests check a client's
// connection budget with the high-water mark, so it must not count connections the client has
// already closed but whose server thread has not yet noticed.

#include <map>
#include <mutex>

namespace arina::testing {

class ConnectionRegistry {
  public:
    /// A socket was accepted; returns its 1-based connection id.
    int opened(int fd);
    /// The connection's thread is about to close `id`'s socket; after this the fd may be reused.
    void closing(int id);

    int accepted() const;
    int max_concurrent() const;

  private:
    mutable std::mutex mutex_;
    std::map<int, int> open_;  ///< id -> socket fd
    int accepted_ = 0;
    int max_concurrent_ = 0;
};

}  // namespace arina::testing
