// Calendar dates as day numbers (days since 1970-01-01), ISO text, and the trading date of a
// timestamp in New York. Pure functions: no time zone database, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgp::fetch {

using Day = std::int32_t;  // days since 1970-01-01 (negative before)

Day days_from_civil(int year, unsigned month, unsigned day) noexcept;
void civil_from_days(Day z, int& year, unsigned& month, unsigned& day) noexcept;

// Strict YYYY-MM-DD (a real calendar day); nullopt otherwise.
std::optional<Day> parse_iso_date(std::string_view text) noexcept;
// A provider's date or date-time ("2024-01-31", "2024-01-31 00:00:00", "2024-01-31T00:00:00Z"):
// the leading calendar date, when what follows it is a time.
std::optional<Day> parse_leading_date(std::string_view text) noexcept;
std::string format_iso_date(Day day);

// 0 = Sunday ... 6 = Saturday
int weekday(Day day) noexcept;

// The civil date in the floor sense of a UTC instant given in seconds.
inline Day utc_day_of(std::int64_t unix_seconds) noexcept {
    std::int64_t q = unix_seconds / 86400;
    if (unix_seconds % 86400 < 0) --q;
    return static_cast<Day>(q);
}

// True when US Eastern daylight saving time is in force at this UTC instant. Rules: since 2007
// second Sunday of March to first Sunday of November; 1987-2006 first Sunday of April to last
// Sunday of October; 1967-1986 last Sunday of April to last Sunday of October (with the 1974 and
// 1975 energy-crisis starts on 6 January and 23 February); none before 1967. Changes happen at
// 02:00 local time. This is what the tz database says for America/New_York since 1967.
bool new_york_dst(std::int64_t unix_seconds) noexcept;
// UTC offset of America/New_York in seconds (-18000 or -14400) at this instant.
int new_york_utc_offset(std::int64_t unix_seconds) noexcept;
// The New York calendar date of an instant in epoch milliseconds (Polygon's "t").
Day new_york_day_of_epoch_ms(std::int64_t epoch_ms) noexcept;

// "Not in the future" for a trading date: later than the current date in UTC+14 (the first
// place on Earth where a day begins) cannot be a finished or running session anywhere.
Day latest_plausible_day(std::int64_t now_unix_seconds) noexcept;

}  // namespace pgp::fetch
