// Exact historical quantiles, VaR and CVaR over every value of a series, and the memory rules of
// the states that hold those values.
//
// The quantile is R's type 7 (linear interpolation between order statistics), computed exactly as
// PostgreSQL's percentile_cont does: h = p (n - 1), q = x[floor h] + (h - floor h)(x[ceil h] -
// x[floor h]). std::nth_element finds x[floor h] in O(n) time; x[ceil h] is then the smallest value
// to its right, found by one scan. No full sort.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pgp::core {

// PostgreSQL's MaxAllocSize (1 GB - 1): no single palloc'd chunk may be larger, so every state that
// holds all values of a group stops, with a clear error, before it would need more.
constexpr size_t kMaxAllocBytes = 0x3fffffff;

// The capacity (in elements of elem_bytes) to grow a flat state with header_bytes of header to, so
// that it holds at least `needed` elements: doubling, but never past kMaxAllocBytes. Throws
// ProgramLimitExceeded (SQLSTATE 54000) naming `what` when `needed` elements cannot fit.
size_t grow_capacity(size_t current, size_t needed, size_t header_bytes, size_t elem_bytes,
                     const char* what);
// The most elements of elem_bytes that fit after header_bytes in one allocation.
constexpr size_t max_elements(size_t header_bytes, size_t elem_bytes) noexcept {
    return (kMaxAllocBytes - header_bytes) / elem_bytes;
}

// Type-7 quantile at probability p in [0, 1] of values[0..n), n > 0, no NaN. Reorders values (the
// multiset is unchanged). O(n): one pass plus a small selection from 65,536 values on (see
// var_historical.cpp), nth_element below that.
double type7_quantile(double* values, size_t n, double p);

// A return value for the quantile aggregates: finite (DataException otherwise).
void check_finite_return(double r);
// A constant aggregate parameter: the first row's value is validated with check_confidence, each
// later row must repeat it (InvalidParameter otherwise).
void check_same_confidence(bool first_row, double stored, double given);

struct HistoricalTail {
    double var;   // -(type-7 quantile at 1 - confidence)
    double cvar;  // -(mean of the values strictly below that quantile), or var when none is below
};

// Historical VaR and CVaR (expected shortfall) of values[0..n), n > 0, at `confidence` in (0, 1).
// Losses come out positive. Reorders values. O(n).
HistoricalTail historical_tail(double* values, size_t n, double confidence);

}  // namespace pgp::core
