// max_drawdown, calmar, xirr and twr with flows against published and numpy figures.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/drawdown.hpp"
#include "core/error.hpp"
#include "core/flow_twr.hpp"
#include "core/xirr.hpp"

using namespace pgp::core;

namespace {
std::vector<double> managers_ham1() {
    std::ifstream in(std::string(PGP_FIXTURES_DIR) + "/managers.csv");
    std::string line;
    std::getline(in, line);
    std::vector<double> out;
    while (std::getline(in, line)) {
        std::stringstream fields(line);
        std::string date, value;
        std::getline(fields, date, ',');
        std::getline(fields, value, ',');
        out.push_back(std::stod(value));
    }
    return out;
}
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
