// A bounded-memory, mergeable quantile sketch with a relative-accuracy guarantee (the DDSketch idea
// of Masson, Rim and Lee, VLDB 2019), for var_historical_approx / cvar_historical_approx.
//
// Magnitudes |x| are mapped to logarithmic buckets of ratio gamma = (1 + a) / (1 - a), a = 1 %:
// bucket i holds (m gamma^(i-1), m gamma^i] and answers with 2 m gamma^i / (gamma + 1), which is
// within a relative 1 % of every value in the bucket. Positive and negative values have separate
// stores; |x| <= m = 1e-9 counts as zero. The value of rank k is therefore returned to within
// 1 % of itself (plus 1e-9 absolute), whatever the data and however states were merged: merging
// adds bucket counts, so it is exact and order-independent.
//
// Memory is fixed: 2 x 2048 counters (32 KiB) whatever the number of rows, covering magnitudes up
// to m gamma^2048 ~ 6.2e8. A value beyond that is an error rather than a silently wrong answer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/byte_codec.hpp"

namespace pgp::core {

struct QuantileSketch {
    static constexpr double kRelativeAccuracy = 0.01;
    static constexpr double kMinMagnitude = 1e-9;
    static constexpr int kBuckets = 2048;

    double confidence = 0.0;  // the aggregate's parameter, kept with the state
    uint64_t count = 0;
    uint64_t zero_count = 0;
    uint64_t negative[kBuckets] = {};
    uint64_t positive[kBuckets] = {};

    // Adds x; false (state unchanged) when x is not finite or beyond the range, so the per-row
    // path needs no exception handling: the caller then calls add() for the error.
    bool try_add(double x) noexcept;
    void add(double x);
    void merge(const QuantileSketch& other);

    // The value of rank k (0-based, ascending), k < count, to within the sketch's accuracy.
    double value_at_rank(uint64_t k) const;
    // Type-7 quantile at p in [0, 1], interpolating between the estimates of its two ranks.
    double quantile(double p) const;
    // -(quantile at 1 - confidence) and -(mean of the estimated values of the ranks strictly below
    // it; the VaR when there are none). count > 0.
    double var(double confidence) const;
    double cvar(double confidence) const;

    static double max_magnitude() noexcept;

    // Version byte, confidence, count, zero count, then each store as a dense run of counts
    // between its first and last non-empty bucket (so a state with few distinct magnitudes is
    // small).
    size_t encoded_size() const noexcept;
    void encode(ByteWriter& out) const;
    static void decode(ByteReader& in, QuantileSketch& out);
    static constexpr uint8_t kFormatVersion = 1;

    // Text form of a stored sketch (type portfolio.quantile_sketch), readable and exact:
    //   "n=<count>;zero=<count>;neg=<first bucket>:<c>,<c>,...;pos=<first bucket>:<c>,..."
    // An empty store is written "neg=" / "pos=". Writes at most max_text_size() bytes plus a
    // terminating NUL into out and returns the length.
    static constexpr size_t max_text_size() noexcept { return 64 + 2 * (16 + 21 * kBuckets); }
    size_t write_text(char* out, size_t capacity) const;
    // Parses the text form into out (zeroed by the caller); DataException on malformed text.
    static void read_text(const char* text, QuantileSketch& out);
};

}  // namespace pgp::core
