#pragma once
// What the DownloadManager integration tests share: a loopback server, a temporary folder,
// a configuration that retries quickly, the output folder's listing, and a bounded wait.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/download_manager.hpp"
#include "server/test_server.hpp"
#include "support/test_support.hpp"

namespace arina::test {

class ManagerFixture : public ::testing::Test {
  protected:
    testing::TestServer server;
    TempDir dir;

    std::filesystem::path out() const { return dir / "out"; }

    Config config() const {
        Config c;
        c.concurrent_fragments = 2;
        c.http_chunk_size = 64 * 1024;
        c.retry_sleep = 0.01;
        c.retry_sleep_max = 0.05;
        c.socket_timeout = 5;
        c.output_dir = out();
        return c;
    }

    std::vector<std::string> files_in_out() const {
        std::vector<std::string> names;
        std::error_code ec;
        for (std::filesystem::directory_iterator it(out(), ec), end; !ec && it != end; it.increment(ec))
            names.push_back(it->path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    // Waits until `pred` holds, at most `limit` (generous: the machine may be loaded).
    static bool eventually(const std::function<bool()>& pred,
                           std::chrono::milliseconds limit = std::chrono::seconds(60)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return pred();
    }
};

}  // namespace arina::test
