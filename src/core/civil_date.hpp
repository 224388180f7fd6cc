// Calendar arithmetic on the proleptic Gregorian calendar: days since 1970-01-01 to and from
// year, month, day (Howard Hinnant's algorithms). The one implementation: the core's UTC text
// forms (utc_time.cpp) and the fetcher's trading dates (fetcher/src/civil_date.cpp) use it.
#pragma once

#include <cstdint>

namespace pgp::core {

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) noexcept;
void civil_from_days(int64_t days, int64_t& year, unsigned& month, unsigned& day) noexcept;

// The first day of the month, and of the year, holding a day (days since 1970-01-01 both ways).
int64_t month_start(int64_t days) noexcept;
int64_t year_start(int64_t days) noexcept;

}  // namespace pgp::core
