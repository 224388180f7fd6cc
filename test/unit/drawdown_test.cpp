// max_drawdown and calmar against published figures (PerformanceAnalytics, empyrical).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/drawdown.hpp"
#include "core/error.hpp"
#include "fixture_column.hpp"

using namespace pgp::core;

namespace {
std::vector<double> managers_ham1() { return pgp::test::fixture_column("managers.csv", 1); }
}  // namespace

TEST(Drawdown, EmpyricalFixture) {
    DrawdownState s;
    for (double r : {0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10}) s.add(r);
    EXPECT_NEAR(s.max_drawdown(), 0.1, 1e-15);  // empyrical max_drawdown (printed as -0.1)
}

TEST(Drawdown, PerformanceAnalyticsHam1) {
    DrawdownState s;
    for (double r : managers_ham1()) s.add(r);
    EXPECT_EQ(s.n, 132);
    EXPECT_NEAR(s.max_drawdown(), 0.1517729054802286, 1e-12);  // numpy; PA prints 0.151773
    // Return.annualized 0.137532 (PerformanceAnalytics)
    EXPECT_NEAR(s.annualized_return(12), 0.137532, 5e-7);
    double calmar = 0;
    ASSERT_TRUE(calmar_ratio(s, 12, &calmar));
    EXPECT_NEAR(calmar, s.annualized_return(12) / s.max_drawdown(), 1e-15);
}

TEST(Drawdown, FromStartingWealthAndEdges) {
    DrawdownState falling;
    falling.add(-0.2);  // a fall from the starting wealth of 1 counts
    EXPECT_NEAR(falling.max_drawdown(), 0.2, 1e-15);
    DrawdownState rising;
    for (double r : {0.01, 0.02}) rising.add(r);
    EXPECT_EQ(rising.max_drawdown(), 0.0);
    double calmar = 0;
    EXPECT_FALSE(calmar_ratio(rising, 252, &calmar));  // no drawdown: undefined
    DrawdownState wiped;
    for (double r : {0.5, -1.0, 0.3}) wiped.add(r);
    EXPECT_EQ(wiped.max_drawdown(), 1.0);
    EXPECT_EQ(wiped.annualized_return(12), -1.0);
    EXPECT_THROW(wiped.add(std::nan("")), Error);
    EXPECT_THROW(calmar_ratio(wiped, 0, &calmar), Error);
}
