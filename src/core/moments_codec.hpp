// The stored form shared by Moments and PairMoments: the version byte, the count n, then the
// moments' doubles. One list of fields per type serves both directions, so encode and decode
// cannot come to disagree on the order; decoding checks the values (CorruptState) and rebuilds
// the moving-window bookkeeping, which is not stored.
#pragma once

#include <cstddef>

#include "core/byte_codec.hpp"

namespace pgp::core {

template <class State, std::size_t N>
void encode_moments(const State& s, double State::*const (&stored)[N], ByteWriter& out) {
    static_assert(State::kEncodedSize == 1 + 8 * (1 + N), "kEncodedSize: version, n, the fields");
    out.u8(State::kFormatVersion);
    out.i64(s.n);
    for (double State::*field : stored) out.f64(s.*field);
}

template <class State, std::size_t N>
State decode_moments(ByteReader& in, double State::*const (&stored)[N], const char* what) {
    in.expect_version(State::kFormatVersion, what);
    State s;
    s.n = in.i64();
    for (double State::*field : stored) s.*field = in.f64();
    s.check_consistent();
    s.reset_bookkeeping();
    return s;
}

}  // namespace pgp::core
