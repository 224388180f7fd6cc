// Aggregate states of the one-step moment aggregates (volatility, sharpe, var_gaussian, ...,
// annualized_return, sortino, beta, alpha, tracking_error, information_ratio): the math state plus
// the aggregate's constant parameter (ppy or confidence), which must be the same in every row.
// All flat, with fixed-size versioned encodings for parallel workers.
#pragma once

#include <cstdint>
#include <optional>

#include "core/byte_codec.hpp"
#include "core/compensated_sum.hpp"
#include "core/growth.hpp"
#include "core/moments.hpp"
#include "core/pair_moments.hpp"
#include "core/state_codec.hpp"

namespace pgp::core {

// A per-group constant given as an aggregate argument: the first row fixes it, every later row
// (and every merged partial state) must agree, else InvalidParameter.
struct FixedParameter {
    double value = 0.0;
    bool set = false;

    void observe(double v, const char* name);
    void merge(const FixedParameter& other, const char* name);
    double value_or(double fallback) const noexcept { return set ? value : fallback; }
    // True when a row passes v (or nothing) and v is the value already fixed: nothing to check.
    bool repeats(const std::optional<double>& v) const noexcept {
        return !v || (set && value == *v);
    }
    // A row's value: nothing to do when it repeats(); else validate(v) (check_periods_per_year,
    // check_confidence) and observe it. Throws InvalidParameter as those do.
    void accept(const std::optional<double>& v, void (*validate)(double), const char* name);

    static constexpr size_t kEncodedSize = 1 + 8;
    void encode(ByteWriter& out) const;
    static FixedParameter decode(ByteReader& in);
};

struct MomentAggState {
    Moments moments;
    FixedParameter param;
    void merge(const MomentAggState& other, const char* param_name);
    void merge(const MomentAggState& other) { merge(other, "the aggregate's ppy or confidence"); }

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + Moments::kEncodedSize + FixedParameter::kEncodedSize;
    void encode(ByteWriter& out) const;
    static MomentAggState decode(ByteReader& in);
    // The stored fields after the version byte, in order (core/state_codec.hpp).
    template <class Self, class Visit>
    static void fields(Self& s, Visit&& visit) {
        visit(s.moments, s.param);
    }
};

// The state of an aggregate over a series and a ppy argument: annualized_return (GrowthState),
// beta and alpha (PairMoments). `What` names the state in decoding errors.
template <class Series, const char* What>
struct PpyAggState {
    Series series;
    FixedParameter ppy;
    void merge(const PpyAggState& other) {
        ppy.merge(other.ppy, "periods per year");
        series.merge(other.series);
    }

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + Series::kEncodedSize + FixedParameter::kEncodedSize;
    void encode(ByteWriter& out) const { encode_fields(*this, out); }
    static PpyAggState decode(ByteReader& in) { return decode_fields<PpyAggState>(in, What); }
    // The stored fields after the version byte, in order (core/state_codec.hpp).
    template <class Self, class Visit>
    static void fields(Self& s, Visit&& visit) {
        visit(s.series, s.ppy);
    }
};

inline constexpr char kGrowthAggStateName[] = "growth aggregate state";
using GrowthAggState = PpyAggState<GrowthState, kGrowthAggStateName>;

// sortino: the sum of excess returns e = r - mar and of min(e, 0)^2, both compensated so that a
// moving window can subtract rows without drift; the count of negative e makes "no downside"
// exact (a zero downside deviation: NULL).
struct SortinoState {
    int64_t n = 0;
    int64_t n_down = 0;
    CompensatedSum excess;
    CompensatedSum downside_squares;
    FixedParameter ppy;

    // Inline and branch-free: whether a return is below the target is a coin flip, and a
    // mispredicted branch per row cost more than the arithmetic (sortino was 1.49x sum(float8)).
    // Adding 0 to the compensated sum leaves it exactly as it was.
    void add(double e) noexcept {
        ++n;
        excess.add(e);
        const bool down = e < 0;
        n_down += down;
        // e or 0, by arithmetic: GCC compiled both "down ? e : 0" and std::min into a branch
        const double d = e * static_cast<double>(down);
        downside_squares.add(d * d);
    }
    void remove(double e) noexcept;
    void merge(const SortinoState& other);

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + 8 + 8 + 16 + 16 + FixedParameter::kEncodedSize;
    void encode(ByteWriter& out) const;
    static SortinoState decode(ByteReader& in);
    // The stored fields after the version byte, in order (core/state_codec.hpp).
    template <class Self, class Visit>
    static void fields(Self& s, Visit&& visit) {
        visit(s.n, s.n_down, s.excess, s.downside_squares, s.ppy);
    }
};
// mean(e) / sqrt(mean(min(e,0)^2)) * sqrt(ppy); NULL when empty or without downside
std::optional<double> sortino(const SortinoState& s, double ppy) noexcept;

inline constexpr char kPairAggStateName[] = "pair aggregate state";
using PairAggState = PpyAggState<PairMoments, kPairAggStateName>;

}  // namespace pgp::core
