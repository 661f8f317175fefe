#include "extract/page_answer.hpp"

namespace arina::extract {

std::optional<Error> answer_failure(const Page& page, std::string_view url) {
    if (page.status >= 400)
        return Error{FailReason::Http,
                     std::string(url) + ": server answered HTTP " + std::to_string(page.status)};
    if (page.error) return page.error;
    return std::nullopt;
}

std::string answer_url(const Page& page, std::string_view url) {
    return page.effective_url.empty() ? std::string(url) : page.effective_url;
}

}  // namespace arina::extract
