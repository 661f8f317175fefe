#pragma once
// Counting connections: accepted, open, and the most open at once. Tests check a client's
// connection budget with the high-water mark, so it must not count connections the client has
// already closed but whose server thread has not yet noticed.

#include <map>
#include <mutex>

namespace arina::testing {

class ConnectionRegistry {
  public:
    struct Admission {
        int id = 0;            ///< 1-based, in accept order (rejected connections included)
        bool admitted = true;  ///< false: `cap` connections were open; not counted as open
    };
    /// A socket was accepted. With `cap` > 0 and `cap` connections open (whose clients have not
    /// closed them), it is not admitted: it counts as rejected and takes no place.
    Admission opened(int fd, int cap = 0);
    /// The connection's thread is about to close `id`'s socket; after this the fd may be reused.
    void closing(int id);

    int accepted() const;
    int rejected() const;
    int max_concurrent() const;

  private:
    mutable std::mutex mutex_;
    std::map<int, int> open_;  ///< id -> socket fd
    int accepted_ = 0;
    int rejected_ = 0;
    int max_concurrent_ = 0;
};

}  // namespace arina::testing
