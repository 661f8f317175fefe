#pragma once
// Shared set-up for tests that run the real `arina` binary against the loopback server.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "server/test_server.hpp"
#include "support/test_support.hpp"
#include "util/sha256.hpp"

namespace arina::test {

class DownloadTest : public ::testing::Test {
  protected:
    testing::TestServer server;
    TempDir dir;

    /// Runs arina with the output directory set to dir and quick retries (tests must
    /// not sleep for real back-off times).
    RunResult arina(std::vector<std::string> args, double timeout_seconds = 120) {
        std::vector<std::string> argv{ARINA_BIN, "-P", dir.path().string(), "--retry-sleep", "exp=0.02:0.1"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_program(argv, timeout_seconds);
    }

    std::string file_sha(const std::string& name) const {
        return sha256_file_hex(dir / name).value_or("<missing " + name + ">");
    }

    bool exists(const std::string& name) const { return std::filesystem::exists(dir / name); }

    /// The names in the output directory, sorted; "www" (where tests keep what they serve) left out.
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            if (e.path().filename() != "www") names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    int count_status(const std::string& path, int status) const {
        int n = 0;
        for (const auto& r : server.requests_for(path)) n += r.status == status;
        return n;
    }
};

}  // namespace arina::test
