// The stored form of the aggregate states made of a few fields (GrowthState, SortinoState,
// MomentAggState, PpyAggState): the version byte, then each field in the order the state's
// fields() lists them. One list serves both directions, so encode and decode cannot come to
// disagree on the order (as core/moments_codec.hpp for the moments). A field is an int64_t or a
// type with its own encode(ByteWriter&) and static decode(ByteReader&).
//
// A state lists its fields as
//     template <class Self, class Visit>
//     static void fields(Self& s, Visit&& visit) { visit(s.n, s.sum, ...); }
// (Self is the state, const when encoding); the fields are read and written left to right.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>

#include "core/byte_codec.hpp"
#include "core/error.hpp"

namespace pgp::core {

template <class State>
void encode_fields(const State& s, ByteWriter& out) {
    out.u8(State::kFormatVersion);
    const auto write = [&](const auto& field) {
        if constexpr (std::is_same_v<std::decay_t<decltype(field)>, int64_t>)
            out.i64(field);
        else
            field.encode(out);
    };
    State::fields(s, [&](const auto&... fields) { (write(fields), ...); });
}

// The fields as stored, unchecked: the caller checks what must hold between them.
template <class State>
State decode_fields(ByteReader& in, const char* what) {
    in.expect_version(State::kFormatVersion, what);
    State s;
    const auto read = [&](auto& field) {
        using Field = std::decay_t<decltype(field)>;
        if constexpr (std::is_same_v<Field, int64_t>)
            field = in.i64();
        else
            field = Field::decode(in);
    };
    State::fields(s, [&](auto&... fields) { (read(fields), ...); });
    return s;
}

// A count of some of a state's n rows (total losses, rows below the target) lies in 0..n.
inline void check_part_count(int64_t n, int64_t part, const char* what) {
    if (n < 0 || part < 0 || part > n)
        fail(ErrorCode::CorruptState, std::string(what) + " has inconsistent counts");
}

}  // namespace pgp::core
