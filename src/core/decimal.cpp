#include "core/decimal.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace pgp::core {

namespace {

using U128 = unsigned __int128;

constexpr U128 pow10(int n) {
    U128 v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}
// |raw| < 10^36, i.e. |value| < 10^24: keeps every remainder of the long division below 2^121.
constexpr U128 kMaxMagnitude = pow10(Decimal::kFractionDigits + Decimal::kMaxIntegerDigits);

U128 magnitude(Decimal::Raw r) noexcept {
    return r < 0 ? static_cast<U128>(-r) : static_cast<U128>(r);
}

struct U256 {
    U128 hi = 0;
    U128 lo = 0;
};

U256 wide_multiply(U128 a, U128 b) noexcept {
    const U128 mask = ~static_cast<uint64_t>(0);
    const U128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
    const U128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const U128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
    U256 r;
    r.lo = (mid << 64) | (p00 & mask);
    r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    return r;
}

int compare(const U256& a, const U256& b) noexcept {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

[[noreturn]] void out_of_range() {
    fail(ErrorCode::NumericOutOfRange,
         "value out of range for an exact position amount (at most 24 integer digits)");
}

}  // namespace

Decimal Decimal::from_raw(Raw raw) {
    if (magnitude(raw) >= kMaxMagnitude) out_of_range();
    return Decimal(0, raw);
}

bool Decimal::from_base10000(bool negative, int weight, const uint8_t* digits, int count,
                             Decimal* out) noexcept {
    if (count == 0) {
        *out = Decimal();
        return true;
    }
    // the last digit is worth 10000^(weight - count + 1), at least 10^-12 (three base-10000
    // places); the first at most 10000^5, so the value is below 10^24 and every digit fits
    const int last_power = weight - (count - 1);
    if (weight > 5 || last_power < -3) return false;
    U128 units = 0;
    for (int i = 0; i < count; ++i) {
        int16_t digit;
        std::memcpy(&digit, digits + 2 * i, sizeof digit);
        if (digit < 0 || digit > 9999) return false;
        units = units * 10000 + static_cast<U128>(digit);
    }
    for (int p = -3; p < last_power; ++p) units *= 10000;  // to units of 10^-12 (10000^-3)
    if (units >= kMaxMagnitude) return false;
    *out = Decimal(0, negative ? -static_cast<Raw>(units) : static_cast<Raw>(units));
    return true;
}

bool Decimal::to_scaled_int64(int64_t* mantissa, int* scale) const noexcept {
    constexpr Raw kMax64 = INT64_MAX;
    Raw r = raw();
    int s = kFractionDigits;
    // six digits at a time while the value is wider than 64 bits (one 128-bit division each)
    while (s >= 6 && (r > kMax64 || r < -kMax64) && r % 1'000'000 == 0) {
        r /= 1'000'000;
        s -= 6;
    }
    if (r > kMax64 || r < -kMax64) return false;
    int64_t m = static_cast<int64_t>(r);
    if (m == 0) s = 0;
    while (s > 0 && m % 10 == 0) {
        m /= 10;
        --s;
    }
    *mantissa = m;
    *scale = s;
    return true;
}

Decimal Decimal::mul_div(Decimal a, Decimal b, Decimal c) {
    if (c.is_zero()) fail(ErrorCode::InvalidParameter, "division by zero in a position amount");
    const bool negative = (a.sign() * b.sign() * c.sign()) < 0;
    const U256 n = wide_multiply(magnitude(a.raw()), magnitude(b.raw()));
    const U128 d = magnitude(c.raw());  // < 2^120
    // Restoring long division, one bit at a time: 256 steps, exact quotient and remainder.
    U128 q_hi = 0, q_lo = 0, r = 0;
    for (int bit = 255; bit >= 0; --bit) {
        const U128 word = bit >= 128 ? n.hi : n.lo;
        r = (r << 1) | ((word >> (bit & 127)) & 1);
        if (r >= d) {
            r -= d;
            if (bit >= 128)
                q_hi |= static_cast<U128>(1) << (bit - 128);
            else
                q_lo |= static_cast<U128>(1) << bit;
        }
    }
    if (q_hi != 0) out_of_range();
    if (r >= d - r) ++q_lo;  // 2r >= d: half away from zero
    if (q_lo >= kMaxMagnitude) out_of_range();
    const Raw q = static_cast<Raw>(q_lo);
    return Decimal(0, negative ? -q : q);
}

Decimal Decimal::multiply(Decimal a, Decimal b) {
    const U128 ma = magnitude(a.raw()), mb = magnitude(b.raw());
    if ((ma >> 64) != 0 || (mb >> 64) != 0) return mul_div(a, b, one());
    const U128 product = ma * mb;  // < 2^128: both factors < 2^64
    const U128 d = static_cast<U128>(scale());
    U128 q = product / d;
    const U128 r = product % d;
    if (r >= d - r) ++q;  // 2r >= d: half away from zero, as mul_div
    if (q >= kMaxMagnitude) out_of_range();
    const Raw raw = static_cast<Raw>(q);
    return Decimal(0, (a.sign() * b.sign()) < 0 ? -raw : raw);
}

int Decimal::compare_products(Decimal a, Decimal b, Decimal c, Decimal d) noexcept {
    const int s1 = a.sign() * b.sign(), s2 = c.sign() * d.sign();
    if (s1 != s2) return s1 < s2 ? -1 : 1;
    if (s1 == 0) return 0;
    const int m = compare(wide_multiply(magnitude(a.raw()), magnitude(b.raw())),
                          wide_multiply(magnitude(c.raw()), magnitude(d.raw())));
    return s1 > 0 ? m : -m;
}

Decimal Decimal::parse(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    U128 integer = 0, fraction = 0;
    int integer_digits = 0, fraction_digits = 0;
    bool any_digit = false, round_up = false, seen_point = false;
    for (; i < text.size(); ++i) {
        const char ch = text[i];
        if (ch == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (ch < '0' || ch > '9') break;
        any_digit = true;
        const int digit = ch - '0';
        if (!seen_point) {
            if (integer == 0 && digit == 0) continue;  // leading zeros
            if (++integer_digits > kMaxIntegerDigits) out_of_range();
            integer = integer * 10 + digit;
        } else if (fraction_digits < kFractionDigits) {
            fraction = fraction * 10 + digit;
            ++fraction_digits;
        } else if (fraction_digits == kFractionDigits) {
            round_up = digit >= 5;  // the first dropped digit decides (half away from zero)
            ++fraction_digits;
        }
    }
    while (i < text.size() && text[i] == ' ') ++i;
    if (!any_digit || i != text.size())
        fail(ErrorCode::DataException,
             "\"" + std::string(text.substr(0, 64)) + "\" is not a finite decimal number");
    for (int k = std::min(fraction_digits, kFractionDigits); k < kFractionDigits; ++k)
        fraction *= 10;
    U128 m = integer * static_cast<U128>(scale()) + fraction + (round_up ? 1 : 0);
    if (m >= kMaxMagnitude) out_of_range();
    const Raw r = static_cast<Raw>(m);
    return Decimal(0, negative ? -r : r);
}

void Decimal::to_chars(char* out, size_t size) const {
    char buffer[64];
    char* p = buffer + sizeof buffer;
    *--p = '\0';
    U128 m = magnitude(raw());
    U128 fraction = m % static_cast<U128>(scale());
    U128 integer = m / static_cast<U128>(scale());
    if (fraction != 0) {
        int digits = kFractionDigits;
        while (fraction % 10 == 0) {
            fraction /= 10;
            --digits;
        }
        for (int k = 0; k < digits; ++k) {
            *--p = static_cast<char>('0' + static_cast<int>(fraction % 10));
            fraction /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = static_cast<char>('0' + static_cast<int>(integer % 10));
        integer /= 10;
    } while (integer != 0);
    if (is_negative()) *--p = '-';
    const size_t length = std::strlen(p);
    if (length + 1 > size) fail(ErrorCode::Internal, "decimal text buffer too small");
    std::memcpy(out, p, length + 1);
}

std::string Decimal::to_string() const {
    char buffer[64];
    to_chars(buffer, sizeof buffer);
    return buffer;
}

Decimal Decimal::decode(ByteReader& in) {
    const uint64_t lo = in.u64();
    const int64_t hi = in.i64();
    const Raw raw = static_cast<Raw>((static_cast<U128>(static_cast<uint64_t>(hi)) << 64) | lo);
    if (magnitude(raw) >= kMaxMagnitude)
        fail(ErrorCode::CorruptState, "stored position amount out of range");
    return Decimal(0, raw);
}

}  // namespace pgp::core
