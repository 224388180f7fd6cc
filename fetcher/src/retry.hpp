// When to retry, and how long to wait: exponential backoff with jitter, at least what the
// server's Retry-After asks for, and a client-side request spacing per provider.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string_view>

#include "providers.hpp"

namespace pgp::fetch {

struct RetryPolicy {
    int max_retries = 5;                       // retries after the first attempt
    std::int64_t backoff_base_ms = 1000;       // the first retry waits about this long
    std::int64_t backoff_max_ms = 60000;       // no backoff step grows beyond this
    std::int64_t retry_after_max_ms = 300000;  // a Retry-After longer than this is given up on
};

bool retryable(Outcome outcome) noexcept;

// The wait before retry number `retry` (0 for the first retry): base * 2^retry capped at max,
// scaled by a jitter factor in [0.5, 1.0) from `unit_random` in [0, 1) ("equal jitter": spreads
// clients apart yet never retries at once); rate limits wait at least the base.
// A server's Retry-After raises the wait to at least that much.
std::int64_t backoff_delay_ms(const RetryPolicy& policy, int retry, double unit_random,
                              std::optional<std::int64_t> retry_after_ms = std::nullopt) noexcept;

// Retry-After: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"), as
// milliseconds from `now`; nullopt when unreadable.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::time_t now) noexcept;

// Client-side rate limit: requests start at least 60000/rpm ms apart. Not thread-safe by
// itself; the caller holds a lock around reserve().
class RequestSpacing {
  public:
    explicit RequestSpacing(double requests_per_minute) noexcept
        : interval_ms_(requests_per_minute > 0 ? 60000.0 / requests_per_minute : 0) {}
    // The time (ms, same clock as now_ms) at which the next request may start; reserves it.
    std::int64_t reserve(std::int64_t now_ms) noexcept;
    double interval_ms() const noexcept { return interval_ms_; }

  private:
    double interval_ms_;
    double next_ms_ = -1e18;
};

}  // namespace pgp::fetch
