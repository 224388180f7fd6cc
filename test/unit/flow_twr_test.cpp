// twr with flows: deposits at the period start, withdrawals at its end.
#include <gtest/gtest.h>

#include <cmath>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "core/flow_twr.hpp"

using namespace pgp::core;

TEST(FlowTwr, DepositsAtStartWithdrawalsAtEnd) {
    FlowTwrState s;
    s.add(1000, 1000);  // opening value (its own deposit is not a return)
    s.add(1100, 0);     // +10 %
    s.add(1600, 500);   // 1600 / (1100 + 500): 0 %
    s.add(1500, -200);  // (1500 + 200) / 1600: +6.25 %
    double out = 0;
    ASSERT_TRUE(s.result(&out));
    EXPECT_NEAR(out, 1.1 * 1.0625 - 1, 1e-15);
    FlowTwrState one;
    one.add(100, 0);
    EXPECT_FALSE(one.result(&out));
    EXPECT_THROW(one.add(-5, 0), Error);
}

// The one flow timing rule, in both number types: deposits join the start, withdrawals the end.
TEST(FlowTwr, FlowPeriodIsOneRuleForDoubleAndDecimal) {
    const FlowPeriod<double> in = flow_period(1100.0, 1600.0, 500.0);
    EXPECT_EQ(in.start, 1600.0);
    EXPECT_EQ(in.end, 1600.0);
    const FlowPeriod<double> out = flow_period(1600.0, 1500.0, -200.0);
    EXPECT_EQ(out.start, 1600.0);
    EXPECT_EQ(out.end, 1700.0);
    const FlowPeriod<Decimal> dec =
        flow_period(Decimal::parse("1600"), Decimal::parse("1500"), Decimal::parse("-200.5"));
    EXPECT_EQ(dec.start.to_string(), "1600");
    EXPECT_EQ(dec.end.to_string(), "1700.5");
}
