#include "core/utc_time.hpp"

#include <cstdio>

#include "core/civil_date.hpp"
#include "core/error.hpp"

namespace pgp::core {

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000LL;
constexpr int64_t kDaysFrom1970To2000 = 10957;

int64_t floor_div(int64_t a, int64_t b) noexcept {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

[[noreturn]] void bad(std::string_view text) {
    fail(ErrorCode::DataException, "\"" + std::string(text.substr(0, 40)) +
                                       "\" is not a UTC timestamp like 2024-03-01T00:00:00Z");
}

}  // namespace

std::string format_utc(int64_t us) {
    const int64_t day = floor_div(us, kMicrosPerDay);
    int64_t rest = us - day * kMicrosPerDay;
    int64_t y;
    unsigned m, d;
    civil_from_days(day + kDaysFrom1970To2000, y, m, d);
    const int64_t seconds = rest / 1'000'000;
    int64_t micros = rest % 1'000'000;
    char buffer[64];
    int n = std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                          static_cast<long long>(y), m, d, static_cast<long long>(seconds / 3600),
                          static_cast<long long>(seconds / 60 % 60),
                          static_cast<long long>(seconds % 60));
    if (micros != 0) {
        int digits = 6;
        while (micros % 10 == 0) {
            micros /= 10;
            --digits;
        }
        n += std::snprintf(buffer + n, sizeof buffer - n, ".%0*lld", digits,
                           static_cast<long long>(micros));
    }
    std::snprintf(buffer + n, sizeof buffer - n, "Z");
    return buffer;
}

std::string format_utc_day(int64_t us) { return format_utc(us).substr(0, 10); }

int64_t parse_utc(std::string_view text) {
    long long y = 0;
    unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char sep = 0;
    int consumed = 0;
    const std::string t(text);
    if (std::sscanf(t.c_str(), "%5lld-%2u-%2u%c%2u:%2u:%2u%n", &y, &mo, &d, &sep, &h, &mi, &s,
                    &consumed) != 7 ||
        (sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        s > 60)
        bad(text);
    size_t i = static_cast<size_t>(consumed);
    int64_t micros = 0;
    if (i < t.size() && t[i] == '.') {
        int digits = 0;
        for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
            if (digits++ < 6) micros = micros * 10 + (t[i] - '0');
        if (digits == 0) bad(text);
        for (; digits < 6; ++digits) micros *= 10;
    }
    int64_t offset_seconds = 0;
    if (i < t.size() && t[i] == 'Z') {
        ++i;
    } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
        const int sign = t[i] == '-' ? -1 : 1;
        unsigned oh = 0, om = 0;
        int n = 0;
        if (std::sscanf(t.c_str() + i + 1, "%2u%n", &oh, &n) != 1) bad(text);
        i += 1 + static_cast<size_t>(n);
        if (i < t.size() && t[i] == ':') {
            if (std::sscanf(t.c_str() + i + 1, "%2u%n", &om, &n) != 1) bad(text);
            i += 1 + static_cast<size_t>(n);
        }
        offset_seconds = sign * static_cast<int64_t>(oh * 3600 + om * 60);
    } else {
        bad(text);
    }
    if (i != t.size()) bad(text);
    const int64_t days = days_from_civil(y, mo, d) - kDaysFrom1970To2000;
    const int64_t seconds = static_cast<int64_t>(h) * 3600 + mi * 60 + s - offset_seconds;
    return days * kMicrosPerDay + seconds * 1'000'000 + micros;
}

}  // namespace pgp::core
