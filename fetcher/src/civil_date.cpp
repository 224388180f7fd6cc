#include "civil_date.hpp"

#include "core/civil_date.hpp"

#include <cstdio>

namespace pgp::fetch {

// The calendar arithmetic is the core's (src/core/civil_date.hpp), on this file's 32-bit days.
Day days_from_civil(int y, unsigned m, unsigned d) noexcept {
    return static_cast<Day>(core::days_from_civil(y, m, d));
}

void civil_from_days(Day z, int& y, unsigned& m, unsigned& d) noexcept {
    std::int64_t year = 0;
    core::civil_from_days(z, year, m, d);
    y = static_cast<int>(year);
}

namespace {
bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) noexcept {
    static constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : lengths[m - 1];
}

bool digits(std::string_view s, std::size_t from, std::size_t count, int& out) noexcept {
    int v = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}
}  // namespace

std::optional<Day> parse_iso_date(std::string_view s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m))
        return std::nullopt;
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::optional<Day> parse_leading_date(std::string_view s) noexcept {
    if (s.size() > 10) {
        // only a time may follow: "2024-01-31 00:00:00", "2024-01-31T00:00:00Z"
        if (s[10] != ' ' && s[10] != 'T') return std::nullopt;
        if (s.size() < 13 || s[11] < '0' || s[11] > '2') return std::nullopt;
        s = s.substr(0, 10);
    }
    return parse_iso_date(s);
}

std::string format_iso_date(Day day) {
    int y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(day, y, m, d);
    // room for any int year (11 characters with its sign): a Release build's -Wformat-truncation
    // counts them
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", y, m, d);
    return buffer;
}

int weekday(Day z) noexcept { return z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6; }

namespace {
// The n-th (1-based) Sunday of a month, or the last one when n == 0.
Day sunday_of(int year, unsigned month, int n) noexcept {
    if (n == 0) {
        const Day last = days_from_civil(year, month, days_in_month(year, month));
        return last - weekday(last);
    }
    const Day first = days_from_civil(year, month, 1);
    const Day first_sunday = first + (7 - weekday(first)) % 7;
    return first_sunday + 7 * (n - 1);
}
}  // namespace

bool new_york_dst(std::int64_t t) noexcept {
    // The year of the instant in New York standard time decides which rule applies; the
    // switches are never near a year boundary.
    int year = 0;
    unsigned m = 0, d = 0;
    civil_from_days(utc_day_of(t - 5 * 3600), year, m, d);
    if (year < 1967) return false;
    Day start = 0, end = 0;
    if (year >= 2007) {
        start = sunday_of(year, 3, 2);
        end = sunday_of(year, 11, 1);
    } else if (year >= 1987) {
        start = sunday_of(year, 4, 1);
        end = sunday_of(year, 10, 0);
    } else {
        start = year == 1974   ? days_from_civil(1974, 1, 6)
                : year == 1975 ? days_from_civil(1975, 2, 23)
                               : sunday_of(year, 4, 0);
        end = sunday_of(year, 10, 0);
    }
    // 02:00 EST = 07:00 UTC starts it; 02:00 EDT = 06:00 UTC ends it.
    const std::int64_t starts = static_cast<std::int64_t>(start) * 86400 + 7 * 3600;
    const std::int64_t ends = static_cast<std::int64_t>(end) * 86400 + 6 * 3600;
    return t >= starts && t < ends;
}

int new_york_utc_offset(std::int64_t t) noexcept { return new_york_dst(t) ? -4 * 3600 : -5 * 3600; }

Day new_york_day_of_epoch_ms(std::int64_t ms) noexcept {
    std::int64_t s = ms / 1000;
    if (ms % 1000 < 0) --s;
    return utc_day_of(s + new_york_utc_offset(s));
}

Day latest_plausible_day(std::int64_t now) noexcept { return utc_day_of(now + 14 * 3600); }

}  // namespace pgp::fetch
