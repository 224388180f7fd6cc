// Compounded growth of a return series: twr(r) = prod(1 + r) - 1.
//
// The product is kept as a compensated sum of log(1 + r) so that ten million daily returns neither
// overflow nor lose digits, and so that a row can be removed again (moving windows) by subtracting
// its logarithm. A return of exactly -100 % makes wealth zero; it is counted, not logged.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/byte_codec.hpp"
#include "core/compensated_sum.hpp"

namespace pgp::core {

struct GrowthState {
    int64_t n = 0;             // returns seen
    int64_t total_losses = 0;  // returns of exactly -1 (wealth wiped out)
    CompensatedSum log_growth;

    void add(double r);  // validates r (check_simple_return), then add_plausible
    // r already passed plausible_return(): the per-row hot path, no check, nothing thrown.
    void add_plausible(double r) noexcept {
        ++n;
        if (r == -1.0)
            ++total_losses;
        else
            log_growth.add(std::log1p(r));
    }
    void remove(double r);
    void merge(const GrowthState& other) noexcept;

    // prod(1 + r): 0 after a total loss, 1 for an empty series.
    double growth_factor() const noexcept;
    // prod(1 + r) - 1, computed with expm1 so small results keep their relative precision.
    double compounded_return() const noexcept;

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + 8 + 8 + 8 + 8;
    void encode(ByteWriter& out) const;
    static GrowthState decode(ByteReader& in);
    // The stored fields after the version byte, in order (core/state_codec.hpp).
    template <class Self, class Visit>
    static void fields(Self& s, Visit&& visit) {
        visit(s.n, s.total_losses, s.log_growth);
    }
};

// Validates one periodic simple return: finite and not below -100 %.
void check_simple_return(double r);
// The same test without the message (NaN fails too): glue calls check_simple_return() for the
// error only when this says no.
inline bool plausible_return(double r) noexcept { return r >= -1.0 && r <= 1.7976931348623157e308; }

}  // namespace pgp::core
