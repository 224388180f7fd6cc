// Exact fixed-point decimal: parsing, printing, exact sums, single-rounding products and quotients.
#include <gtest/gtest.h>

#include "core/decimal.hpp"
#include "core/error.hpp"

using pgp::core::Decimal;
using pgp::core::Error;
using pgp::core::ErrorCode;

namespace {
Decimal d(const char* s) { return Decimal::parse(s); }
ErrorCode code_of(void (*fn)()) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::Internal;
}
}  // namespace

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
    Decimal sum;
    for (int i = 0; i < 10; ++i) sum += d("0.1");
    EXPECT_EQ(sum, d("1"));
    EXPECT_EQ((d("0.1") + d("0.2")).to_string(), "0.3");
}

TEST(Decimal, ProductsAndQuotients) {
    EXPECT_EQ((d("150") * d("110")).to_string(), "16500");
    EXPECT_EQ((d("1.5") * d("-2.25")).to_string(), "-3.375");
    EXPECT_EQ(Decimal::divide(d("41200"), d("400")).to_string(), "103");
    EXPECT_EQ(Decimal::divide(d("1"), d("3")).to_string(), "0.333333333333");
    EXPECT_EQ(Decimal::divide(d("2"), d("3")).to_string(), "0.666666666667");
    EXPECT_EQ(Decimal::divide(d("-2"), d("3")).to_string(), "-0.666666666667");
    // cost * sold / held with a single rounding: 100 * 1 / 3
    EXPECT_EQ(Decimal::mul_div(d("100"), d("1"), d("3")).to_string(), "33.333333333333");
    // large operands: the 256-bit intermediate does not overflow
    EXPECT_EQ((d("100000000000") * d("1000000000")).to_string(), "100000000000000000000");
    EXPECT_EQ(Decimal::mul_div(d("999999999999"), d("999999999999"), d("999999999999")).to_string(),
              "999999999999");
    EXPECT_EQ(Decimal::compare_products(d("10700"), d("200"), d("21000"), d("100")),
              1);  // 107 > 105
    EXPECT_EQ(Decimal::compare_products(d("2"), d("3"), d("3"), d("2")), 0);
}

TEST(Decimal, OutOfRangeAndGarbageAreErrors) {
    EXPECT_EQ(code_of([] { Decimal::parse("1000000000000000000000000"); }),
              ErrorCode::NumericOutOfRange);
    EXPECT_EQ(
        code_of([] { (void)(Decimal::parse("1000000000000") * Decimal::parse("1000000000000")); }),
        ErrorCode::NumericOutOfRange);
    EXPECT_EQ(
        code_of([] { (void)(Decimal::parse("999999999999999999999999") + Decimal::parse("1")); }),
        ErrorCode::NumericOutOfRange);
    EXPECT_EQ(code_of([] { Decimal::parse("NaN"); }), ErrorCode::DataException);
    EXPECT_EQ(code_of([] { Decimal::parse("1e5"); }), ErrorCode::DataException);
    EXPECT_EQ(code_of([] { Decimal::parse(""); }), ErrorCode::DataException);
    EXPECT_EQ(code_of([] { Decimal::divide(Decimal::parse("1"), Decimal()); }),
              ErrorCode::InvalidParameter);
}
