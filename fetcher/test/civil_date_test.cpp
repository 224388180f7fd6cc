// Dates and New York's daylight saving rules, checked against the system's tz database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "civil_date.hpp"

using namespace pgp::fetch;

TEST(CivilDate, RoundTripsAndKnownDays) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    for (Day d = -700000; d < 2900000; d += 97) {
        int y = 0;
        unsigned m = 0, dd = 0;
        civil_from_days(d, y, m, dd);
        ASSERT_EQ(days_from_civil(y, m, dd), d);
        ASSERT_EQ(parse_iso_date(format_iso_date(d)).value_or(-999999), d) << format_iso_date(d);
    }
}

TEST(CivilDate, ParsesStrictIsoDates) {
    EXPECT_EQ(parse_iso_date("2024-02-29"), days_from_civil(2024, 2, 29));
    EXPECT_FALSE(parse_iso_date("2023-02-29"));
    EXPECT_FALSE(parse_iso_date("2024-13-01"));
    EXPECT_FALSE(parse_iso_date("2024-04-31"));
    EXPECT_FALSE(parse_iso_date("2024-1-01"));
    EXPECT_FALSE(parse_iso_date("2024/01/01"));
    EXPECT_FALSE(parse_iso_date(""));
    EXPECT_FALSE(parse_iso_date("2024-01-01x"));
    EXPECT_EQ(parse_leading_date("2024-01-31 00:00:00"), days_from_civil(2024, 1, 31));
    EXPECT_EQ(parse_leading_date("2024-01-31T16:00:00Z"), days_from_civil(2024, 1, 31));
    EXPECT_FALSE(parse_leading_date("2024-01-31junk"));
    EXPECT_EQ(format_iso_date(days_from_civil(1999, 12, 31)), "1999-12-31");
}

TEST(CivilDate, Weekdays) {
    EXPECT_EQ(weekday(0), 4);                              // 1970-01-01 was a Thursday
    EXPECT_EQ(weekday(days_from_civil(2024, 6, 10)), 1);   // a Monday
    EXPECT_EQ(weekday(days_from_civil(1969, 12, 28)), 0);  // a Sunday before the epoch
    EXPECT_EQ(weekday(days_from_civil(1900, 1, 1)), 1);
}

TEST(NewYork, DstSwitchesAtTwoInTheMorning) {
    // 2023: EDT from 2023-03-12 07:00 UTC to 2023-11-05 06:00 UTC
    const std::int64_t start =
        static_cast<std::int64_t>(days_from_civil(2023, 3, 12)) * 86400 + 7 * 3600;
    const std::int64_t end =
        static_cast<std::int64_t>(days_from_civil(2023, 11, 5)) * 86400 + 6 * 3600;
    EXPECT_FALSE(new_york_dst(start - 1));
    EXPECT_TRUE(new_york_dst(start));
    EXPECT_TRUE(new_york_dst(end - 1));
    EXPECT_FALSE(new_york_dst(end));
    // 2006 used the old rule: first Sunday of April, last Sunday of October
    EXPECT_FALSE(
        new_york_dst(static_cast<std::int64_t>(days_from_civil(2006, 3, 20)) * 86400 + 12 * 3600));
    EXPECT_TRUE(
        new_york_dst(static_cast<std::int64_t>(days_from_civil(2006, 4, 2)) * 86400 + 8 * 3600));
    EXPECT_FALSE(
        new_york_dst(static_cast<std::int64_t>(days_from_civil(2006, 10, 29)) * 86400 + 7 * 3600));
}

TEST(NewYork, PolygonMidnightsGiveTheirOwnDate) {
    // Polygon stamps a daily bar at New York midnight: 05:00 UTC in winter, 04:00 UTC in summer
    EXPECT_EQ(new_york_day_of_epoch_ms(1673240400000), days_from_civil(2023, 1, 9));   // EST
    EXPECT_EQ(new_york_day_of_epoch_ms(1689652800000), days_from_civil(2023, 7, 18));  // EDT
    // 2023-03-13, the first session after the spring switch: 04:00 UTC
    EXPECT_EQ(
        new_york_day_of_epoch_ms(
            (static_cast<std::int64_t>(days_from_civil(2023, 3, 13)) * 86400 + 4 * 3600) * 1000),
        days_from_civil(2023, 3, 13));
    // one millisecond before New York midnight is still the previous day
    EXPECT_EQ(
        new_york_day_of_epoch_ms(
            (static_cast<std::int64_t>(days_from_civil(2023, 3, 13)) * 86400 + 4 * 3600) * 1000 -
            1),
        days_from_civil(2023, 3, 12));
}

TEST(NewYork, AgreesWithTheTzDatabase) {
    // the system's zoneinfo is the independent reference (skip where it is absent)
    if (std::getenv("FETCH_SKIP_TZDB")) GTEST_SKIP();
    setenv("TZ", "America/New_York", 1);
    tzset();
    int checked = 0;
    for (std::int64_t t = 0; t < 2100000000; t += 3 * 3600 + 17) {  // 1970..2036, every ~3 hours
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm local{};
        localtime_r(&tt, &local);
        if (local.tm_gmtoff != -5 * 3600 && local.tm_gmtoff != -4 * 3600)
            GTEST_SKIP() << "no tz database";
        ASSERT_EQ(new_york_utc_offset(t), local.tm_gmtoff) << t;
        ++checked;
    }
    // and around every switch of 2000..2030, minute by minute
    for (int year = 2000; year <= 2030; ++year) {
        for (unsigned month : {3u, 4u, 10u, 11u}) {
            const std::int64_t first =
                static_cast<std::int64_t>(days_from_civil(year, month, 1)) * 86400;
            for (std::int64_t t = first; t < first + 31 * 86400; t += 60) {
                const std::time_t tt = static_cast<std::time_t>(t);
                std::tm local{};
                localtime_r(&tt, &local);
                ASSERT_EQ(new_york_utc_offset(t), local.tm_gmtoff) << t;
            }
        }
    }
    unsetenv("TZ");
    tzset();
    EXPECT_GT(checked, 100000);
}

TEST(CivilDate, LatestPlausibleDayIsTodayInUtcPlus14) {
    const std::int64_t noon =
        static_cast<std::int64_t>(days_from_civil(2024, 5, 1)) * 86400 + 12 * 3600;
    EXPECT_EQ(latest_plausible_day(noon), days_from_civil(2024, 5, 2));
    const std::int64_t early =
        static_cast<std::int64_t>(days_from_civil(2024, 5, 1)) * 86400 + 9 * 3600;
    EXPECT_EQ(latest_plausible_day(early), days_from_civil(2024, 5, 1));
}
