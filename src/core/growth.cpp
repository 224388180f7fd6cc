#include "core/growth.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/format.hpp"
#include "core/state_codec.hpp"

namespace pgp::core {

void check_simple_return(double r) {
    if (!std::isfinite(r))
        fail(ErrorCode::DataException, "return must be a finite number, got " + show(r));
    if (r < -1.0)
        fail(ErrorCode::DataException,
             "simple return " + show(r) + " is below -1 (a loss of more than 100 %)");
}

void GrowthState::add(double r) {
    check_simple_return(r);
    add_plausible(r);
}

void GrowthState::remove(double r) {
    check_simple_return(r);
    if (n <= 0) fail(ErrorCode::Internal, "removing a return from an empty growth state");
    --n;
    if (r == -1.0)
        --total_losses;
    else
        log_growth.subtract(std::log1p(r));
}

void GrowthState::merge(const GrowthState& other) noexcept {
    n += other.n;
    total_losses += other.total_losses;
    log_growth.merge(other.log_growth);
}

double GrowthState::growth_factor() const noexcept {
    if (total_losses > 0) return 0.0;
    return std::exp(log_growth.value());
}

double GrowthState::compounded_return() const noexcept {
    if (total_losses > 0) return -1.0;
    return std::expm1(log_growth.value());
}

void GrowthState::encode(ByteWriter& out) const { encode_fields(*this, out); }

GrowthState GrowthState::decode(ByteReader& in) {
    const GrowthState s = decode_fields<GrowthState>(in, "growth state");
    check_part_count(s.n, s.total_losses, "growth state");
    return s;
}

}  // namespace pgp::core
