#pragma once
// A PageFetcher over a table of canned answers, recording every request, for the extractor tests.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "extract/extractor.hpp"

namespace arina::extract::test {

struct FetchCall {
    std::string method;  ///< "GET" or "HEAD"
    std::string url;
    std::size_t max_bytes = 0;
};

class FakeFetcher : public PageFetcher {
  public:
    /// A 200 answer of `content_type` with `body` at `url`.
    void serve(const std::string& url, const std::string& content_type, const std::string& body) {
        Page page;
        page.status = 200;
        page.effective_url = url;
        page.content_type = content_type;
        page.body = body;
        pages_[url] = page;
    }
    /// An HTTP error status at `url` (with an error page body, as servers send).
    void fail(const std::string& url, int status) {
        Page page;
        page.status = status;
        page.effective_url = url;
        page.content_type = "text/html";
        page.body = "<html><body>error " + std::to_string(status) + "</body></html>";
        page.error = Error{FailReason::Http, "HTTP " + std::to_string(status)};
        pages_[url] = page;
    }
    void redirect(const std::string& from, const std::string& to) { redirects_[from] = to; }

    Page get(const std::string& url, std::size_t max_bytes) override {
        calls.push_back({"GET", url, max_bytes});
        Page page = answer(url);
        if (page.body.size() > max_bytes) {
            page.body.resize(max_bytes);
            page.truncated = true;
        }
        return page;
    }
    Page head(const std::string& url) override {
        calls.push_back({"HEAD", url, 0});
        Page page = answer(url);
        page.body.clear();
        return page;
    }

    std::vector<FetchCall> calls;

  private:
    Page answer(const std::string& url) const {
        std::string target = url;
        if (auto moved = redirects_.find(url); moved != redirects_.end()) target = moved->second;
        if (auto found = pages_.find(target); found != pages_.end()) return found->second;
        Page missing;
        missing.status = 404;
        missing.effective_url = target;
        missing.content_type = "text/html";
        missing.error = Error{FailReason::Http, "HTTP 404"};
        return missing;
    }

    std::map<std::string, Page> pages_;
    std::map<std::string, std::string> redirects_;
};

/// A file of tests/fixtures/pages.
inline std::string read_page_fixture(const std::string& name) {
    std::ifstream in(std::filesystem::path(ARINA_TEST_FIXTURES) / "pages" / name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace arina::extract::test
