#pragma once
// The curl program as the test server's independent client: one run's status, headers, body
// and exit code (test_server_selftest.cpp, test_server_program_test.cpp).
#include <strings.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.hpp"

namespace arina::test {

// One curl run: the last response's status and headers, the body, and curl's exit code.
struct Fetch {
    int exit_code = -1;
    int status = 0;
    std::string headers;  ///< header block of the last response (after redirects)
    std::string body;
    std::string output;  ///< curl's messages
    double seconds = 0;

    // Value of a header of the last response, "" when absent.
    std::string header(std::string_view name) const {
        std::size_t pos = 0;
        while (pos < headers.size()) {
            const auto end = headers.find("\r\n", pos);
            const std::string line = headers.substr(pos, end - pos);
            pos = end == std::string::npos ? headers.size() : end + 2;
            const auto colon = line.find(':');
            if (colon == std::string::npos || colon != name.size()) continue;
            if (strncasecmp(line.data(), name.data(), name.size()) != 0) continue;
            auto value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            return value;
        }
        return "";
    }
};

inline Fetch fetch(const std::string& url, const std::vector<std::string>& options = {}) {
    TempDir dir;
    std::vector<std::string> argv = {
        "/usr/bin/curl",        "-sS", "--max-time", "30", "-D", (dir / "headers").string(), "-o",
        (dir / "body").string()};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(url);
    const auto start = std::chrono::steady_clock::now();
    const auto run = run_program(argv, 60);
    Fetch f;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f.exit_code = run.exit_code;
    f.output = run.output;
    f.body = read_file(dir / "body");
    // With -L every response's head is in the file; keep the last.
    const std::string all = read_file(dir / "headers");
    const auto last = all.rfind("HTTP/");
    if (last != std::string::npos) {
        f.headers = all.substr(last);
        std::sscanf(f.headers.c_str(), "HTTP/%*s %d", &f.status);
    }
    return f;
}

inline int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace arina::test
