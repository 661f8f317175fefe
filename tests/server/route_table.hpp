#pragma once
// The server's routes (bytes, files, directories, redirects), their knobs and their request
// counters. Thread-safe: tests change routes while connections resolve them.

#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/representation.hpp"
#include "server/test_server.hpp"

namespace arina::testing {

/// A precondition for access: 403 unless the request carries it.
struct Requirement {
    bool is_cookie = false;  ///< a cookie name=value, else a header name: value
    std::string name;        ///< header names are stored lower-case
    std::string value;
};

/// The outcome of looking up one request path.
struct Resolution {
    enum class Kind { not_found, bad_path, redirect, content, forbidden };
    Kind kind = Kind::not_found;
    std::string location;  ///< redirect
    int redirect_status = 302;
    /// content: what to send, already gzipped when the knobs say so.
    std::shared_ptr<const Representation> representation;
    Faults faults;
    /// 1-based number of this request among those to the same path since its knobs were last set.
    int request_number = 0;
    std::vector<Requirement> requirements;
};

class RouteTable {
  public:
    explicit RouteTable(Faults defaults) : defaults_(std::move(defaults)) {}

    void add_bytes(std::string path, std::string body, Faults faults);
    void add_file(std::string path, std::filesystem::path file, Faults faults);
    void add_directory(std::string prefix, std::filesystem::path dir, Faults faults);
    void add_redirect(std::string from, std::string to, int status);
    void set_faults(std::string path, Faults faults);
    /// Throws std::invalid_argument unless `path` is a bytes route.
    void replace_bytes(const std::string& path, std::string body);
    void require(std::string path, Requirement requirement);
    /// See TestServer::sign_playlist.
    void sign_playlist(std::string playlist_path, int uses_per_token);

    /// Finds the route of a request path, counts the request and opens what is to be sent. `query`
    /// (without '?') carries the token of signed URLs.
    Resolution resolve(const std::string& path, std::string_view query = {});

  private:
    struct Route {
        enum class Kind { bytes, file, directory, redirect };
        Kind kind = Kind::bytes;
        std::shared_ptr<const Representation> bytes;
        std::shared_ptr<const Representation> replacement;  ///< Faults::replacement_body
        std::filesystem::path file;                         ///< file, or directory root
        std::string location;
        int status = 302;
        Faults faults;
    };
    // The route for a path and the key it is registered under; nullptr when none.
    std::pair<const Route*, std::string> find(const std::string& path) const;
    std::shared_ptr<const Representation> gzipped_cached(const std::string& path,
                                                         const std::shared_ptr<const Representation>& plain);

    Faults defaults_;
    mutable std::mutex mutex_;
    std::map<std::string, Route> exact_;
    std::map<std::string, Route> directories_;   ///< keyed by prefix ending in '/'
    std::map<std::string, Faults> file_faults_;  ///< set_faults on files inside directories
    std::map<std::string, int> request_counts_;
    std::map<std::string, std::vector<Requirement>> requirements_;
    std::map<std::string, std::shared_ptr<const Representation>> gzip_cache_;  ///< path + ETag
    std::time_t last_modified_ = 0;

    struct Signing {
        int uses_per_token = 1;
        int tokens_issued = 0;
        std::map<int, int> uses;  ///< token -> requests that carried it
    };
    std::map<std::string, Signing> signed_playlists_;  ///< by playlist path
    // The playlist's signing, when `path` is a signed playlist (is_playlist) or lies beside one.
    Signing* signing_for(const std::string& path, bool& is_playlist);
};

}  // namespace arina::testing
