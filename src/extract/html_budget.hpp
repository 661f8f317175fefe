#pragma once
// How much of a page the HTML parser may be given. gumbo (like the HTML5 algorithm it follows)
// looks through the stack of open elements for many tags ("is there a <p> in button scope?"), so
// its time grows with the number of tags times the nesting depth: a 4 MiB page of nothing but
// <div>s takes minutes. Real pages nest a few dozen levels deep. A quick pass over the tags (no
// tree) estimates that work, and the page is cut where the estimate passes a budget: a hostile
// page loses its tail, a real one is parsed whole.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace arina::extract {

/// The estimated work allowed: the sum, over every tag, of the nesting depth it is met at. 10 000
/// nested <div>s cost 50 million; a large real page (50 000 tags, 40 levels) two million.
inline constexpr std::uint64_t kHtmlWorkBudget = 64'000'000;

/// The length of the longest prefix of `html` whose estimated parse work stays within `budget`:
/// html.size() for any ordinary page. The cut is always before a '<'.
std::size_t parseable_prefix(std::string_view html, std::uint64_t budget = kHtmlWorkBudget);

}  // namespace arina::extract
