#include "retry.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>

namespace pgp::fetch {

bool retryable(Outcome o) noexcept { return o == Outcome::RateLimited || o == Outcome::Transient; }

std::int64_t backoff_delay_ms(const RetryPolicy& p, int retry, double u,
                              std::optional<std::int64_t> retry_after_ms) noexcept {
    const double base = static_cast<double>(std::max<std::int64_t>(p.backoff_base_ms, 0));
    const double cap = static_cast<double>(std::max<std::int64_t>(p.backoff_max_ms, 0));
    const double step = std::min(cap, base * std::ldexp(1.0, std::min(retry, 40)));
    u = std::clamp(u, 0.0, 1.0);
    std::int64_t delay = static_cast<std::int64_t>(step * (0.5 + 0.5 * u));
    if (retry_after_ms) delay = std::max(delay, *retry_after_ms);
    return delay;
}

namespace {
int month_index(std::string_view m) noexcept {
    static constexpr const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (m == names[i]) return i;
    return -1;
}
}  // namespace

std::optional<std::int64_t> parse_retry_after(std::string_view v, std::time_t now) noexcept {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
    if (v.empty()) return std::nullopt;
    bool all_digits = true;
    for (char c : v) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    if (all_digits) {
        if (v.size() > 9) return std::nullopt;
        return std::stoll(std::string(v)) * 1000;
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    char wday[4] = {}, mon[4] = {}, zone[4] = {};
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
    const std::string s(v);
    if (std::sscanf(s.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm, &ss,
                    zone) != 8)
        return std::nullopt;
    const int month = month_index(mon);
    if (month < 0 || std::strcmp(zone, "GMT") != 0) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    const std::time_t when = timegm(&tm);
    return std::max<std::int64_t>(0, static_cast<std::int64_t>(when - now) * 1000);
}

std::int64_t RequestSpacing::reserve(std::int64_t now_ms) noexcept {
    if (interval_ms_ <= 0) return now_ms;
    const double start = std::max(static_cast<double>(now_ms), next_ms_);
    next_ms_ = start + interval_ms_;
    return static_cast<std::int64_t>(std::ceil(start));
}

}  // namespace pgp::fetch
