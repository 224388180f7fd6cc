// Canonical forms of the stored types, for their equality and hash (the = and <> operators and the
// hash operator classes of return_summary, pair_summary and quantile_sketch).
//
// Two stored values are equal when their canonical encodings are byte for byte the same. The
// encoding alone is not enough, because different bytes can hold the same value:
//  - -0.0 and +0.0 (a mean of -0 typed in the text form): the same number as float8 compares,
//    so -0.0 becomes +0.0;
//  - NaN: a NaN has many bit patterns (sign, payload). Valid summaries hold none (inputs refuse
//    NaN), but a value read from bytes could; every NaN becomes the one quiet NaN, so NaN = NaN
//    as in float8's ordering (and hashes alike);
//  - the compensated log-growth sum of return_summary is a pair (sum, compensation) whose value
//    is sum + compensation: the pair is renormalised with an exact two-sum to (fl(s + c), the
//    rounding error), which is unique for a given exact value;
//  - a quantile sketch's confidence field is the aggregate's parameter, not part of the stored
//    value (accessors take the level as an argument; the text form leaves it out): it becomes 0.
// Positions are exact fixed point with a canonical encoding already (their input and receive
// functions re-encode), so their stored bytes are compared as they are.
//
// Every function here is noexcept and reports a value that does not decode by returning false;
// the glue then falls back to the raw bytes, so = and hash never raise an error that could tell
// anything about a value (they are LEAKPROOF).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/compensated_sum.hpp"
#include "core/return_summary.hpp"
#include "core/quantile_sketch.hpp"

namespace pgp::core {

double canonical_double(double v) noexcept;
// (fl(s + c), the exact rounding error of that sum), each canonical_double'd
CompensatedSum canonical_sum(CompensatedSum s) noexcept;

// Canonical encodings. false: `in` does not decode (out is then unspecified).
bool canonical_return_summary(const uint8_t* in, size_t size,
                              uint8_t (&out)[ReturnSummary::kEncodedSize]) noexcept;
bool canonical_pair_summary(const uint8_t* in, size_t size,
                            uint8_t (&out)[PairSummary::kEncodedSize]) noexcept;
// scratch: a sketch to decode into (32 KiB, the caller's memory). The canonical encoding is never
// longer than a valid input (it is the densest form), so out needs room for `size` bytes; written
// receives its length.
bool canonical_quantile_sketch(const uint8_t* in, size_t size, QuantileSketch& scratch,
                               uint8_t* out, size_t capacity, size_t& written) noexcept;

}  // namespace pgp::core
