// Moments, pair co-moments, summaries and the metrics on them, against an independent two-pass
// computation in long double, numpy/scipy values (test/reference/moments_reference.py) and the
// figures PerformanceAnalytics and empyrical publish.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/moment_states.hpp"
#include "core/moments.hpp"
#include "core/pair_moments.hpp"
#include "core/return_summary.hpp"
#include "fixture_column.hpp"

using namespace pgp::core;
using pgp::test::fixture_column;

namespace {

Moments of(const std::vector<double>& xs, size_t begin = 0, size_t end = SIZE_MAX) {
    Moments m;
    for (size_t i = begin; i < std::min(end, xs.size()); ++i) m.add(xs[i]);
    return m;
}

// The textbook two-pass central moments in long double: independent of the Welford code.
struct TwoPass {
    long double mean = 0, m2 = 0, m3 = 0, m4 = 0;
    size_t n = 0;
};
TwoPass two_pass(const std::vector<double>& xs, size_t begin, size_t end) {
    TwoPass t;
    t.n = end - begin;
    for (size_t i = begin; i < end; ++i) t.mean += xs[i];
    t.mean /= t.n;
    for (size_t i = begin; i < end; ++i) {
        const long double d = xs[i] - t.mean;
        t.m2 += d * d;
        t.m3 += d * d * d;
        t.m4 += d * d * d * d;
    }
    return t;
}

void expect_rel(double actual, double expected, double tol) {
    EXPECT_LE(std::fabs(actual - expected), tol * std::fabs(expected))
        << "actual " << actual << " expected " << expected;
}

std::vector<double> synthetic(size_t n) {
    std::vector<double> xs;
    for (size_t i = 0; i < n; ++i)
        xs.push_back(0.0004 + 0.012 * std::sin(i * 0.37) + 0.004 * std::cos(i * 1.91));
    return xs;
}

}  // namespace

TEST(Moments, MatchTwoPassLongDouble) {
    const auto xs = synthetic(100000);
    const Moments m = of(xs);
    const TwoPass t = two_pass(xs, 0, xs.size());
    EXPECT_EQ(m.n, 100000);
    expect_rel(m.mean, static_cast<double>(t.mean), 1e-12);
    expect_rel(m.m2, static_cast<double>(t.m2), 1e-12);
    expect_rel(m.m3, static_cast<double>(t.m3),
               1e-9);  // m3 is small against m2^1.5: absolute check below
    EXPECT_NEAR(m.m3 / std::pow(m.m2, 1.5), static_cast<double>(t.m3 / std::pow(t.m2, 1.5L)),
                1e-13);
    expect_rel(m.m4, static_cast<double>(t.m4), 1e-12);
}

TEST(Moments, EdhecConvertibleArbitrageMatchesPerformanceAnalyticsAndNumpy) {
    auto ca = fixture_column("edhec.csv", 1);
    ca.resize(100);
    const Moments m = of(ca);
    // numpy/scipy (moments_reference.py)
    expect_rel(m.mean, 0.007546999999999999, 1e-12);
    expect_rel(*stddev_sample(m), 0.012024877033748315, 1e-12);
    expect_rel(*skewness(m), -0.8925105886315027, 1e-12);
    expect_rel(*excess_kurtosis(m), 1.3048400638649609, 1e-12);
    expect_rel(*var_gaussian(m, 0.95), 0.012133018306082422, 1e-12);
    expect_rel(*cvar_gaussian(m, 0.95), 0.017132536918536067, 1e-12);
    expect_rel(*var_cornish_fisher(m, 0.95), 0.01467439667748504, 1e-12);
    // PerformanceAnalytics' published (negated, six digits)
    EXPECT_NEAR(*var_gaussian(m, 0.95), 0.012133, 5e-7);
    EXPECT_NEAR(*var_cornish_fisher(m, 0.95), 0.014674, 5e-7);
    EXPECT_NEAR(*cvar_gaussian(m, 0.95), 0.017133, 5e-7);
}

TEST(Moments, ManagersHam1MatchesPerformanceAnalytics) {
    const auto ham1 = fixture_column("managers.csv", 1);
    const auto sp500 = fixture_column("managers.csv", 8);
    const auto us3m = fixture_column("managers.csv", 10);
    ASSERT_EQ(ham1.size(), 132u);
    Moments m, excess;
    GrowthState g;
    PairMoments capm;
    for (size_t i = 0; i < ham1.size(); ++i) {
        m.add(ham1[i]);
        excess.add(ham1[i] - us3m[i]);
        g.add(ham1[i]);
        capm.add(ham1[i] - us3m[i], sp500[i] - us3m[i]);
    }
    EXPECT_NEAR(*beta(capm), 0.390071248399483, 1e-14);
    // CAPM.alpha is the regression intercept, annualised as (1 + a)^12 - 1: our alpha formula
    EXPECT_NEAR(*alpha(capm, 0.0, 12), 0.0715406013853, 1e-12);
    EXPECT_NEAR(*annualized_return(g, 12), 0.137532, 5e-7);
    EXPECT_NEAR(*volatility(m, 12), 0.088781, 5e-7);
    EXPECT_NEAR(*sharpe_ratio(m, 12), 1.503396, 5e-7);
    EXPECT_NEAR(*sharpe_ratio(excess, 12), 1.067993, 5e-7);
}

TEST(Moments, EmpyricalDailyFixture) {
    const std::vector<double> rs = {0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10};
    const Moments m = of(rs);
    SortinoState s;
    for (double r : rs) s.add(r);
    expect_rel(*sharpe_ratio(m, 252), 1.7238613961706866, 1e-14);
    expect_rel(*volatility(m, 252), 0.9136465399704637, 1e-14);
    expect_rel(*sortino(s, 252), 2.605531251673693, 1e-14);
}

TEST(Moments, UndefinedResultsAreEmpty) {
    Moments m;
    EXPECT_FALSE(stddev_sample(m));
    EXPECT_FALSE(var_gaussian(m, 0.95));
    m.add(0.01);
    EXPECT_FALSE(volatility(m, 252));
    EXPECT_DOUBLE_EQ(*var_gaussian(m, 0.95), -0.01);  // sigma 0: the loss is -mean
    EXPECT_FALSE(var_cornish_fisher(m, 0.95));        // skewness undefined
    m.add(0.01);
    EXPECT_EQ(*stddev_sample(m), 0.0);
    EXPECT_FALSE(sharpe_ratio(m, 252));
    EXPECT_THROW(var_gaussian(m, 1.0), Error);
}

TEST(Moments, MergeEqualsSequential) {
    const auto xs = synthetic(10000);
    const Moments all = of(xs);
    for (size_t split : {1u, 37u, 5000u, 9999u}) {
        Moments left = of(xs, 0, split);
        left.merge(of(xs, split));
        EXPECT_EQ(left.n, all.n);
        expect_rel(left.mean, all.mean, 1e-13);
        expect_rel(left.m2, all.m2, 1e-13);
        EXPECT_NEAR(*skewness(left), *skewness(all), 1e-12);
        expect_rel(left.m4, all.m4, 1e-12);
    }
    Moments empty;
    empty.merge(all);
    EXPECT_EQ(empty.m2, all.m2);
}

// A 5000-row series with regime changes, through a 60-row moving window exactly as PostgreSQL
// drives it: add the new row, remove the oldest, and rebuild the window from its rows whenever
// remove() says the downdate may have lost accuracy. Every window must equal a fresh computation
// (two-pass, long double) to 1e-9 relative, and recomputations must stay rare.
TEST(Moments, MovingWindowMatchesRecomputation) {
    std::vector<double> xs;
    for (int t = 1; t <= 5000; ++t) {
        double r;
        if (t <= 1500)
            r = 0.0005 + 0.01 * std::sin(t * 0.37) + 0.003 * std::cos(t * 1.91);
        else if (t <= 2500)
            r = 0.0002 + 0.0001 * std::sin(t * 0.37);  // volatility / 100
        else if (t <= 2700)
            r = 0.001;  // zero variance
        else if (t == 3000)
            r = 0.5;  // an outlier
        else
            r = -0.0003 + 0.02 * std::sin(t * 0.73) + 0.01 * std::cos(t * 2.3);
        xs.push_back(r);
    }
    const size_t width = 60;
    Moments window;
    int recomputations = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        window.add(xs[i]);
        if (i >= width && !window.remove(xs[i - width])) {
            ++recomputations;
            window = of(xs, i + 1 - width, i + 1);
        }
        if (i + 1 < width) continue;
        const TwoPass t = two_pass(xs, i + 1 - width, i + 1);
        ASSERT_EQ(window.n, static_cast<int64_t>(width));
        ASSERT_NEAR(window.mean, static_cast<double>(t.mean),
                    1e-9 * std::fabs(static_cast<double>(t.mean)));
        ASSERT_NEAR(window.m2, static_cast<double>(t.m2), 1e-9 * static_cast<double>(t.m2))
            << "row " << i;
        ASSERT_NEAR(window.m4, static_cast<double>(t.m4), 1e-9 * static_cast<double>(t.m4))
            << "row " << i;
        if (t.m2 > 0) {
            const double skew = static_cast<double>(t.m3 / t.n / std::pow(t.m2 / t.n, 1.5L));
            ASSERT_NEAR(*skewness(window), skew, 1e-9 * std::max(1.0, std::fabs(skew)))
                << "row " << i;
        } else {
            ASSERT_EQ(window.m2, 0.0) << "a constant window has exactly zero variance, row " << i;
        }
    }
    // regime changes force a few recomputations; a stationary stretch forces almost none
    EXPECT_GT(recomputations, 0);
    EXPECT_LT(recomputations, 100) << "out of " << xs.size() - width << " removals";
}

TEST(Moments, StationaryWindowRarelyRecomputes) {
    const auto xs = synthetic(20000);
    Moments window;
    int recomputations = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        window.add(xs[i]);
        if (i >= 60 && !window.remove(xs[i - 60])) {
            ++recomputations;
            window = of(xs, i - 59, i + 1);
        }
    }
    // only the removal limit (every 1024 downdates) fires: O(1) amortised per row
    EXPECT_LE(recomputations, 20);
}

TEST(Moments, EncodeDecodeAndCorruption) {
    const Moments m = of(synthetic(100));
    uint8_t buf[Moments::kEncodedSize];
    ByteWriter w(buf, sizeof buf);
    m.encode(w);
    ByteReader r(buf, sizeof buf);
    const Moments back = Moments::decode(r);
    EXPECT_EQ(back.n, m.n);
    EXPECT_EQ(back.mean, m.mean);
    EXPECT_EQ(back.m4, m.m4);
    // m2 < 0 is impossible
    const double negative = -1.0;
    std::memcpy(buf + 1 + 8 + 8, &negative, 8);
    ByteReader bad(buf, sizeof buf);
    try {
        Moments::decode(bad);
        FAIL() << "a negative m2 must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::CorruptState);
    }
}

TEST(ReturnSummary, TextRoundTripIsExact) {
    ReturnSummary s;
    for (double r : synthetic(1000)) s.add(r);
    s.add(-1.0);
    const SummaryText text = to_text(s);
    const auto parsed = parse_return_summary(text.text);
    ASSERT_TRUE(parsed.ok) << parsed.message;
    EXPECT_EQ(std::memcmp(&parsed.value.moments.mean, &s.moments.mean, 8), 0);
    EXPECT_EQ(parsed.value.moments.m3, s.moments.m3);
    EXPECT_EQ(parsed.value.growth.log_growth.compensation, s.growth.log_growth.compensation);
    EXPECT_EQ(parsed.value.growth.total_losses, 1);
    EXPECT_EQ(std::string(to_text(parsed.value).text), std::string(text.text));
    EXPECT_EQ(*twr(parsed.value), -1.0);
}

// Found by test/suites/fuzz.sh: returns near 1e-80 give a subnormal fourth moment, which the text
// form printed but did not read back (strtod reports ERANGE for a subnormal result).
TEST(ReturnSummary, SubnormalMomentsRoundTripInText) {
    ReturnSummary s;
    s.add(1e-80);
    s.add(3e-80);
    ASSERT_GT(s.moments.m4, 0.0);
    ASSERT_LT(s.moments.m4, 2.3e-308);  // subnormal
    const SummaryText text = to_text(s);
    const auto parsed = parse_return_summary(text.text);
    ASSERT_TRUE(parsed.ok) << parsed.message << " for " << text.text;
    EXPECT_EQ(parsed.value.moments.m4, s.moments.m4);
    EXPECT_EQ(std::string(to_text(parsed.value).text), std::string(text.text));
    // a number that underflows to zero is still out of range, as in float8in
    const auto zero = parse_return_summary(
        "(version:1,n:2,mean:0,m2:0,m3:0,m4:1e-400,log_growth:0,log_growth_error:0,total_losses:"
        "0)");
    EXPECT_FALSE(zero.ok);
}

TEST(ReturnSummary, ParseErrorsCarryAMessage) {
    for (const char* bad :
         {"", "()", "(version:1)",
          "(version:1,n:x,mean:0,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0)",
          "(version:1,n:1,mean:0,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0) x",
          "(version:1,n:0,mean:1,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0)"}) {
        const auto parsed = parse_return_summary(bad);
        EXPECT_FALSE(parsed.ok) << bad;
        EXPECT_NE(std::strstr(parsed.message, "invalid input syntax for type return_summary"),
                  nullptr);
    }
}

TEST(ReturnSummary, BinaryFormatIsVersionedLittleEndian) {
    ReturnSummary s;
    s.add(0.1);
    s.add(-0.05);
    uint8_t buf[ReturnSummary::kEncodedSize];
    ByteWriter w(buf, sizeof buf);
    s.encode(w);
    EXPECT_EQ(w.written(), sizeof buf);
    EXPECT_EQ(buf[0], 1);  // version
    EXPECT_EQ(buf[1], 2);  // n, little-endian
    ByteReader r(buf, sizeof buf);
    const ReturnSummary back = ReturnSummary::decode(r);
    EXPECT_EQ(back.moments.m2, s.moments.m2);
    buf[0] = 7;
    ByteReader bad(buf, sizeof buf);
    EXPECT_THROW(ReturnSummary::decode(bad), Error);
}

TEST(PairMoments, MatchTwoPassAndMerge) {
    const auto xs = synthetic(5000);
    std::vector<double> ys;
    for (size_t i = 0; i < xs.size(); ++i) ys.push_back(0.0003 + 0.008 * std::sin(i * 0.37 + 0.3));
    PairMoments p, left, right;
    long double mx = 0, my = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        p.add(xs[i], ys[i]);
        (i < 1234 ? left : right).add(xs[i], ys[i]);
        mx += xs[i];
        my += ys[i];
    }
    mx /= xs.size();
    my /= xs.size();
    long double cxy = 0, syy = 0, sdd = 0, md = mx - my;
    for (size_t i = 0; i < xs.size(); ++i) {
        cxy += (xs[i] - mx) * (ys[i] - my);
        syy += (ys[i] - my) * (ys[i] - my);
        const long double d = (xs[i] - ys[i]) - md;
        sdd += d * d;
    }
    expect_rel(*beta(p), static_cast<double>(cxy / syy), 1e-12);
    expect_rel(*tracking_error(p, 1), static_cast<double>(std::sqrt(sdd / (xs.size() - 1))), 1e-12);
    left.merge(right);
    expect_rel(*beta(left), *beta(p), 1e-13);
    expect_rel(*correlation(left), *correlation(p), 1e-13);
    expect_rel(*information_ratio(left, 252), *information_ratio(p, 252), 1e-12);
}

TEST(PairMoments, TrackingErrorOfAHuggingPortfolioKeepsItsDigits) {
    // a 1 % volatility portfolio 0.01 % away from its benchmark: var(x)+var(y)-2cov would cancel
    PairMoments p;
    long double sdd = 0, md = 0;
    std::vector<double> d;
    for (int i = 0; i < 1000; ++i) {
        const double y = 0.01 * std::sin(i * 0.37);
        const double x = y + 0.0001 * std::cos(i * 1.7);
        p.add(x, y);
        d.push_back(x - y);
        md += x - y;
    }
    md /= d.size();
    for (double v : d) sdd += (v - md) * (v - md);
    expect_rel(*tracking_error(p, 1), static_cast<double>(std::sqrt(sdd / (d.size() - 1))), 1e-12);
}

TEST(MomentStates, ParameterMustNotChange) {
    FixedParameter ppy;
    ppy.observe(12, "periods per year");
    ppy.observe(12, "periods per year");
    try {
        ppy.observe(252, "periods per year");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParameter);
    }
    MomentAggState a, b;
    a.param.observe(0.95, "confidence");
    b.param.observe(0.99, "confidence");
    EXPECT_THROW(a.merge(b), Error);
}

TEST(MomentStates, SortinoMovingWindowHasExactlyNoDownside) {
    SortinoState s;
    s.add(-0.02);
    s.add(0.01);
    s.add(0.03);
    EXPECT_TRUE(sortino(s, 1));
    s.remove(-0.02);
    EXPECT_EQ(s.downside_squares.value(), 0.0);
    EXPECT_FALSE(sortino(s, 1));  // no downside: undefined, not a huge number
}

// The pair state through a 60-row moving window across a regime change (the benchmark's
// volatility falls 100-fold), rebuilt whenever remove() asks: beta, correlation and tracking error
// equal a fresh computation to 1e-9 relative.
TEST(PairMoments, MovingWindowMatchesRecomputation) {
    std::vector<double> xs, ys;
    for (int t = 1; t <= 3000; ++t) {
        const double scale = t <= 1500 ? 1.0 : 0.01;
        const double y = scale * (0.0002 + 0.008 * std::sin(t * 0.37 + 0.3));
        ys.push_back(y);
        xs.push_back(0.9 * y + scale * 0.002 * std::cos(t * 1.3));
    }
    auto fresh = [&](size_t begin, size_t end) {
        PairMoments p;
        for (size_t i = begin; i < end; ++i) p.add(xs[i], ys[i]);
        return p;
    };
    PairMoments window;
    int recomputations = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        window.add(xs[i], ys[i]);
        if (i >= 60 && !window.remove(xs[i - 60], ys[i - 60])) {
            ++recomputations;
            window = fresh(i - 59, i + 1);
        }
        if (i < 59) continue;
        const PairMoments f = fresh(i - 59, i + 1);
        ASSERT_NEAR(*beta(window), *beta(f), 1e-9 * std::fabs(*beta(f))) << "row " << i;
        ASSERT_NEAR(*correlation(window), *correlation(f), 1e-9 * std::fabs(*correlation(f)))
            << "row " << i;
        ASSERT_NEAR(*tracking_error(window, 1), *tracking_error(f, 1), 1e-9 * *tracking_error(f, 1))
            << "row " << i;
    }
    EXPECT_GT(recomputations, 0);
    EXPECT_LT(recomputations, 30);
}

// rollup over a moving window: unmerge() takes a stored summary back out exactly, so a rolling
// combination of daily summaries equals the summary of the raw rows of the days in the window.
TEST(ReturnSummary, UnmergeInvertsMerge) {
    const auto xs = synthetic(700);
    std::vector<ReturnSummary> days(70);
    for (size_t i = 0; i < xs.size(); ++i) days[i / 10].add(xs[i]);
    ReturnSummary window;
    for (size_t d = 0; d < days.size(); ++d) {
        window.merge(days[d]);
        if (d >= 7 && !window.unmerge(days[d - 7])) {
            window = ReturnSummary{};
            for (size_t k = d - 6; k <= d; ++k) window.merge(days[k]);
        }
        if (d < 6) continue;
        ReturnSummary fresh;
        for (size_t i = (d - 6) * 10; i < (d + 1) * 10; ++i) fresh.add(xs[i]);
        ASSERT_EQ(window.moments.n, 70);
        ASSERT_NEAR(window.moments.m2, fresh.moments.m2, 1e-12 * fresh.moments.m2);
        ASSERT_NEAR(window.moments.m4, fresh.moments.m4, 1e-11 * fresh.moments.m4);
        ASSERT_NEAR(*skewness(window.moments), *skewness(fresh.moments), 1e-11);
        ASSERT_NEAR(*twr(window), *twr(fresh), 1e-13);
    }
    ReturnSummary all = days[0];
    EXPECT_TRUE(all.unmerge(days[0]));  // everything out: exactly empty
    EXPECT_EQ(all.moments.n, 0);
    EXPECT_EQ(all.moments.m2, 0.0);
}
