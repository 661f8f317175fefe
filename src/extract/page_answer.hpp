#pragma once
// Reading a PageFetcher's answer the same way in every extractor: when it is a failure that ends
// the chain, and which URL relative links resolve against.

#include <optional>
#include <string>
#include <string_view>

#include "extract/extractor.hpp"

namespace arina::extract {

/// The error an answer ends the extractor chain with, or nullopt when it is usable. An HTTP
/// error status gives FailReason::Http and "URL: server answered HTTP 404"; a failure without a
/// status (name not found, refused, TLS) is the fetcher's error as it is. A page behind an error
/// status is never handed to the next extractor to fail again more slowly.
std::optional<Error> answer_failure(const Page& page, std::string_view url);

/// The URL the answer came from after redirects, or `url` when the fetcher did not say.
std::string answer_url(const Page& page, std::string_view url);

}  // namespace arina::extract
