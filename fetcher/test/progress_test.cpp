// The progress display's text (progress.hpp): the bar, counts, rate, ETA and the plain pace.
#include <gtest/gtest.h>

#include <cmath>

#include "progress.hpp"

using namespace pgp::fetch;

TEST(Progress, Durations) {
    EXPECT_EQ(format_duration(0), "0:00");
    EXPECT_EQ(format_duration(7.4), "0:07");
    EXPECT_EQ(format_duration(59.6), "1:00");  // rounded to the second
    EXPECT_EQ(format_duration(754), "12:34");
    EXPECT_EQ(format_duration(3723), "1:02:03");
    EXPECT_EQ(format_duration(-1), "--:--");
    EXPECT_EQ(format_duration(NAN), "--:--");
}

TEST(Progress, Thousands) {
    EXPECT_EQ(thousands(0), "0");
    EXPECT_EQ(thousands(999), "999");
    EXPECT_EQ(thousands(1000), "1,000");
    EXPECT_EQ(thousands(12345678), "12,345,678");
    EXPECT_EQ(thousands(-1234), "-1,234");
}

TEST(Progress, RateAndEta) {
    // 3 of 10 symbols in 3 s: 1 s a symbol, 7 to go -> 7 s; 12,345 rows in 3 s = 4,115 rows/s
    const ProgressSnapshot p{0.3, std::size_t{3}, 10, 12345, 3.0};
    EXPECT_EQ(rate_text(p), "4,115 rows/s");
    ASSERT_TRUE(eta_seconds(p));
    EXPECT_DOUBLE_EQ(*eta_seconds(p), 7.0);
    // nothing done yet, or no time passed: no ETA, no rate
    EXPECT_FALSE(eta_seconds({0, std::size_t{0}, 10, 0, 2.0}));
    EXPECT_EQ(rate_text({0, std::size_t{0}, 10, 0, 0}), "-- rows/s");
}

TEST(Progress, TerminalLine) {
    EXPECT_EQ(
        progress_line({0.3, std::size_t{3}, 10, 12345, 3.0}),
        "[#########.....................]  30% 3/10 symbols, 12,345 rows, 4,115 rows/s, ETA 0:07");
    EXPECT_EQ(progress_line({0, std::size_t{0}, 4, 0, 0}),
              "[..............................]   0% 0/4 symbols, 0 rows, -- rows/s, ETA --:--");
    // a csv file: bytes read decide the fraction, there is no symbol count
    EXPECT_EQ(progress_line({0.5, std::nullopt, 0, 5000, 2.0}),
              "[###############...............]  50% 5,000 rows, 2,500 rows/s, ETA 0:02");
}

TEST(Progress, PlainLine) {
    EXPECT_EQ(progress_plain({0.3, std::size_t{3}, 10, 12345, 3.0}),
              "progress 3/10 symbols (30%), 12,345 rows, 4,115 rows/s, ETA 0:07");
    EXPECT_EQ(progress_plain({1.0, std::nullopt, 0, 1043, 1.0}),
              "progress 100%, 1,043 rows, 1,043 rows/s, ETA 0:00");
}

TEST(Progress, PlainPaceEveryInterval) {
    PlainProgressPace pace(10);
    EXPECT_FALSE(pace.due(0));
    EXPECT_FALSE(pace.due(9.9));
    EXPECT_TRUE(pace.due(10));
    EXPECT_FALSE(pace.due(15));
    EXPECT_TRUE(pace.due(35));  // a long batch: one line, not one per missed interval
    EXPECT_FALSE(pace.due(39));
    EXPECT_TRUE(pace.due(40));
}
