// The one calendar implementation (src/core/civil_date.hpp), against Python's datetime.date
// (proleptic Gregorian): fixed days and a round trip over ±1.1 million days.
#include <gtest/gtest.h>

#include "core/civil_date.hpp"

using pgp::core::civil_from_days;
using pgp::core::days_from_civil;
using pgp::core::month_start;
using pgp::core::year_start;

TEST(CivilDate, KnownDays) {
    // (date - date(1970, 1, 1)).days in Python
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(2000, 1, 1), 10957);   // PostgreSQL's epoch
    EXPECT_EQ(days_from_civil(2024, 2, 29), 19782);  // a leap day
    EXPECT_EQ(days_from_civil(1600, 3, 1), -135080);
    EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

TEST(CivilDate, RoundTripsAndCountsDaysInOrder) {
    int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(-1'100'001, y, m, d);
    int64_t previous = days_from_civil(y, m, d);
    EXPECT_EQ(previous, -1'100'001);
    for (int64_t z = -1'100'000; z <= 1'100'000; ++z) {
        civil_from_days(z, y, m, d);
        ASSERT_TRUE(m >= 1 && m <= 12 && d >= 1 && d <= 31) << z;
        ASSERT_EQ(days_from_civil(y, m, d), z) << y << "-" << m << "-" << d;
        ASSERT_EQ(z, previous + 1);
        previous = z;
    }
    civil_from_days(19782, y, m, d);
    EXPECT_EQ(y, 2024);
    EXPECT_EQ(m, 2u);
    EXPECT_EQ(d, 29u);
}

// month_start/year_start against days counted by hand: 2024-02-29 (a leap day), 1970-01-01,
// 1969-12-31 (before the epoch), 2000-03-01.
TEST(CivilDate, MonthAndYearStarts) {
    const int64_t leap_day = days_from_civil(2024, 2, 29);
    EXPECT_EQ(month_start(leap_day), days_from_civil(2024, 2, 1));
    EXPECT_EQ(month_start(leap_day), leap_day - 28);
    EXPECT_EQ(year_start(leap_day), days_from_civil(2024, 1, 1));
    EXPECT_EQ(year_start(leap_day), leap_day - 31 - 28);
    EXPECT_EQ(month_start(0), 0);
    EXPECT_EQ(year_start(0), 0);
    EXPECT_EQ(month_start(-1), -31);
    EXPECT_EQ(year_start(-1), -365);
    EXPECT_EQ(month_start(days_from_civil(2000, 3, 1)), days_from_civil(2000, 3, 1));
    EXPECT_EQ(year_start(days_from_civil(2000, 12, 31)), days_from_civil(2000, 12, 31) - 365);
    // every day of 1999-2001 maps to a first of a month no more than 30 days before it
    for (int64_t d = days_from_civil(1999, 1, 1); d < days_from_civil(2002, 1, 1); ++d) {
        int64_t y = 0;
        unsigned m = 0, day = 0;
        civil_from_days(month_start(d), y, m, day);
        ASSERT_EQ(day, 1u);
        ASSERT_LE(d - month_start(d), 30);
    }
}
