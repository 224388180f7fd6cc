// Exact fixed-point decimal: parsing, printing, exact sums, single-rounding products and quotients.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/error.hpp"
#include "error_code.hpp"
#include "decimal_of.hpp"

namespace core = pgp::core;
using pgp::test::code_of;
using pgp::test::d;

TEST(Decimal, ParsesAndPrintsShortestExactText) {
    EXPECT_EQ(d("1750.000").to_string(), "1750");
    EXPECT_EQ(d("-0.50").to_string(), "-0.5");
    EXPECT_EQ(d("0").to_string(), "0");
    EXPECT_EQ(d("-0").to_string(), "0");
    EXPECT_EQ(d("000123.456000").to_string(), "123.456");
    EXPECT_EQ(d("0.000000000001").to_string(), "0.000000000001");
    EXPECT_EQ(d("999999999999999999999999.999999999999").to_string(),
              "999999999999999999999999.999999999999");
    EXPECT_EQ(d(" 12 ").to_string(), "12");
}

TEST(Decimal, RoundsBeyondTwelveDigitsHalfAwayFromZero) {
    EXPECT_EQ(d("0.3333333333333333").to_string(), "0.333333333333");
    EXPECT_EQ(d("0.0000000000005").to_string(), "0.000000000001");
    EXPECT_EQ(d("-0.0000000000005").to_string(), "-0.000000000001");
    EXPECT_EQ(d("0.00000000000049999").to_string(), "0");
}

TEST(Decimal, SumsAreExactWhereBinaryFloatingPointIsNot) {
    core::Decimal sum;
    for (int i = 0; i < 10; ++i) sum += d("0.1");
    EXPECT_EQ(sum, d("1"));
    EXPECT_EQ((d("0.1") + d("0.2")).to_string(), "0.3");
}

TEST(Decimal, ProductsAndQuotients) {
    EXPECT_EQ((d("150") * d("110")).to_string(), "16500");
    EXPECT_EQ((d("1.5") * d("-2.25")).to_string(), "-3.375");
    EXPECT_EQ(core::Decimal::divide(d("41200"), d("400")).to_string(), "103");
    EXPECT_EQ(core::Decimal::divide(d("1"), d("3")).to_string(), "0.333333333333");
    EXPECT_EQ(core::Decimal::divide(d("2"), d("3")).to_string(), "0.666666666667");
    EXPECT_EQ(core::Decimal::divide(d("-2"), d("3")).to_string(), "-0.666666666667");
    // cost * sold / held with a single rounding: 100 * 1 / 3
    EXPECT_EQ(core::Decimal::mul_div(d("100"), d("1"), d("3")).to_string(), "33.333333333333");
    // large operands: the 256-bit intermediate does not overflow
    EXPECT_EQ((d("100000000000") * d("1000000000")).to_string(), "100000000000000000000");
    EXPECT_EQ(
        core::Decimal::mul_div(d("999999999999"), d("999999999999"), d("999999999999")).to_string(),
        "999999999999");
    EXPECT_EQ(core::Decimal::compare_products(d("10700"), d("200"), d("21000"), d("100")),
              1);  // 107 > 105
    EXPECT_EQ(core::Decimal::compare_products(d("2"), d("3"), d("3"), d("2")), 0);
}

TEST(Decimal, OutOfRangeAndGarbageAreErrors) {
    EXPECT_EQ(code_of([] { core::Decimal::parse("1000000000000000000000000"); }),
              core::ErrorCode::NumericOutOfRange);
    EXPECT_EQ(
        code_of([] {
            (void)(core::Decimal::parse("1000000000000") * core::Decimal::parse("1000000000000"));
        }),
        core::ErrorCode::NumericOutOfRange);
    EXPECT_EQ(
        code_of([] {
            (void)(core::Decimal::parse("999999999999999999999999") + core::Decimal::parse("1"));
        }),
        core::ErrorCode::NumericOutOfRange);
    EXPECT_EQ(code_of([] { core::Decimal::parse("NaN"); }), core::ErrorCode::DataException);
    EXPECT_EQ(code_of([] { core::Decimal::parse("1e5"); }), core::ErrorCode::DataException);
    EXPECT_EQ(code_of([] { core::Decimal::parse(""); }), core::ErrorCode::DataException);
    EXPECT_EQ(code_of([] { core::Decimal::divide(core::Decimal::parse("1"), core::Decimal()); }),
              core::ErrorCode::InvalidParameter);
}

// The 128-bit fast path of multiply() rounds exactly like the 256-bit long division, at and around
// its 2^64 boundary, for both signs and at exact halves.
TEST(Decimal, FastProductEqualsLongDivision) {
    uint64_t x = 0x9E3779B97F4A7C15ull;
    auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (int i = 0; i < 20000; ++i) {
        // 1 to 64 random bits, or (65) a little past 2^64: the slow path
        const int bits_a = 1 + static_cast<int>(next() % 65),
                  bits_b = 1 + static_cast<int>(next() % 64);
        core::Decimal::Raw ra =
            static_cast<core::Decimal::Raw>(next() >> (64 - std::min(bits_a, 64)));
        core::Decimal::Raw rb = static_cast<core::Decimal::Raw>(next() >> (64 - bits_b));
        if (bits_a > 64) ra = (ra << 2) | 3;
        if (next() & 1) ra = -ra;
        if (next() & 1) rb = -rb;
        const core::Decimal a = core::Decimal::from_raw(ra), b = core::Decimal::from_raw(rb);
        ASSERT_EQ(core::Decimal::multiply(a, b), core::Decimal::mul_div(a, b, core::Decimal::one()))
            << a.to_string() << " * " << b.to_string();
    }
    EXPECT_EQ(core::Decimal::multiply(d("0.000001"), d("0.0000005")).to_string(), "0.000000000001");
    EXPECT_EQ(core::Decimal::multiply(d("-0.000001"), d("0.0000005")).to_string(),
              "-0.000000000001");
    EXPECT_EQ(core::Decimal::multiply(d("0.000001"), d("0.0000004")).to_string(), "0");
    EXPECT_EQ((d("1234567.891") * d("1.33")).to_string(), "1641975.29503");
}

namespace {
// A numeric's stored digits (native int16s), as decimal_numeric.cpp hands them over.
std::vector<uint8_t> digit_bytes(std::initializer_list<int16_t> digits) {
    std::vector<uint8_t> bytes(digits.size() * sizeof(int16_t));
    size_t i = 0;
    for (int16_t digit : digits) std::memcpy(bytes.data() + sizeof(int16_t) * i++, &digit, 2);
    return bytes;
}
std::string from_digits(bool negative, int weight, std::initializer_list<int16_t> digits) {
    const std::vector<uint8_t> bytes = digit_bytes(digits);
    core::Decimal out = d("42");
    if (!core::Decimal::from_base10000(negative, weight, bytes.data(),
                                       static_cast<int>(digits.size()), &out))
        return out == d("42") ? "refused" : "refused, but wrote";
    return out.to_string();
}
// mantissa x 10^-scale as text, the way numeric_out prints int64_div_fast_to_numeric's result
std::string scaled_text(core::Decimal value) {
    int64_t m;
    int s;
    if (!value.to_scaled_int64(&m, &s)) return "wide";
    std::string digits = std::to_string(m < 0 ? -m : m);
    if (s > 0) {
        if (static_cast<int>(digits.size()) <= s)
            digits.insert(0, static_cast<size_t>(s - static_cast<int>(digits.size()) + 1), '0');
        digits.insert(digits.size() - static_cast<size_t>(s), ".");
    }
    return (m < 0 ? "-" : "") + digits;
}
}  // namespace

// numeric's base-10000 digits read exactly, and refused (text path) where a Decimal would round
// or overflow.
TEST(Decimal, FromBase10000Digits) {
    EXPECT_EQ(from_digits(false, 1, {1, 2345, 6789}), "12345.6789");
    EXPECT_EQ(from_digits(true, 0, {7, 5000}), "-7.5");
    EXPECT_EQ(from_digits(false, -1, {50}), "0.005");
    EXPECT_EQ(from_digits(false, 2, {3}), "300000000");  // trailing zero digits are not stored
    EXPECT_EQ(from_digits(false, -3, {1}), "0.000000000001");
    EXPECT_EQ(from_digits(false, 0, {}), "0");
    EXPECT_EQ(from_digits(false, 5, {9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999, 9999}),
              "999999999999999999999999.999999999999");
    EXPECT_EQ(from_digits(false, -4, {1000}), "refused");  // 10^-13: rounds, on the text path
    EXPECT_EQ(from_digits(false, 0, {1, 0, 0, 1}), "1.000000000001");
    EXPECT_EQ(from_digits(false, 0, {1, 0, 0, 0, 1}), "refused");
    EXPECT_EQ(from_digits(false, 6, {1}), "refused");  // 10^24
    EXPECT_EQ(from_digits(false, 0, {10000}), "refused");
    EXPECT_EQ(from_digits(false, 0, {-1}), "refused");
}

// The shortest mantissa and scale are the digits to_string() prints, for every magnitude that
// fits 63 bits; wider ones go to the text path.
TEST(Decimal, ScaledInt64IsTheShortestText) {
    EXPECT_EQ(scaled_text(d("1750.000")), "1750");
    EXPECT_EQ(scaled_text(d("-0.5")), "-0.5");
    EXPECT_EQ(scaled_text(d("0")), "0");
    EXPECT_EQ(scaled_text(d("0.000000000001")), "0.000000000001");
    EXPECT_EQ(scaled_text(d("9999999999.5")), "9999999999.5");
    EXPECT_EQ(scaled_text(d("12345678.123456789012")), "wide");
    EXPECT_EQ(scaled_text(d("999999999999999999999999")), "wide");
    uint64_t x = 0x2545F4914F6CDD1Dull;
    for (int i = 0; i < 20000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // up to 84 bits of raw units (64, times 10^6 for a third), some with trailing zeros
        core::Decimal::Raw raw = static_cast<core::Decimal::Raw>(x >> (x % 40));
        if (i % 3 == 0) raw *= 1000000;
        if (i % 2 == 0) raw = -raw;
        const core::Decimal v = core::Decimal::from_raw(raw);
        const std::string t = scaled_text(v);
        if (t != "wide") {
            ASSERT_EQ(t, v.to_string());
        }
    }
}
