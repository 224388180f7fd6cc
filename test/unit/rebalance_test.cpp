// Rebalancing in whole lots: hand-worked plans, the cash and no-oversell constraints, and local
// optimality (no single lot more or less is closer to the targets within the cash).
#include <gtest/gtest.h>

#include <vector>

#include "core/error.hpp"
#include "core/rebalance.hpp"
#include "decimal_of.hpp"

namespace core = pgp::core;
using pgp::test::d;

namespace {
core::RebalanceAsset asset(const char* held, const char* price, const char* weight,
                           const char* lot = "1") {
    return {d(held), d(price), d(lot), d(weight)};
}
// Squared distance of the holdings' values from the goals, in exact-ish long double.
long double distance(const std::vector<core::RebalanceAsset>& a,
                     const std::vector<core::Decimal>& q, core::Decimal total) {
    long double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const long double v = std::stold((q[i] * a[i].price).to_string());
        const long double g = std::stold((a[i].weight * total).to_string());
        s += (v - g) * (v - g);
    }
    return s;
}
core::Decimal cash_after(const std::vector<core::RebalanceAsset>& a,
                         const std::vector<core::Decimal>& q, core::Decimal cash,
                         core::Decimal rate) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        const core::Decimal traded = q[i] - a[i].held;
        cash -= traded * a[i].price + core::trade_cost(traded, a[i].price, rate);
    }
    return cash;
}
// Checks the plan's constraints and that no single-lot change within the cash is closer.
void expect_locally_optimal(const std::vector<core::RebalanceAsset>& a,
                            const std::vector<core::Decimal>& q, core::Decimal cash,
                            core::Decimal rate) {
    core::Decimal total = cash;
    for (const auto& x : a) total += x.held * x.price;
    const core::Decimal left = cash_after(a, q, cash, rate);
    EXPECT_FALSE(left.is_negative()) << left.to_string();
    const long double base = distance(a, q, total);
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_FALSE(q[i].is_negative());
        for (int dir : {-1, 1}) {
            std::vector<core::Decimal> alt = q;
            alt[i] = dir > 0 ? alt[i] + a[i].lot : alt[i] - a[i].lot;
            if (alt[i].is_negative() || cash_after(a, alt, cash, rate).is_negative()) continue;
            EXPECT_GE(distance(a, alt, total), base - 1e-9L) << "asset " << i << " dir " << dir;
        }
    }
}
}  // namespace

TEST(Rebalance, HandWorkedTwoAssets) {
    // 10 A @ 100, 0 B @ 50, cash 1000: V = 2000; targets 40 % / 60 % -> 800 and 1200:
    // sell 2 A (proceeds 200), buy 24 B (1200): cash 1000 + 200 - 1200 = 0.
    const std::vector<core::RebalanceAsset> a{asset("10", "100", "0.4"), asset("0", "50", "0.6")};
    std::vector<core::Decimal> q(a.size());
    const auto totals = core::rebalance(a.data(), a.size(), d("1000"), core::Decimal{}, q.data());
    EXPECT_EQ(q[0].to_string(), "8");
    EXPECT_EQ(q[1].to_string(), "24");
    EXPECT_EQ(totals.cash_after.to_string(), "0");
    EXPECT_EQ(totals.cost.to_string(), "0");
}

TEST(Rebalance, RoundingThatOverspendsGivesBackTheLeastHarmfulLot) {
    // V = 1000 cash; 50 / 50 in prices 30 and 70: ideal 16.67 and 7.14 -> 17 and 7 costs 510 + 490
    // = 1000 exactly; with a 1 % cost that is 1010: one lot must go back. Removing 1 @ 30 moves
    // that asset 30 - 2*10 = ... the cheaper harm is the lot of 30 (distance +(30^2 - 2*30*10)).
    const std::vector<core::RebalanceAsset> a{asset("0", "30", "0.5"), asset("0", "70", "0.5")};
    std::vector<core::Decimal> q(a.size());
    const auto totals = core::rebalance(a.data(), a.size(), d("1000"), d("0.01"), q.data());
    EXPECT_EQ(q[0].to_string(), "16");
    EXPECT_EQ(q[1].to_string(), "7");
    // 1000 - 480 - 490 - 1 % of 970
    EXPECT_EQ(totals.cash_after.to_string(), "20.3");
    EXPECT_EQ(totals.cost.to_string(), "9.7");
    expect_locally_optimal(a, q, d("1000"), d("0.01"));
}

TEST(Rebalance, UnlistedHoldingsAreSoldAndCashTargetKept) {
    // 5 C @ 40 not in the targets (weight 0) is sold; A gets 50 %, cash keeps the other 50 %.
    const std::vector<core::RebalanceAsset> a{asset("5", "40", "0"), asset("0", "10", "0.5")};
    std::vector<core::Decimal> q(a.size());
    const auto totals = core::rebalance(a.data(), a.size(), d("100"), core::Decimal{}, q.data());
    EXPECT_EQ(q[0].to_string(), "0");
    EXPECT_EQ(q[1].to_string(), "15");  // V = 300, 150 in A
    EXPECT_EQ(totals.cash_after.to_string(), "150");
}

TEST(Rebalance, LotSizes) {
    // lots of 100 shares @ 2.5: V = 1000, goal 1000 -> 4 lots of 250 = 400 shares.
    const std::vector<core::RebalanceAsset> a{asset("0", "2.5", "1", "100")};
    std::vector<core::Decimal> q(a.size());
    core::rebalance(a.data(), a.size(), d("1000"), core::Decimal{}, q.data());
    EXPECT_EQ(q[0].to_string(), "400");
    // goal 999: 3.996 lots rounds to 4 but costs 1000 > 999 cash: 3 lots
    std::vector<core::Decimal> r(a.size());
    core::rebalance(a.data(), a.size(), d("999"), core::Decimal{}, r.data());
    EXPECT_EQ(r[0].to_string(), "300");
}

TEST(Rebalance, RandomPortfoliosAreFeasibleAndLocallyOptimal) {
    // a deterministic pseudo-random sweep (no std::rand: a small LCG)
    unsigned long long state = 12345;
    auto next = [&](int mod) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((state >> 33) % static_cast<unsigned long long>(mod));
    };
    for (int trial = 0; trial < 200; ++trial) {
        const int n = 1 + next(6);
        std::vector<core::RebalanceAsset> a;
        std::vector<int> raw_weights;
        int weight_sum = 0;
        for (int i = 0; i < n; ++i) {
            raw_weights.push_back(next(100));
            weight_sum += raw_weights.back();
        }
        weight_sum += next(50);  // some cash target
        if (weight_sum == 0) weight_sum = 1;
        for (int i = 0; i < n; ++i) {
            const core::Decimal price = core::Decimal::divide(
                core::Decimal::from_int(1 + next(50000)), core::Decimal::from_int(100));
            const core::Decimal weight = core::Decimal::divide(
                core::Decimal::from_int(raw_weights[static_cast<std::size_t>(i)]),
                core::Decimal::from_int(weight_sum));
            a.push_back({core::Decimal::from_int(next(200)), price,
                         core::Decimal::from_int(next(3) == 0 ? 10 : 1), weight});
        }
        const core::Decimal cash = core::Decimal::from_int(next(20000));
        const core::Decimal rate = next(2) == 0 ? core::Decimal{} : d("0.001");
        std::vector<core::Decimal> q(a.size());
        const auto totals = core::rebalance(a.data(), a.size(), cash, rate, q.data());
        EXPECT_EQ(totals.cash_after, cash_after(a, q, cash, rate));
        expect_locally_optimal(a, q, cash, rate);
    }
}

TEST(Rebalance, Errors) {
    auto code = [](std::vector<core::RebalanceAsset> a, const char* cash) {
        std::vector<core::Decimal> q(a.size());
        try {
            core::rebalance(a.data(), a.size(), d(cash), core::Decimal{}, q.data());
        } catch (const core::Error& e) {
            return e.code();
        }
        return core::ErrorCode::Internal;
    };
    EXPECT_EQ(code({asset("1", "10", "-0.1")}, "0"), core::ErrorCode::InvalidParameter);
    EXPECT_EQ(code({asset("1", "0", "0.5")}, "0"), core::ErrorCode::InvalidParameter);
    EXPECT_EQ(code({asset("1", "10", "0.6"), asset("1", "10", "0.6")}, "0"),
              core::ErrorCode::InvalidParameter);
    EXPECT_EQ(code({asset("1", "10", "0.5", "0")}, "0"), core::ErrorCode::InvalidParameter);
}
