#include "stream/memory_fetch.hpp"

#include <ctime>

namespace arina::stream {
namespace {

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

std::string describe_status(int status) {
    return "server answered HTTP " + std::to_string(status);
}

MemoryFetch::MemoryFetch(net::Engine& engine, const net::HttpOptions& http, const net::RetryTiming& timing,
                         std::mt19937& rng, std::uint64_t owner, FetchSpec spec, Done done)
    : engine_(engine),
      http_(http),
      timing_(timing),
      rng_(rng),
      owner_(owner),
      spec_(std::move(spec)),
      done_(std::move(done)) {}

MemoryFetch::~MemoryFetch() {
    if (transfer_) engine_.abort(transfer_);
    if (timer_) engine_.cancel_timer(timer_);
}

void MemoryFetch::start() {
    attempt();
}

void MemoryFetch::attempt() {
    timer_ = 0;
    body_.clear();
    effective_url_ = spec_.url;
    content_type_.clear();
    skip_ = 0;
    remaining_ = spec_.range ? spec_.range->size() : -1;
    failure_.reset();
    problem_.clear();
    truncated_ = false;
    net::TransferRequest req;
    req.url = spec_.url;
    req.range = spec_.range;
    req.decode_content = spec_.decode_content;
    req.http = &http_;
    req.owner = owner_;
    transfer_ = engine_.start(std::move(req), *this);
}

bool MemoryFetch::on_response(net::TransferId id, const net::ResponseHead& head) {
    if (id != transfer_) return false;
    if (!head.effective_url.empty()) effective_url_ = head.effective_url;
    content_type_ = head.get("content-type");
    if (head.status < 200 || head.status >= 300) {
        failure_ = net::AttemptFailure{FailReason::Http, head.status,
                                       net::parse_retry_after(head.get("retry-after"), std::time(nullptr))};
        problem_ = describe_status(head.status);
        return false;
    }
    if (spec_.range) {
        if (head.status == 200) {
            skip_ = spec_.range->begin;  // no range support: take our slice of the whole body
        } else {
            const auto cr = net::parse_content_range(head.get("content-range"));
            if (head.status != 206 || !cr || cr->first != spec_.range->begin ||
                cr->last != spec_.range->end - 1) {
                failure_ = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
                problem_ = "Content-Range '" + head.get("content-range") +
                           "' does not match the requested bytes " + std::to_string(spec_.range->begin) +
                           "-" + std::to_string(spec_.range->end - 1);
                return false;
            }
        }
    }
    if (auto len = head.content_length(); len && !spec_.range && !spec_.keep_first_bytes &&
                                          static_cast<std::uint64_t>(*len) > spec_.max_bytes) {
        failure_ = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
        problem_ = "larger than " + std::to_string(spec_.max_bytes) + " bytes";
        return false;
    }
    return true;
}

bool MemoryFetch::on_body(net::TransferId id, std::span<const char> data) {
    if (id != transfer_) return false;
    if (skip_ > 0) {
        const auto n = std::min<std::int64_t>(skip_, static_cast<std::int64_t>(data.size()));
        skip_ -= n;
        data = data.subspan(static_cast<std::size_t>(n));
    }
    if (remaining_ >= 0) {
        data = data.first(std::min<std::size_t>(data.size(), static_cast<std::size_t>(remaining_)));
        remaining_ -= static_cast<std::int64_t>(data.size());
    }
    if (body_.size() + data.size() > spec_.max_bytes && spec_.keep_first_bytes) {
        body_.append(data.data(), spec_.max_bytes - body_.size());
        truncated_ = true;
        return false;
    }
    if (body_.size() + data.size() > spec_.max_bytes) {
        failure_ = net::AttemptFailure{FailReason::BadResponse, 0, std::nullopt};
        problem_ = "larger than " + std::to_string(spec_.max_bytes) + " bytes";
        return false;
    }
    body_.append(data.data(), data.size());
    return remaining_ != 0;  // a sliced 200 answer: stop once our bytes are in
}

void MemoryFetch::on_done(net::TransferId id, const net::TransferOutcome& outcome) {
    if (id != transfer_) return;
    transfer_ = 0;
    if (failure_) return failed(*failure_, problem_);
    const bool complete_range = (!spec_.range || remaining_ == 0) || truncated_;
    if (outcome.reason != FailReason::None && !(outcome.stopped_by_handler && complete_range)) {
        // The engine's message already names the URL; keep only what went wrong.
        std::string problem = outcome.message;
        if (problem.starts_with(spec_.url + ": ")) problem.erase(0, spec_.url.size() + 2);
        return failed({outcome.reason, 0, std::nullopt, outcome.failure_class}, problem);
    }
    if (!complete_range)
        return failed({FailReason::BadResponse, 0, std::nullopt},
                      "body ended " + std::to_string(remaining_) + " bytes short of the requested range");
    FetchResult r;
    r.body = std::move(body_);
    r.effective_url = effective_url_;
    r.content_type = content_type_;
    r.attempts = history_.failures + 1;
    r.truncated = truncated_;
    complete(std::move(r));
}

void MemoryFetch::failed(net::AttemptFailure failure, std::string problem) {
    const auto decision =
        net::next_retry(failure, problem, history_, spec_.retries, timing_, rng_, spec_.retry_any_status);
    if (decision.retry) {
        timer_ = engine_.add_timer(to_ms(decision.delay_seconds), [this] { attempt(); });
        return;
    }
    std::string message = (spec_.what.empty() ? "" : spec_.what + " ") + spec_.url + ": " + problem;
    if (spec_.retries > 0) message += net::gave_up_note(decision, history_.failures);
    FetchResult r;
    r.error = {failure.reason, std::move(message)};
    r.effective_url = effective_url_;
    r.attempts = history_.failures;
    complete(std::move(r));
}

void MemoryFetch::complete(FetchResult result) {
    // The owner may destroy *this from inside `done`: touch nothing afterwards.
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
}

}  // namespace arina::stream
