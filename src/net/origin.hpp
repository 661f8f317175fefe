#pragma once
// The origin of a URL, "scheme://host:port" with the default port filled in and the host in
// lower case: the unit of the per-host connection budget and of OriginHeaders.

#include <string>

namespace arina::net {

/// Empty when `url` does not parse as an absolute URL.
std::string origin_of(const std::string& url);

/// Whether the host of `origin` ("scheme://host:port") is `domain` or a subdomain of it.
bool origin_within(const std::string& origin, const std::string& domain);

}  // namespace arina::net
