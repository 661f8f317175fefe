#include "extract/html_budget.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace arina::extract {
namespace {

// How far down the estimated stack an end tag or a sibling-closing start tag looks for its match.
// Past that the estimate keeps the elements open, which only overestimates the depth.
constexpr std::size_t kEndTagWindow = 64;
constexpr std::size_t kSiblingWindow = 4;
constexpr std::size_t kMaxName = 15;
// Comparing two attribute names costs more than checking one element of the stack.
constexpr std::uint64_t kAttributePairCost = 8;
// Likewise comparing a formatting element with an active one (its tag and attributes).
constexpr std::uint64_t kFormattingCost = 8;  // longer names are no element that matters here

bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Elements that never have content.
constexpr std::array<std::string_view, 18> kVoid{"area",  "base",  "br",     "col",   "embed",    "hr",
                                                 "img",   "input", "link",   "meta",  "param",    "source",
                                                 "track", "wbr",   "keygen", "frame", "basefont", "bgsound"};
// Elements whose content is text up to their end tag.
constexpr std::array<std::string_view, 8> kRawText{"script", "style",  "textarea", "title",
                                                   "xmp",    "iframe", "noembed",  "noframes"};
// Elements a following sibling of the same kind closes (<li><li>, <p><p>, <td><td>).
constexpr std::array<std::string_view, 17> kClosedBySibling{
    "p",  "li", "dt",  "dd", "option", "optgroup", "tr",    "td",      "th",
    "rb", "rt", "rtc", "rp", "tbody",  "thead",    "tfoot", "colgroup"};
// The formatting elements of the HTML parsing algorithm.
constexpr std::array<std::string_view, 14> kFormatting{"a",    "b", "big",   "code",   "em",     "font", "i",
                                                       "nobr", "s", "small", "strike", "strong", "tt",   "u"};
// Start tags that do not reopen formatting elements (the block-level ones of the parsing algorithm).
constexpr std::array<std::string_view, 44> kBlocks{
    "address", "article",  "aside",      "blockquote", "center",  "details", "dialog", "dir",     "div",
    "dl",      "fieldset", "figcaption", "figure",     "footer",  "header",  "hgroup", "main",    "menu",
    "nav",     "ol",       "p",          "section",    "summary", "ul",      "h1",     "h2",      "h3",
    "h4",      "h5",       "h6",         "pre",        "listing", "form",    "li",     "dd",      "dt",
    "table",   "hr",       "caption",    "tbody",      "tr",      "td",      "th",     "template"};
constexpr std::ptrdiff_t kMaxAlikeFormatting = 3;  // the "Noah's Ark" rule
// Created once whatever the page says.
constexpr std::array<std::string_view, 3> kSingletons{"html", "head", "body"};

std::string_view sibling_family(std::string_view name) {
    if (name == "th") return "td";
    if (name == "dd") return "dt";
    return name;
}

class Estimate {
  public:
    explicit Estimate(std::string_view html) : html_(html) {}

    std::size_t run(std::uint64_t budget) {
        std::size_t i = 0;
        while (i < html_.size()) {
            const std::size_t open = html_.find('<', i);
            if (open == std::string_view::npos || open + 1 >= html_.size()) break;
            const char next = html_[open + 1];
            if (next == '!' || next == '?') {
                i = skip_markup_declaration(open);
                continue;
            }
            // Text reopens the formatting elements waiting to be (the parser's "reconstruct").
            if (!pending_.empty() && std::any_of(html_.begin() + static_cast<std::ptrdiff_t>(i),
                                                 html_.begin() + static_cast<std::ptrdiff_t>(open),
                                                 [](char c) { return !is_space(c); }))
                reopen_formatting();
            const bool end_tag = next == '/';
            const std::size_t name_start = open + (end_tag ? 2 : 1);
            if (name_start >= html_.size() || !is_letter(html_[name_start])) {
                // "</ >" and "</3" are bogus comments, "<3" is text.
                i = end_tag ? skip_to_gt(name_start) : open + 1;
                continue;
            }
            std::string name = read_name(name_start);
            const TagEnd tag = skip_attributes(name_start + name.size());
            // A formatting start tag is compared, attributes and all, with the active formatting
            // elements (the "Noah's Ark" rule), which are as many as are nested.
            const std::uint64_t per_level = !end_tag && among(kFormatting, name) ? kFormattingCost : 1;
            work_ += per_level * (stack_.size() + 1);
            // The tokenizer compares each attribute's name with those before it on the tag.
            work_ += kAttributePairCost *
                     (tag.attributes * (tag.attributes - std::min<std::uint64_t>(tag.attributes, 1)) / 2);
            if (work_ > budget) return open;
            if (end_tag) {
                close(name);
                i = tag.after;
                continue;
            }
            i = open_element(name, tag.self_closing, tag.after);
        }
        return html_.size();
    }

  private:
    std::string read_name(std::size_t start) const {
        std::string name;
        for (std::size_t i = start; i < html_.size(); ++i) {
            const char c = html_[i];
            if (is_space(c) || c == '/' || c == '>') break;
            if (name.size() < kMaxName) name += lower(c);
        }
        return name;
    }

    struct TagEnd {
        std::size_t after = 0;  // past the '>'
        bool self_closing = false;
        std::uint64_t attributes = 0;
    };

    // Past the tag's '>', counting attributes and reading quoted values whole ('>' inside them does
    // not end the tag), as the HTML tokenizer does.
    TagEnd skip_attributes(std::size_t i) const {
        enum class State { BeforeName, Name, AfterName, BeforeValue, Unquoted };
        State state = State::BeforeName;
        TagEnd end;
        char previous = 0;  // the last character that is not white space, for "/>"
        for (; i < html_.size(); ++i) {
            const char c = html_[i];
            if (c == '>' && state != State::BeforeValue) {
                end.after = i + 1;
                end.self_closing = previous == '/';
                return end;
            }
            switch (state) {
                case State::BeforeName:
                case State::AfterName:
                    if (c == '=' && state == State::AfterName) {
                        state = State::BeforeValue;
                    } else if (!is_space(c) && c != '/') {
                        ++end.attributes;
                        state = State::Name;
                    }
                    break;
                case State::Name:
                    if (is_space(c)) state = State::AfterName;
                    if (c == '=') state = State::BeforeValue;
                    if (c == '/') state = State::BeforeName;
                    break;
                case State::BeforeValue:
                    if (c == '"' || c == '\'') {
                        const std::size_t close_quote = html_.find(c, i + 1);
                        if (close_quote == std::string_view::npos) break;
                        i = close_quote;
                        state = State::BeforeName;
                    } else if (c == '>') {
                        end.after = i + 1;  // "a=>" ends the tag with an empty value
                        return end;
                    } else if (!is_space(c)) {
                        state = State::Unquoted;
                    }
                    break;
                case State::Unquoted:
                    if (is_space(c)) state = State::BeforeName;
                    break;
            }
            if (!is_space(c)) previous = c;
        }
        end.after = html_.size();
        return end;
    }

    std::size_t skip_to_gt(std::size_t i) const {
        const std::size_t gt = html_.find('>', i);
        return gt == std::string_view::npos ? html_.size() : gt + 1;
    }

    std::size_t skip_markup_declaration(std::size_t open) const {
        if (html_.substr(open, 4) == "<!--") {
            const std::size_t end = html_.find("-->", open + 4);
            return end == std::string_view::npos ? html_.size() : end + 3;
        }
        return skip_to_gt(open + 2);
    }

    // Past the end tag of a raw-text element, or the end of the page when it never comes.
    std::size_t skip_raw_text(std::string_view name, std::size_t i) const {
        while (true) {
            const std::size_t candidate = html_.find("</", i);
            if (candidate == std::string_view::npos) return html_.size();
            bool matches = candidate + 2 + name.size() <= html_.size();
            for (std::size_t k = 0; matches && k < name.size(); ++k)
                matches = lower(html_[candidate + 2 + k]) == name[k];
            if (matches) return candidate;  // the end tag itself is read as a tag
            i = candidate + 2;
        }
    }

    // Closes stack_[index] and everything above it. Formatting elements closed on the way are not
    // forgotten: the parser keeps them in its list of active formatting elements (at most three
    // alike) and opens copies of them again at the next text or inline tag, wherever that is
    // ("<a><b><i>x</a>" repeated nests two levels deeper each time).
    void pop_to(std::size_t index) {
        for (std::size_t k = index; k < stack_.size(); ++k) {
            if (stack_[k] == "svg" || stack_[k] == "math") --foreign_;
            if (k > index && among(kFormatting, stack_[k]) &&
                std::count(pending_.begin(), pending_.end(), stack_[k]) < kMaxAlikeFormatting)
                pending_.push_back(std::move(stack_[k]));
        }
        stack_.resize(index);
    }

    void reopen_formatting() {
        for (std::string& name : pending_) stack_.push_back(std::move(name));
        pending_.clear();
    }

    void close(std::string_view name) {
        const std::size_t lowest = stack_.size() > kEndTagWindow ? stack_.size() - kEndTagWindow : 0;
        for (std::size_t k = stack_.size(); k > lowest; --k) {
            if (stack_[k - 1] == name) {
                pop_to(k - 1);
                return;
            }
        }
        // "</b>" for a <b> waiting to be reopened takes it off the list.
        const auto waiting = std::find(pending_.rbegin(), pending_.rend(), name);
        if (waiting != pending_.rend()) pending_.erase(std::next(waiting).base());
    }

    std::size_t open_element(const std::string& name, bool self_closing, std::size_t after) {
        if (name == "plaintext") return html_.size();
        if (among(kRawText, name)) return skip_raw_text(name, after);
        if (!among(kBlocks, name)) reopen_formatting();
        if (among(kVoid, name) || among(kSingletons, name)) return after;
        // In SVG and MathML "<path/>" is complete; in HTML the slash is ignored and the element stays open.
        if (self_closing && foreign_ > 0) return after;
        if (among(kClosedBySibling, name)) {
            const std::size_t lowest = stack_.size() > kSiblingWindow ? stack_.size() - kSiblingWindow : 0;
            for (std::size_t k = stack_.size(); k > lowest; --k) {
                if (sibling_family(stack_[k - 1]) == sibling_family(name)) {
                    pop_to(k - 1);
                    break;
                }
            }
        }
        if (name == "svg" || name == "math") ++foreign_;
        stack_.push_back(name);
        return after;
    }

    std::string_view html_;
    std::vector<std::string> stack_;
    std::vector<std::string> pending_;  // formatting elements closed implicitly, to be opened again
    std::size_t foreign_ = 0;           // svg/math elements on the stack
    std::uint64_t work_ = 0;
};

}  // namespace

std::size_t parseable_prefix(std::string_view html, std::uint64_t budget) {
    return Estimate(html).run(budget);
}

}  // namespace arina::extract
