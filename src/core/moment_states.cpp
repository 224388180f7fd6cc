#include "core/moment_states.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/format.hpp"

namespace pgp::core {

void FixedParameter::accept(const std::optional<double>& v, void (*validate)(double),
                            const char* name) {
    if (repeats(v)) return;
    validate(*v);
    observe(*v, name);
}

void FixedParameter::observe(double v, const char* name) {
    if (!set) {
        value = v;
        set = true;
    } else if (v != value) {
        fail(ErrorCode::InvalidParameter, std::string(name) +
                                              " must be the same in every row of a group, got " +
                                              show(value) + " and " + show(v));
    }
}

void FixedParameter::merge(const FixedParameter& other, const char* name) {
    if (other.set) observe(other.value, name);
}

void FixedParameter::encode(ByteWriter& out) const {
    out.u8(set ? 1 : 0);
    out.f64(value);
}

FixedParameter FixedParameter::decode(ByteReader& in) {
    FixedParameter p;
    const uint8_t flag = in.u8();
    if (flag > 1) fail(ErrorCode::CorruptState, "corrupt parameter flag");
    p.set = flag == 1;
    p.value = in.f64();
    return p;
}

void MomentAggState::merge(const MomentAggState& other, const char* param_name) {
    param.merge(other.param, param_name);
    moments.merge(other.moments);
}

void MomentAggState::encode(ByteWriter& out) const { encode_fields(*this, out); }

MomentAggState MomentAggState::decode(ByteReader& in) {
    return decode_fields<MomentAggState>(in, "moment aggregate state");
}

void SortinoState::remove(double e) noexcept {
    if (n <= 1) {
        const FixedParameter keep = ppy;
        *this = SortinoState{};
        ppy = keep;
        return;
    }
    --n;
    excess.subtract(e);
    if (e < 0) {
        --n_down;
        if (n_down == 0)
            downside_squares = CompensatedSum{};  // exactly no downside, not a residue
        else
            downside_squares.subtract(e * e);
    }
}

void SortinoState::merge(const SortinoState& other) {
    ppy.merge(other.ppy, "periods per year");
    n += other.n;
    n_down += other.n_down;
    excess.merge(other.excess);
    downside_squares.merge(other.downside_squares);
}

void SortinoState::encode(ByteWriter& out) const { encode_fields(*this, out); }

SortinoState SortinoState::decode(ByteReader& in) {
    const SortinoState s = decode_fields<SortinoState>(in, "sortino state");
    check_part_count(s.n, s.n_down, "sortino state");
    return s;
}

std::optional<double> sortino(const SortinoState& s, double ppy) noexcept {
    if (s.n == 0 || s.n_down == 0) return std::nullopt;
    const double n = static_cast<double>(s.n);
    const double downside = s.downside_squares.value();
    if (!(downside > 0)) return std::nullopt;
    return (s.excess.value() / n) / std::sqrt(downside / n) * std::sqrt(ppy);
}

}  // namespace pgp::core
