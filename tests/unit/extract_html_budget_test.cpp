// The parse budget: ordinary pages are parsed whole, pages nested deep enough to make the HTML
// parser quadratic are cut.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "extract/html_budget.hpp"
#include "extract/html_scanner.hpp"
#include "extract_fake_fetcher.hpp"

namespace arina::extract {
namespace {

std::string repeat(const std::string& text, int times) {
    std::string out;
    out.reserve(text.size() * static_cast<std::size_t>(times));
    for (int i = 0; i < times; ++i) out += text;
    return out;
}

TEST(ExtractHtmlBudget, FixturePagesAreParsedWhole) {
    for (const char* name : {"news_article.html", "og_video.html", "json_ld_graph.html", "player_config.html",
                             "nothing.html", "hostile_unclosed.html"}) {
        const std::string page = test::read_page_fixture(name);
        ASSERT_FALSE(page.empty()) << name;
        EXPECT_EQ(parseable_prefix(page), page.size()) << name;
    }
}

TEST(ExtractHtmlBudget, WideFlatPagesAreParsedWhole) {
    // Many siblings that close each other, self-closed SVG paths, markup inside scripts and
    // quoted '>' in attributes do not nest.
    const std::string page = "<ul>" + repeat("<li><a href='/x?a>b'>item</a>", 100000) + "</ul><p>" +
                             repeat("<p>para", 50000) + "<svg>" + repeat("<path d='M0 0'/>", 50000) +
                             "</svg>" + "<table>" + repeat("<tr><td>a<td>b", 20000) + "</table><script>" +
                             repeat("<div>", 100000) + "</script>";
    EXPECT_EQ(parseable_prefix(page), page.size());
}

TEST(ExtractHtmlBudget, DeepNestingIsCut) {
    const std::string head = "<title>t</title><video src='/a.mp4'></video>";
    const std::string page = head + repeat("<div>", 200000) + "<video src='/b.mp4'></video>";
    const std::size_t prefix = parseable_prefix(page);
    EXPECT_LT(prefix, page.size());
    EXPECT_GT(prefix, head.size());
    EXPECT_EQ(page[prefix], '<');
    // Depth d costs 1 + 2 + ... + d: about sqrt(2 * budget) levels fit.
    EXPECT_NEAR(static_cast<double>(prefix - head.size()) / 5.0, 11313.0, 50.0);

    const auto start = std::chrono::steady_clock::now();
    const PageScan scan = scan_html(page, "https://h.example/");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(scan.cut);
    ASSERT_EQ(scan.candidates.size(), 1U);
    EXPECT_EQ(scan.candidates[0].url, "https://h.example/a.mp4");
    EXPECT_LT(seconds, 10.0);
}

TEST(ExtractHtmlBudget, UnmatchedEndTagsAtDepthAreCounted) {
    // Each stray end tag makes the parser search the whole stack of open elements.
    const std::string page = repeat("<div>", 5000) + repeat("</span>", 200000);
    EXPECT_LT(parseable_prefix(page), page.size());
}

TEST(ExtractHtmlBudget, HtmlSelfClosingSyntaxStillNests) {
    // "<div/>" opens a div in HTML (the slash is ignored), unlike "<path/>" in SVG.
    const std::string page = repeat("<div/>", 200000);
    EXPECT_LT(parseable_prefix(page), page.size());
}

TEST(ExtractHtmlBudget, ManyAttributesOnOneTagAreCut) {
    // The tokenizer checks each attribute name against the ones before it: 20 000 attributes took
    // gumbo 2 s and 80 000 over a minute. The cut comes before the tag.
    std::string attributes;
    for (int i = 0; i < 20000; ++i) attributes += " a" + std::to_string(i) + "=\"v>\"";
    const std::string page = "<video src='/a.mp4'></video><div" + attributes + "><video src='/b.mp4'>";
    EXPECT_EQ(parseable_prefix(page), page.find("<div"));
    // Real tags (a few dozen attributes, quoted '>' included) cost next to nothing.
    const std::string real = repeat("<img src='/i.jpg' alt='a > b' class=c data-x=1 loading=lazy>", 1000);
    EXPECT_EQ(parseable_prefix(real), real.size());
}

TEST(ExtractHtmlBudget, ReopenedFormattingElementsAreCounted) {
    // "</a>" closes the <b> and <i> inside it, but the parser opens copies of them again at the
    // next text, so this nests two levels deeper each time (gumbo took 68 s on 100 000 of them).
    const std::string page = repeat("<a><b><i>x</a>", 100000);
    EXPECT_LT(parseable_prefix(page), page.size());
    // Properly closed formatting elements do not nest, nor do unclosed ones in paragraphs (old
    // pages: the copies opened in each <p> are closed by its </p>).
    const std::string closed = repeat("<a href=/x><b><i>x</i></b></a> ", 100000);
    EXPECT_EQ(parseable_prefix(closed), closed.size());
    const std::string sloppy = repeat("<p><font face=Arial><b>text</p>\n", 50000);
    EXPECT_EQ(parseable_prefix(sloppy), sloppy.size());
}

TEST(ExtractHtmlBudget, SmallBudgetCutsBeforeATag) {
    const std::string page = "<div><div><div><video src=a.mp4></video></div></div></div>";
    // 1 + 2 + 3 for the divs, 4 for <video>: a budget of 6 stops at <video>.
    EXPECT_EQ(parseable_prefix(page, 6), page.find("<video"));
    EXPECT_EQ(parseable_prefix(page, 1000), page.size());
}

}  // namespace
}  // namespace arina::extract
