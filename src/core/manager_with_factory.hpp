#pragma once
// Internal to core (and its tests): a manager whose downloads come from a given
// DownloadFactory instead of the default one, so tests can run the scheduler with
// downloads that need no network. Not part of the public API (src/core/public_headers.txt).

#include <memory>
#include <variant>

#include "core/download_factory.hpp"
#include "core/download_manager.hpp"

namespace arina {

/// As DownloadManager(config), with `factory` (null: the default one). Throws
/// std::runtime_error when the database cannot be opened.
DownloadManager make_download_manager(Config config, std::unique_ptr<DownloadFactory> factory);
/// As DownloadManager::create(config), with `factory`.
std::variant<std::unique_ptr<DownloadManager>, Error> create_download_manager(
    Config config, std::unique_ptr<DownloadFactory> factory);

}  // namespace arina
