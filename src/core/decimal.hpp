// Exact fixed-point decimal for money and quantities: a signed 128-bit integer counting units of
// 10^-12. Addition and subtraction are exact; multiplication and division compute the exact
// 256-bit intermediate and round ONCE to 12 decimals, half away from zero (as PostgreSQL's round()
// does). Magnitudes are limited to |x| < 10^24 so every intermediate fits; anything larger is a
// NumericOutOfRange error (SQLSTATE 22003), never a wrapped value. No double anywhere.
//
// Storage is two 64-bit words rather than __int128 so that a Decimal inside a palloc'd (8-byte
// aligned) state is never a misaligned 16-byte access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/byte_codec.hpp"

namespace pgp::core {

class Decimal {
  public:
    using Raw = __int128;
    static constexpr int kFractionDigits = 12;
    static constexpr int kMaxIntegerDigits = 24;

    constexpr Decimal() noexcept = default;
    static Decimal from_raw(Raw raw);  // checks the magnitude limit
    static Decimal from_int(int64_t units) { return from_raw(static_cast<Raw>(units) * scale()); }
    // Decimal text as numeric_out writes it ("-12.50"); more than 12 fractional digits are rounded
    // half away from zero; NaN, infinities, exponents and garbage are errors.
    static Decimal parse(std::string_view text);

    Raw raw() const noexcept {
        return static_cast<Raw>((static_cast<unsigned __int128>(static_cast<uint64_t>(hi_)) << 64) |
                                lo_);
    }
    // Shortest exact text: no exponent, no trailing fractional zeros ("1750", "-0.5").
    std::string to_string() const;
    // The same into a caller's buffer (for glue, which must not hold a std::string across
    // PostgreSQL).
    void to_chars(char* out, size_t size) const;

    // From the base-10000 digits PostgreSQL stores a numeric as: sign x the sum of digits[i] x
    // 10000^(weight - i), each digit a native-order int16 (any alignment). False, and *out
    // untouched, when the value is not exactly a Decimal (a digit below 10^-12, |x| >= 10^24, a
    // digit outside 0..9999): the caller then takes the exact text path, which rounds or refuses.
    static bool from_base10000(bool negative, int weight, const uint8_t* digits, int count,
                               Decimal* out) noexcept;
    // The shortest mantissa x 10^-scale equal to this value (scale 0..12, no trailing fractional
    // zero: the digits to_string() writes); false when the mantissa needs more than 63 bits.
    bool to_scaled_int64(int64_t* mantissa, int* scale) const noexcept;

    bool is_zero() const noexcept { return lo_ == 0 && hi_ == 0; }
    bool is_negative() const noexcept { return hi_ < 0; }
    int sign() const noexcept { return is_negative() ? -1 : (is_zero() ? 0 : 1); }

    friend Decimal operator+(Decimal a, Decimal b) { return from_raw(a.raw() + b.raw()); }
    friend Decimal operator-(Decimal a, Decimal b) { return from_raw(a.raw() - b.raw()); }
    friend Decimal operator-(Decimal a) { return from_raw(-a.raw()); }
    Decimal& operator+=(Decimal b) { return *this = *this + b; }
    Decimal& operator-=(Decimal b) { return *this = *this - b; }
    friend Decimal operator*(Decimal a, Decimal b) { return multiply(a, b); }
    friend bool operator==(Decimal a, Decimal b) noexcept {
        return a.lo_ == b.lo_ && a.hi_ == b.hi_;
    }
    friend bool operator!=(Decimal a, Decimal b) noexcept { return !(a == b); }
    friend bool operator<(Decimal a, Decimal b) noexcept { return a.raw() < b.raw(); }
    friend bool operator>(Decimal a, Decimal b) noexcept { return b < a; }
    friend bool operator<=(Decimal a, Decimal b) noexcept { return !(b < a); }
    friend bool operator>=(Decimal a, Decimal b) noexcept { return !(a < b); }

    // a * b rounded half away from zero to 12 decimals: equal to mul_div(a, b, one()), with a
    // 128-bit fast path when both magnitudes are below 2^64 raw units (|x| < 1.8e7), the case of
    // nearly every quantity, price and FX rate (the valuation kernel multiplies per holding-day).
    static Decimal multiply(Decimal a, Decimal b);
    // a / b rounded half away from zero to 12 decimals; b = 0 is an InvalidParameter error.
    static Decimal divide(Decimal a, Decimal b) { return mul_div(a, one(), b); }
    // a * b / c with a single rounding (the cost share of a partly sold lot).
    static Decimal mul_div(Decimal a, Decimal b, Decimal c);
    // Compares a*b with c*d exactly (unit costs without dividing).
    static int compare_products(Decimal a, Decimal b, Decimal c, Decimal d) noexcept;

    static constexpr Raw scale() noexcept { return 1'000'000'000'000; }
    static Decimal one() noexcept { return Decimal(0, scale()); }

    static constexpr size_t kEncodedSize = 16;
    void encode(ByteWriter& out) const {
        out.u64(lo_);
        out.i64(hi_);
    }
    static Decimal decode(ByteReader& in);

  private:
    constexpr Decimal(int, Raw raw) noexcept
        : lo_(static_cast<uint64_t>(static_cast<unsigned __int128>(raw))),
          hi_(static_cast<int64_t>(raw >> 64)) {}
    uint64_t lo_ = 0;
    int64_t hi_ = 0;
};

}  // namespace pgp::core
