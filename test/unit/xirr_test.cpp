// xirr against Portfolio Performance's figures and numpy: order, no root, large rates.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/xirr.hpp"

using namespace pgp::core;

TEST(Xirr, PortfolioPerformanceFigures) {
    // days are from any origin: 2010-01-01 = 3653 days after 2000-01-01, 2010-12-31 = 4017
    const CashFlow one[] = {{-200, 3653}, {210, 4017}};
    double rate = 0;
    ASSERT_TRUE(xirr(one, 2, &rate));
    EXPECT_NEAR(rate, std::pow(1.05, 365.0 / 364.0) - 1, 1e-14);
    EXPECT_NEAR(rate, 0.050140747, 5e-9);  // Portfolio Performance, to its printed digits
    // 2019-05-24 = 7083, 2020-01-13 = 7317, 2020-06-29 = 7485
    const CashFlow two[] = {{-1560.94, 7083}, {-1160, 7317}, {42.80, 7485}};
    ASSERT_TRUE(xirr(two, 3, &rate));
    EXPECT_NEAR(rate, -0.999251643, 5e-10);
    double npv = 0;
    for (const CashFlow& f : two) npv += f.amount * std::pow(1 + rate, -(f.days - 7083) / 365.0);
    EXPECT_NEAR(npv, 0.0, 1e-6);
}

TEST(Xirr, OrderDoesNotMatterAndNoRootIsNoResult) {
    const CashFlow shuffled[] = {{210, 4017}, {-200, 3653}};
    double rate = 0;
    ASSERT_TRUE(xirr(shuffled, 2, &rate));
    EXPECT_NEAR(rate, std::pow(1.05, 365.0 / 364.0) - 1, 1e-14);
    const CashFlow deposits[] = {{-100, 0}, {-50, 30}};
    EXPECT_FALSE(xirr(deposits, 2, &rate));  // no sign change
    const CashFlow same_day[] = {{-100, 5}, {100, 5}};
    EXPECT_FALSE(xirr(same_day, 2, &rate));
    EXPECT_THROW(check_cash_flow(INFINITY, 0), Error);
}

TEST(Xirr, LargeRatesNeedTheBracket) {
    // +1000 % a year: Newton from 10 % overshoots; the bracket still finds it
    const CashFlow flows[] = {{-1, 0}, {11, 365}};
    double rate = 0;
    ASSERT_TRUE(xirr(flows, 2, &rate));
    EXPECT_NEAR(rate, 10.0, 1e-11);
}
