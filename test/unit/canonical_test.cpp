// Canonical forms behind = and hash of the stored types (core/canonical.hpp): the same value in
// different bytes compares equal, different values do not, and undecodable bytes say so.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "core/canonical.hpp"

using namespace pgp::core;

namespace {
std::vector<uint8_t> encode(const ReturnSummary& s) {
    std::vector<uint8_t> out(ReturnSummary::kEncodedSize);
    ByteWriter w(out.data(), out.size());
    s.encode(w);
    return out;
}
std::vector<uint8_t> canonical(const std::vector<uint8_t>& bytes) {
    uint8_t out[ReturnSummary::kEncodedSize];
    EXPECT_TRUE(canonical_return_summary(bytes.data(), bytes.size(), out));
    return std::vector<uint8_t>(out, out + sizeof out);
}
ReturnSummary summary_of(std::initializer_list<double> rs) {
    ReturnSummary s;
    for (double r : rs) s.add(r);
    return s;
}
uint64_t bits(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
}
}  // namespace

TEST(Canonical, DoublesFollowFloat8Equality) {
    EXPECT_EQ(bits(canonical_double(-0.0)), bits(0.0));
    EXPECT_EQ(bits(canonical_double(0.0)), bits(0.0));
    const double payload_nan = -std::nan("0x5");
    EXPECT_EQ(bits(canonical_double(payload_nan)), bits(std::numeric_limits<double>::quiet_NaN()));
    EXPECT_EQ(canonical_double(0.25), 0.25);
    EXPECT_EQ(canonical_double(-1e-300), -1e-300);
}

TEST(Canonical, CompensatedSumKeepsItsExactValue) {
    // the value 1 + 2^-60 as (1, 2^-60) or (2^-60, 1) is one canonical pair; 0.5 + 0.5 is (1, 0)
    const double tiny = std::ldexp(1.0, -60);
    const CompensatedSum a = canonical_sum({1.0, tiny});
    const CompensatedSum b = canonical_sum({0.5, 0.5});
    EXPECT_EQ(a.sum, 1.0);
    EXPECT_EQ(a.compensation, tiny);
    EXPECT_EQ(b.sum, 1.0);
    EXPECT_EQ(b.compensation, 0.0);
    const CompensatedSum c = canonical_sum({tiny, 1.0});  // the parts swapped: same value
    EXPECT_EQ(c.sum, 1.0);
    EXPECT_EQ(c.compensation, tiny);
    const CompensatedSum z = canonical_sum({-0.0, -0.0});
    EXPECT_EQ(bits(z.sum), bits(0.0));
    EXPECT_EQ(bits(z.compensation), bits(0.0));
}

TEST(Canonical, ReturnSummarySameValueSameBytes) {
    const ReturnSummary s = summary_of({0.01, -0.02, 0.03});
    ReturnSummary u = s;
    // the same exact value split differently
    u.growth.log_growth.sum = s.growth.log_growth.compensation;
    u.growth.log_growth.compensation = s.growth.log_growth.sum;
    EXPECT_EQ(canonical(encode(s)), canonical(encode(u)));
    // a different value: another series
    EXPECT_NE(canonical(encode(s)), canonical(encode(summary_of({0.01, -0.02, 0.031}))));

    ReturnSummary zero = summary_of({0.0});
    ReturnSummary negative_zero = zero;
    negative_zero.moments.mean = -0.0;
    negative_zero.moments.m3 = -0.0;
    EXPECT_NE(encode(zero), encode(negative_zero));                        // different bytes...
    EXPECT_EQ(canonical(encode(zero)), canonical(encode(negative_zero)));  // ...one value
}

TEST(Canonical, PairSummaryNegativeZero) {
    PairSummary a;
    a.add(0.0, 0.01);
    PairSummary b = a;
    b.moments.mean_x = -0.0;
    b.moments.c_xy = -0.0;
    uint8_t ea[PairSummary::kEncodedSize], eb[PairSummary::kEncodedSize];
    uint8_t ca[PairSummary::kEncodedSize], cb[PairSummary::kEncodedSize];
    ByteWriter wa(ea, sizeof ea), wb(eb, sizeof eb);
    a.encode(wa);
    b.encode(wb);
    EXPECT_NE(std::memcmp(ea, eb, sizeof ea), 0);
    ASSERT_TRUE(canonical_pair_summary(ea, sizeof ea, ca));
    ASSERT_TRUE(canonical_pair_summary(eb, sizeof eb, cb));
    EXPECT_EQ(std::memcmp(ca, cb, sizeof ca), 0);
}

TEST(Canonical, SketchIgnoresConfidence) {
    auto s = std::make_unique<QuantileSketch>();
    for (double x : {0.01, -0.02, 0.03, 0.0}) s->add(x);
    s->confidence = 0.95;
    auto t = std::make_unique<QuantileSketch>(*s);
    t->confidence = 0.99;
    std::vector<uint8_t> es(s->encoded_size()), et(t->encoded_size());
    ByteWriter ws(es.data(), es.size()), wt(et.data(), et.size());
    s->encode(ws);
    t->encode(wt);
    EXPECT_NE(es, et);
    auto scratch = std::make_unique<QuantileSketch>();
    std::vector<uint8_t> cs(es.size()), ct(et.size());
    size_t ns = 0, nt = 0;
    ASSERT_TRUE(
        canonical_quantile_sketch(es.data(), es.size(), *scratch, cs.data(), cs.size(), ns));
    ASSERT_TRUE(
        canonical_quantile_sketch(et.data(), et.size(), *scratch, ct.data(), ct.size(), nt));
    EXPECT_EQ(ns, es.size());
    EXPECT_EQ(cs, ct);
    t->add(0.5);  // a different value
    std::vector<uint8_t> e2(t->encoded_size()), c2(e2.size());
    ByteWriter w2(e2.data(), e2.size());
    t->encode(w2);
    size_t n2 = 0;
    ASSERT_TRUE(
        canonical_quantile_sketch(e2.data(), e2.size(), *scratch, c2.data(), c2.size(), n2));
    EXPECT_NE(std::vector<uint8_t>(c2.begin(), c2.begin() + n2), cs);
}

TEST(Canonical, UndecodableBytesAreReportedNotThrown) {
    std::vector<uint8_t> bytes = encode(summary_of({0.01}));
    bytes[0] = 9;  // unknown format version
    uint8_t out[ReturnSummary::kEncodedSize];
    EXPECT_FALSE(canonical_return_summary(bytes.data(), bytes.size(), out));
    EXPECT_FALSE(canonical_return_summary(bytes.data(), 3, out));  // truncated
    uint8_t pout[PairSummary::kEncodedSize];
    EXPECT_FALSE(canonical_pair_summary(bytes.data(), bytes.size(), pout));
    auto scratch = std::make_unique<QuantileSketch>();
    size_t n = 0;
    uint8_t sout[8];
    EXPECT_FALSE(canonical_quantile_sketch(bytes.data(), 2, *scratch, sout, sizeof sout, n));
}
