#include "server/route_table.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "server/url_path.hpp"

namespace arina::testing {
namespace {

std::string as_directory_prefix(std::string prefix) {
    if (prefix.empty() || prefix.back() != '/') prefix.push_back('/');
    return prefix;
}

}  // namespace

void RouteTable::add_bytes(std::string path, std::string body, Faults faults) {
    std::lock_guard lock(mutex_);
    // HTTP dates have one-second resolution: every new content gets a later date than the previous
    // one, so that an If-Range with an old date never matches new content.
    last_modified_ = std::max(std::time(nullptr), last_modified_ + 1);
    Route route;
    route.kind = Route::Kind::bytes;
    route.bytes = bytes_representation(std::move(body), guess_content_type(path), last_modified_);
    if (faults.replace_after_requests > 0) {
        last_modified_ += 1;
        route.replacement =
            bytes_representation(faults.replacement_body, guess_content_type(path), last_modified_);
    }
    route.faults = std::move(faults);
    exact_[std::move(path)] = std::move(route);
}

void RouteTable::add_file(std::string path, std::filesystem::path file, Faults faults) {
    std::lock_guard lock(mutex_);
    Route route;
    route.kind = Route::Kind::file;
    route.file = std::move(file);
    route.faults = std::move(faults);
    exact_[std::move(path)] = std::move(route);
}

void RouteTable::add_directory(std::string prefix, std::filesystem::path dir, Faults faults) {
    std::lock_guard lock(mutex_);
    Route route;
    route.kind = Route::Kind::directory;
    route.file = std::move(dir);
    route.faults = std::move(faults);
    directories_[as_directory_prefix(std::move(prefix))] = std::move(route);
}

void RouteTable::add_redirect(std::string from, std::string to, int status) {
    std::lock_guard lock(mutex_);
    Route route;
    route.kind = Route::Kind::redirect;
    route.location = std::move(to);
    route.status = status;
    exact_[std::move(from)] = std::move(route);
}

void RouteTable::set_faults(std::string path, Faults faults) {
    std::lock_guard lock(mutex_);
    if (auto it = exact_.find(path); it != exact_.end()) {
        it->second.faults = std::move(faults);
        request_counts_.erase(path);
        return;
    }
    if (auto it = directories_.find(as_directory_prefix(path)); it != directories_.end()) {
        // New knobs for the whole directory replace per-file ones and restart every file's count.
        const std::string prefix = it->first;
        it->second.faults = std::move(faults);
        std::erase_if(file_faults_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
        std::erase_if(request_counts_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
        return;
    }
    request_counts_.erase(path);
    file_faults_[std::move(path)] = std::move(faults);
}

void RouteTable::replace_bytes(const std::string& path, std::string body) {
    std::lock_guard lock(mutex_);
    const auto it = exact_.find(path);
    if (it == exact_.end() || it->second.kind != Route::Kind::bytes)
        throw std::invalid_argument("replace_bytes: no bytes route at " + path);
    last_modified_ = std::max(std::time(nullptr), last_modified_ + 1);
    it->second.bytes = bytes_representation(std::move(body), it->second.bytes->content_type, last_modified_);
}

void RouteTable::require(std::string path, Requirement requirement) {
    std::lock_guard lock(mutex_);
    requirements_[std::move(path)].push_back(std::move(requirement));
}

void RouteTable::sign_playlist(std::string playlist_path, int uses_per_token) {
    std::lock_guard lock(mutex_);
    signed_playlists_[std::move(playlist_path)] = Signing{std::max(1, uses_per_token), 0, {}};
}

RouteTable::Signing* RouteTable::signing_for(const std::string& path, bool& is_playlist) {
    for (auto& [playlist, signing] : signed_playlists_) {
        is_playlist = path == playlist;
        const std::string dir = playlist.substr(0, playlist.rfind('/') + 1);
        if (is_playlist || path.starts_with(dir)) return &signing;
    }
    return nullptr;
}

std::pair<const RouteTable::Route*, std::string> RouteTable::find(const std::string& path) const {
    if (auto it = exact_.find(path); it != exact_.end()) return {&it->second, it->first};
    if (const auto decoded = percent_decode(path)) {
        if (auto it = exact_.find(*decoded); it != exact_.end()) return {&it->second, it->first};
    }
    // The longest directory prefix wins, so "/a/b/" served apart from "/a/" takes precedence.
    const std::pair<const std::string, Route>* best = nullptr;
    for (const auto& entry : directories_) {
        if (path.starts_with(entry.first) && (!best || entry.first.size() > best->first.size()))
            best = &entry;
    }
    if (best) return {&best->second, best->first};
    return {nullptr, {}};
}

std::shared_ptr<const Representation> RouteTable::gzipped_cached(
    const std::string& path, const std::shared_ptr<const Representation>& plain) {
    const std::string key = path + " " + plain->etag;
    {
        std::lock_guard lock(mutex_);
        if (auto it = gzip_cache_.find(key); it != gzip_cache_.end()) return it->second;
    }
    // Compressed outside the lock: a large file must not hold up every other request. Two racing
    // requests may both compress; the results are equal.
    auto gz = gzipped(*plain);
    if (!gz) return nullptr;
    std::lock_guard lock(mutex_);
    return gzip_cache_.emplace(key, std::move(gz)).first->second;
}

Resolution RouteTable::resolve(const std::string& path, std::string_view query) {
    Resolution res;
    std::filesystem::path file;
    int issue_token = 0;  // > 0: a signed playlist, served with this token in its URIs
    {
        std::lock_guard lock(mutex_);
        bool is_playlist = false;
        if (Signing* signing = signing_for(path, is_playlist)) {
            if (is_playlist) {
                issue_token = ++signing->tokens_issued;
            } else {
                int token = 0;
                if (query.starts_with("token=")) token = std::atoi(std::string(query.substr(6)).c_str());
                auto used = signing->uses.find(token);
                if (token <= 0 || token > signing->tokens_issued ||
                    (used != signing->uses.end() && used->second >= signing->uses_per_token)) {
                    ++request_counts_[path];
                    res.kind = Resolution::Kind::forbidden;
                    return res;
                }
                ++signing->uses[token];
            }
        }
        const auto [route, key] = find(path);
        if (!route) return res;
        if (route->kind == Route::Kind::redirect) {
            res.kind = Resolution::Kind::redirect;
            res.location = route->location;
            res.redirect_status = route->status;
            return res;
        }
        const auto own = file_faults_.find(path);
        res.faults = own != file_faults_.end() ? own->second : route->faults;
        if (res.faults == Faults{}) res.faults = defaults_;
        res.request_number = ++request_counts_[path];
        for (const auto& k : {path, key}) {
            if (auto it = requirements_.find(k); it != requirements_.end())
                res.requirements.insert(res.requirements.end(), it->second.begin(), it->second.end());
            if (key == path) break;
        }
        if (route->kind == Route::Kind::bytes) {
            const bool replaced =
                route->replacement && res.request_number > res.faults.replace_after_requests;
            res.representation = replaced ? route->replacement : route->bytes;
        } else if (route->kind == Route::Kind::file) {
            file = route->file;
        } else {
            const auto relative = relative_file_path(std::string_view(path).substr(key.size()));
            if (!relative) {
                res.kind = Resolution::Kind::bad_path;
                return res;
            }
            if (relative->empty()) return res;  // the directory itself: no listings
            file = route->file / *relative;
        }
    }
    // Files are opened outside the lock: a slow disk must not hold up other connections.
    if (!res.representation) {
        res.representation = file_representation(file, guess_content_type(file.filename().string()));
        if (!res.representation) return res;
    }
    if (issue_token > 0) {
        // The playlist as served: every URI line carries the new token.
        std::string text = res.representation->bytes ? *res.representation->bytes : std::string();
        if (!res.representation->bytes) {
            std::ifstream in(file, std::ios::binary);
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::string signed_text;
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!line.empty() && line.front() != '#') line += "?token=" + std::to_string(issue_token);
            signed_text += line + "\n";
            start = end + 1;
        }
        res.representation = bytes_representation(std::move(signed_text), res.representation->content_type,
                                                  res.representation->modified);
    }
    if (res.faults.gzip) {
        res.representation = gzipped_cached(path, res.representation);
        if (!res.representation) return res;
    }
    res.kind = Resolution::Kind::content;
    return res;
}

}  // namespace arina::testing
