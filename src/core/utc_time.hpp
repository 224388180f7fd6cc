// PostgreSQL timestamptz values (microseconds since 2000-01-01 00:00:00 UTC) as ISO 8601 UTC text,
// for the readable text form of stored types. Independent of any session TimeZone or DateStyle, so
// a type's text output stays immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pgp::core {

// "2024-03-01T00:00:00Z", with ".ffffff" (trailing zeros trimmed) when there are microseconds.
std::string format_utc(int64_t microseconds_since_2000);
// The inverse; also accepts a space for T and an offset "+HH", "+HH:MM" or "Z". Throws
// DataException.
int64_t parse_utc(std::string_view text);
// "2024-03-01": the UTC calendar day, for messages.
std::string format_utc_day(int64_t microseconds_since_2000);

}  // namespace pgp::core
