#include "util/fail_reason.hpp"

#include <array>
#include <utility>

namespace arina {
namespace {

struct ReasonInfo {
    FailReason reason;
    std::string_view name;
    int exit_code;
    bool retryable;
};

// One table so the name, the exit code and retryability cannot drift apart.
constexpr std::array kReasons{
    ReasonInfo{FailReason::None, "none", 0, false},
    ReasonInfo{FailReason::Internal, "internal", 1, false},
    ReasonInfo{FailReason::Usage, "usage", 2, false},
    ReasonInfo{FailReason::Network, "network", 3, true},
    ReasonInfo{FailReason::Timeout, "timeout", 4, true},
    ReasonInfo{FailReason::Http, "http", 5, false},
    ReasonInfo{FailReason::Tls, "tls", 6, false},
    ReasonInfo{FailReason::BadResponse, "bad-response", 7, true},
    ReasonInfo{FailReason::RemoteChanged, "remote-changed", 8, true},
    ReasonInfo{FailReason::DiskFull, "disk-full", 9, false},
    ReasonInfo{FailReason::FileAccess, "file-access", 10, false},
    ReasonInfo{FailReason::BadManifest, "bad-manifest", 11, false},
    ReasonInfo{FailReason::FragmentMissing, "fragment-missing", 12, true},
    ReasonInfo{FailReason::Extractor, "extractor", 13, false},
    ReasonInfo{FailReason::Database, "database", 14, false},
    ReasonInfo{FailReason::Unsupported, "unsupported", 15, false},
    ReasonInfo{FailReason::MuxFailed, "mux-failed", 16, false},
    ReasonInfo{FailReason::Cancelled, "cancelled", 130, false},
};

const ReasonInfo& info(FailReason reason) {
    for (const auto& r : kReasons)
        if (r.reason == reason) return r;
    return kReasons[1];
}

}  // namespace

int exit_code(FailReason reason) {
    return info(reason).exit_code;
}
std::string_view to_string(FailReason reason) {
    return info(reason).name;
}
bool is_retryable(FailReason reason) {
    return info(reason).retryable;
}

FailReason fail_reason_from_string(std::string_view text) {
    for (const auto& r : kReasons)
        if (r.name == text) return r.reason;
    return FailReason::Internal;
}

}  // namespace arina
