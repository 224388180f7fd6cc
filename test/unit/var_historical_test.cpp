// Exact historical VaR/CVaR and the approximate sketch, against numpy (np.quantile, type 7).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/var_historical.hpp"
#include "core/quantile_sketch.hpp"
#include "fixture_column.hpp"

using namespace pgp::core;

namespace {
const std::vector<double> kSample = {0.03,  -0.02,  0.015, -0.041, 0.007, -0.013,
                                     0.022, -0.005, 0.0,   -0.027, 0.011};

// The first `months` returns of EDHEC's Convertible Arbitrage index.
std::vector<double> edhec_convertible_arbitrage(size_t months) {
    std::vector<double> out = pgp::test::fixture_column("edhec.csv", 1);
    out.resize(std::min(out.size(), months));
    return out;
}

void expect_relative(double actual, double expected, double tolerance) {
    EXPECT_LE(std::fabs(actual - expected), tolerance * std::fabs(expected))
        << "actual " << actual << " expected " << expected;
}
}  // namespace

TEST(HistoricalTail, MatchesNumpyType7) {
    // np.quantile(x, 1 - c) and -x[x < q].mean()
    struct Case {
        double confidence, var, cvar;
    };
    for (const Case& c :
         {Case{0.95, 0.033999999999999996, 0.041}, Case{0.9, 0.027000000000000003, 0.041},
          Case{0.5, 0.0, 0.0212}, Case{0.99, 0.0396, 0.041}}) {
        std::vector<double> v = kSample;
        const HistoricalTail t = historical_tail(v.data(), v.size(), c.confidence);
        EXPECT_NEAR(t.var, c.var, 1e-15) << c.confidence;
        EXPECT_NEAR(t.cvar, c.cvar, 1e-15) << c.confidence;
    }
}

TEST(HistoricalTail, PerformanceAnalyticsEdhec) {
    std::vector<double> r = edhec_convertible_arbitrage(100);
    ASSERT_EQ(r.size(), 100u);
    const HistoricalTail t = historical_tail(r.data(), r.size(), 0.95);
    EXPECT_NEAR(t.var, 0.014095, 5e-7);   // PerformanceAnalytics VaR(method = "historical")
    EXPECT_NEAR(t.cvar, 0.024080, 5e-7);  // PerformanceAnalytics ES(method = "historical")
}

TEST(HistoricalTail, SingleValueAndTies) {
    std::vector<double> one = {-0.02};
    const HistoricalTail t = historical_tail(one.data(), 1, 0.95);
    EXPECT_EQ(t.var, 0.02);
    EXPECT_EQ(t.cvar, 0.02);  // nothing strictly below: the VaR itself
    std::vector<double> ties = {-0.01, -0.01, -0.01, 0.02};
    const HistoricalTail u = historical_tail(ties.data(), ties.size(), 0.9);
    EXPECT_EQ(u.var, 0.01);
    EXPECT_EQ(u.cvar, 0.01);
}

TEST(HistoricalTail, RejectsBadConfidence) {
    std::vector<double> v = kSample;
    for (double c : {0.0, 1.0, 1.5, -0.1, std::nan("")}) {
        try {
            historical_tail(v.data(), v.size(), c);
            FAIL() << c;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::InvalidParameter);
        }
    }
}

TEST(Quantile, AgreesWithSortedInterpolationOnRandomData) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.0, 0.02);
    std::vector<double> v(10001);
    for (double& x : v) x = normal(rng);
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (double p : {0.0, 0.01, 0.05, 0.123456, 0.5, 0.99, 1.0}) {
        std::vector<double> work = v;
        const double h = p * (sorted.size() - 1);
        const size_t lo = static_cast<size_t>(std::floor(h));
        const double expected = lo + 1 < sorted.size()
                                    ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo])
                                    : sorted[lo];
        EXPECT_EQ(type7_quantile(work.data(), work.size(), p), expected) << p;
    }
}

// From 65,536 values the selection brackets the ranks with a sorted sample (var_historical.cpp).
// The answer must not depend on the sample: compare with a full sort, bit for bit, on inputs that
// make the bracket hit, miss (sorted and reversed input, a sample drawn from one end) or sit on
// ties.
TEST(Quantile, SampledSelectionIsExactOnLargeInputs) {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal(0.0003, 0.015);
    std::uniform_int_distribution<int> ticks(-40, 40);
    const size_t n = 300007;
    std::vector<std::pair<const char*, std::vector<double>>> inputs;
    std::vector<double> v(n);
    for (double& x : v) x = normal(rng);
    inputs.emplace_back("normal", v);
    std::vector<double> ascending = v;
    std::sort(ascending.begin(), ascending.end());
    inputs.emplace_back("ascending", ascending);
    inputs.emplace_back("descending", std::vector<double>(ascending.rbegin(), ascending.rend()));
    for (double& x : v) x = ticks(rng) * 0.0025;  // 81 distinct values: ties at every rank
    inputs.emplace_back("ties", v);
    inputs.emplace_back("constant", std::vector<double>(n, -0.01));
    std::vector<double> outlier_tail(n, 0.001);
    for (size_t i = 0; i < n; i += 97) outlier_tail[i] = -0.5 + i * 1e-9;  // ~1 % far below
    inputs.emplace_back("outlier tail", outlier_tail);

    for (const auto& [name, input] : inputs) {
        std::vector<double> sorted = input;
        std::sort(sorted.begin(), sorted.end());
        for (double p : {0.0, 1e-6, 0.001, 0.01, 0.05, 0.5, 0.95, 0.999999, 1.0}) {
            std::vector<double> work = input;
            const double h = p * (n - 1);
            const size_t lo = static_cast<size_t>(std::floor(h));
            const double expected =
                lo + 1 < n ? sorted[lo] + (h - std::floor(h)) * (sorted[lo + 1] - sorted[lo])
                           : sorted[lo];
            EXPECT_EQ(type7_quantile(work.data(), n, p), expected) << name << " p=" << p;
            std::sort(work.begin(), work.end());
            EXPECT_EQ(work, sorted) << name << ": the multiset must be unchanged";
        }
        // CVaR: the mean of the values strictly below the quantile, summed over the whole array
        std::vector<double> work = input;
        const HistoricalTail t = historical_tail(work.data(), n, 0.95);
        const double q = -t.var;
        double sum = 0;
        size_t count = 0;
        for (double x : sorted)
            if (x < q) sum += x, ++count;
        expect_relative(t.cvar, count == 0 ? t.var : -sum / count, 1e-12);
    }
}

TEST(Capacity, StopsBeforeTheAllocationLimit) {
    EXPECT_EQ(grow_capacity(0, 1, 32, 8, "t"), 64u);
    EXPECT_EQ(grow_capacity(64, 65, 32, 8, "t"), 128u);
    const size_t limit = max_elements(32, 8);
    EXPECT_EQ(limit, (0x3fffffffu - 32) / 8);
    EXPECT_EQ(grow_capacity(limit - 10, limit, 32, 8, "t"), limit);
    EXPECT_LE(32 + 8 * grow_capacity(limit / 2 + 1, limit / 2 + 2, 32, 8, "t"), kMaxAllocBytes);
    try {
        grow_capacity(limit, limit + 1, 32, 8, "var_historical");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::ProgramLimitExceeded);
        EXPECT_NE(std::string(e.what()).find("1 GB"), std::string::npos);
    }
}

TEST(Sketch, EveryRankWithinRelativeAccuracy) {
    std::mt19937_64 rng(11);
    std::student_t_distribution<double> fat(3.0);
    std::vector<double> v(20000);
    auto sketch = std::make_unique<QuantileSketch>();
    for (double& x : v) {
        x = 0.01 * fat(rng);
        sketch->add(x);
    }
    std::sort(v.begin(), v.end());
    for (size_t k = 0; k < v.size(); k += 97) {
        const double estimate = sketch->value_at_rank(k);
        EXPECT_LE(std::fabs(estimate - v[k]), QuantileSketch::kRelativeAccuracy * std::fabs(v[k]) +
                                                  QuantileSketch::kMinMagnitude)
            << k;
    }
}

TEST(Sketch, EdhecVarWithinBoundAndMergeIsExact) {
    std::vector<double> r = edhec_convertible_arbitrage(100);
    auto all = std::make_unique<QuantileSketch>();
    auto left = std::make_unique<QuantileSketch>();
    auto right = std::make_unique<QuantileSketch>();
    for (size_t i = 0; i < r.size(); ++i) {
        all->add(r[i]);
        (i % 3 == 0 ? left : right)->add(r[i]);
    }
    left->merge(*right);
    EXPECT_EQ(left->var(0.95), all->var(0.95));
    EXPECT_EQ(left->cvar(0.95), all->cvar(0.95));
    // the two order statistics bracketing the 5 % quantile are both negative: the bound is relative
    expect_relative(all->var(0.95), 0.014095, QuantileSketch::kRelativeAccuracy);
    expect_relative(all->cvar(0.95), 0.024080, QuantileSketch::kRelativeAccuracy);
}

TEST(Sketch, SerializationRoundTripsAndRejectsCorruption) {
    auto s = std::make_unique<QuantileSketch>();
    s->confidence = 0.99;
    for (double x : kSample) s->add(x);
    std::vector<uint8_t> bytes(s->encoded_size());
    ByteWriter w(bytes.data(), bytes.size());
    s->encode(w);
    EXPECT_EQ(w.written(), bytes.size());
    auto back = std::make_unique<QuantileSketch>();
    ByteReader r(bytes.data(), bytes.size());
    QuantileSketch::decode(r, *back);
    EXPECT_EQ(back->count, s->count);
    EXPECT_EQ(back->var(0.99), s->var(0.99));
    bytes[0] = 9;
    ByteReader bad(bytes.data(), bytes.size());
    auto junk = std::make_unique<QuantileSketch>();
    EXPECT_THROW(QuantileSketch::decode(bad, *junk), Error);
}

// Found by test/suites/fuzz.sh (a backend crash on a binary COPY): a bucket run whose first bucket
// and length are both huge overflowed first + run past the range check, and counts that wrap
// around to the stored total passed the sum check.
TEST(Sketch, DecodeRefusesOverflowingRunsAndCounts) {
    auto encode = [](std::initializer_list<uint64_t> words) {
        std::vector<uint8_t> bytes(1 + 8 * words.size());
        ByteWriter w(bytes.data(), bytes.size());
        w.u8(QuantileSketch::kFormatVersion);
        for (uint64_t x : words) w.u64(x);
        return bytes;
    };
    auto decodes = [](const std::vector<uint8_t>& bytes) {
        auto out = std::make_unique<QuantileSketch>();
        ByteReader r(bytes.data(), bytes.size());
        QuantileSketch::decode(r, *out);
        r.expect_end("quantile sketch");
    };
    const uint64_t huge = uint64_t{0x3ECCE8C500000000};
    // confidence 0, count 1, zero 1, negative run (first huge, length huge), positive run empty
    EXPECT_THROW(decodes(encode({0, 1, 1, huge, UINT64_MAX / 2 - huge + 100, 0, 0})), Error);
    // count 1 from 0 zeros + 2^64 - 1 negatives + 2 positives (wraps around to 1)
    EXPECT_THROW(decodes(encode({0, 1, 0, 10, 1, UINT64_MAX, 20, 1, 2})), Error);
    EXPECT_NO_THROW(decodes(encode({0, 3, 0, 10, 1, 1, 20, 1, 2})));
}

TEST(Sketch, RejectsValuesOutOfRange) {
    auto s = std::make_unique<QuantileSketch>();
    EXPECT_THROW(s->add(1e12), Error);
    EXPECT_THROW(s->add(std::nan("")), Error);
    s->add(1e-12);  // counts as zero
    EXPECT_EQ(s->zero_count, 1u);
}

TEST(Sketch, TextFormRoundTripsExactly) {
    auto s = std::make_unique<QuantileSketch>();
    for (double x : kSample) s->add(x);
    std::vector<char> text(QuantileSketch::max_text_size());
    const size_t length = s->write_text(text.data(), text.size());
    EXPECT_EQ(std::string(text.data()).size(), length);
    EXPECT_EQ(std::string(text.data()).rfind("n=11;zero=1;neg=", 0), 0u);
    auto back = std::make_unique<QuantileSketch>();
    QuantileSketch::read_text(text.data(), *back);
    EXPECT_EQ(back->count, s->count);
    for (int b = 0; b < QuantileSketch::kBuckets; ++b) {
        EXPECT_EQ(back->negative[b], s->negative[b]);
        EXPECT_EQ(back->positive[b], s->positive[b]);
    }
    auto junk = std::make_unique<QuantileSketch>();
    EXPECT_THROW(QuantileSketch::read_text("n=1;zero=0;neg=;pos=1:1,", *junk), Error);
    auto big = std::make_unique<QuantileSketch>();
    EXPECT_THROW(QuantileSketch::read_text("n=99999999999999999999999;zero=0;neg=;pos=", *big),
                 Error);
}
