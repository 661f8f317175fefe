// run_chain and the default chain: order, Unsupported falls through, any other error ends it,
// cancellation.

#include <gtest/gtest.h>

#include <functional>

#include "extract/extractor.hpp"
#include "extract_fake_fetcher.hpp"

namespace arina::extract {
namespace {

// An extractor that records that it ran and answers what it is told.
class Scripted final : public Extractor {
  public:
    Scripted(ExtractorKind kind, std::function<ExtractResult()> answer, std::vector<ExtractorKind>& log)
        : kind_(kind), answer_(std::move(answer)), log_(log) {}
    ExtractorKind kind() const override { return kind_; }
    ExtractResult extract(const ExtractRequest&, PageFetcher&, const CancelFlag&) override {
        log_.push_back(kind_);
        return answer_();
    }

  private:
    ExtractorKind kind_;
    std::function<ExtractResult()> answer_;
    std::vector<ExtractorKind>& log_;
};

ExtractResult unsupported() {
    return Error{FailReason::Unsupported, "not mine"};
}

ExtractResult found(ExtractorKind kind) {
    Extraction x;
    x.kind = kind;
    return x;
}

struct Chain {
    std::vector<ExtractorKind> log;
    std::vector<std::unique_ptr<Extractor>> extractors;
    void add(ExtractorKind kind, std::function<ExtractResult()> answer) {
        extractors.push_back(std::make_unique<Scripted>(kind, std::move(answer), log));
    }
};

TEST(ExtractChain, UnsupportedFallsThroughInOrder) {
    Chain chain;
    chain.add(ExtractorKind::DirectMedia, unsupported);
    chain.add(ExtractorKind::Manifest, unsupported);
    chain.add(ExtractorKind::HtmlPage, [] { return found(ExtractorKind::HtmlPage); });
    chain.add(ExtractorKind::YtDlp, [] { return found(ExtractorKind::YtDlp); });
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    const ExtractResult result = run_chain(chain.extractors, {.url = "https://h.example/p"}, fetcher, cancel);
    ASSERT_TRUE(std::holds_alternative<Extraction>(result));
    EXPECT_EQ(std::get<Extraction>(result).kind, ExtractorKind::HtmlPage);
    EXPECT_EQ(chain.log,
              (std::vector{ExtractorKind::DirectMedia, ExtractorKind::Manifest, ExtractorKind::HtmlPage}));
}

TEST(ExtractChain, AllUnsupportedNamesTheUrl) {
    Chain chain;
    chain.add(ExtractorKind::DirectMedia, unsupported);
    chain.add(ExtractorKind::Manifest, unsupported);
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    const Error error =
        std::get<Error>(run_chain(chain.extractors, {.url = "https://h.example/p"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Unsupported);
    EXPECT_EQ(error.message, "no media found at URL: https://h.example/p");
}

TEST(ExtractChain, HttpErrorEndsTheChain) {
    Chain chain;
    chain.add(ExtractorKind::Manifest, [] {
        return ExtractResult{Error{FailReason::Http, "x: server answered HTTP 404"}};
    });
    chain.add(ExtractorKind::YtDlp, [] { return found(ExtractorKind::YtDlp); });
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    const Error error = std::get<Error>(run_chain(chain.extractors, {.url = "x"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Http);
    EXPECT_EQ(chain.log, std::vector{ExtractorKind::Manifest});
}

TEST(ExtractChain, CancelFlagStopsBeforeTheNextExtractor) {
    Chain chain;
    CancelFlag cancel{false};
    chain.add(ExtractorKind::DirectMedia, [&cancel] {
        cancel = true;  // the user cancels while the first extractor runs
        return unsupported();
    });
    chain.add(ExtractorKind::Manifest, [] { return found(ExtractorKind::Manifest); });
    test::FakeFetcher fetcher;
    const Error error =
        std::get<Error>(run_chain(chain.extractors, {.url = "https://h.example/p"}, fetcher, cancel));
    EXPECT_EQ(error.reason, FailReason::Cancelled);
    EXPECT_EQ(chain.log, std::vector{ExtractorKind::DirectMedia});

    Chain untouched;
    untouched.add(ExtractorKind::DirectMedia, unsupported);
    EXPECT_EQ(std::get<Error>(run_chain(untouched.extractors, {.url = "u"}, fetcher, cancel)).reason,
              FailReason::Cancelled);
    EXPECT_TRUE(untouched.log.empty());
}

TEST(ExtractDefaultChain, NativeExtractorsInOrder) {
    const auto chain = default_extractors(false);
    ASSERT_EQ(chain.size(), 3U);
    EXPECT_EQ(chain[0]->kind(), ExtractorKind::DirectMedia);
    EXPECT_EQ(chain[1]->kind(), ExtractorKind::Manifest);
    EXPECT_EQ(chain[2]->kind(), ExtractorKind::HtmlPage);
    for (const auto& extractor : chain) EXPECT_NE(extractor->kind(), ExtractorKind::YtDlp);
}

TEST(ExtractDefaultChain, MediaFileNeedsNoRequestAndManifestOneGet) {
    const auto chain = default_extractors(false);
    test::FakeFetcher fetcher;
    CancelFlag cancel{false};
    const ExtractResult file = run_chain(chain, {.url = "https://h.example/a/clip.webm"}, fetcher, cancel);
    ASSERT_TRUE(std::holds_alternative<Extraction>(file));
    EXPECT_EQ(std::get<Extraction>(file).kind, ExtractorKind::DirectMedia);
    EXPECT_TRUE(fetcher.calls.empty());

    fetcher.serve("https://h.example/a/index.m3u8", "application/vnd.apple.mpegurl",
                  "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\ns0.ts\n#EXT-X-ENDLIST\n");
    const ExtractResult manifest =
        run_chain(chain, {.url = "https://h.example/a/index.m3u8"}, fetcher, cancel);
    ASSERT_TRUE(std::holds_alternative<Extraction>(manifest));
    const Extraction& x = std::get<Extraction>(manifest);
    EXPECT_EQ(x.kind, ExtractorKind::Manifest);
    EXPECT_EQ(x.presentation.streams.at(0).fragments.at(0).url, "https://h.example/a/s0.ts");
    EXPECT_EQ(fetcher.calls.size(), 1U);
}

}  // namespace
}  // namespace arina::extract
