// Co-moments of two series x (a portfolio's returns) and y (a benchmark's), for beta, alpha,
// correlation, tracking error and the information ratio.
//
// Kept: the count, both means, both M2, the co-moment C = sum (x - mean_x)(y - mean_y), and the
// mean and M2 of the difference d = x - y computed row by row. Tracking error needs var(d), and
// var(x) + var(y) - 2 cov(x, y) cancels badly for a portfolio that hugs its benchmark (a 1 %
// volatility with a 0.01 % tracking error loses eight digits), so d gets its own moments.
// Updates are Welford's, merges Chan et al.'s pairwise formulas, downdates their inverse with the
// same accuracy guard as core::Moments (see moments.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/byte_codec.hpp"
#include "core/compensated_sum.hpp"

namespace pgp::core {

struct PairMoments {
    int64_t n = 0;
    double mean_x = 0.0, mean_y = 0.0, mean_d = 0.0;
    double m2_x = 0.0, m2_y = 0.0, m2_d = 0.0;
    double c_xy = 0.0;
    // moving-window bookkeeping, not stored: compensated sums give the downdated means
    CompensatedSum sum_x, sum_y, sum_d;
    double peak_m2_x = 0.0, peak_m2_y = 0.0, peak_m2_d = 0.0;
    int64_t removals = 0;

    inline void add(double x, double y) noexcept;  // inline: the per-row hot path
    [[nodiscard]] bool remove(double x, double y) noexcept;
    void merge(const PairMoments& other) noexcept;
    [[nodiscard]] bool unmerge(const PairMoments& other) noexcept;  // inverse of merge
    bool still_accurate() const noexcept;

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + 8 * 8;
    void encode(ByteWriter& out) const;
    static PairMoments decode(ByteReader& in);
    void check_consistent() const;
    // derives the bookkeeping from the stored fields (after decoding or parsing a summary)
    void reset_bookkeeping() noexcept;
};

inline void PairMoments::add(double x, double y) noexcept {
    const double d = x - y;
    ++n;
    const double n1 = static_cast<double>(n);
    const double dx = x - mean_x;
    const double dy = y - mean_y;
    const double dd = d - mean_d;
    mean_x += dx / n1;
    mean_y += dy / n1;
    mean_d += dd / n1;
    sum_x.add(x);
    sum_y.add(y);
    sum_d.add(d);
    m2_x += dx * (x - mean_x);
    m2_y += dy * (y - mean_y);
    m2_d += dd * (d - mean_d);
    c_xy += dx * (y - mean_y);
    peak_m2_x = std::max(peak_m2_x, m2_x);
    peak_m2_y = std::max(peak_m2_y, m2_y);
    peak_m2_d = std::max(peak_m2_d, m2_d);
}

// cov_samp(x, y) / var_samp(y); NULL for n < 2 or a constant benchmark
std::optional<double> beta(const PairMoments& p) noexcept;
// (1 + mean((x - rf) - beta (y - rf)))^ppy - 1 for a constant rf; beta of excess returns equals
// beta of the raw ones when rf is constant
std::optional<double> alpha(const PairMoments& p, double rf, double ppy) noexcept;
// the Pearson correlation; NULL for n < 2 or a constant series
std::optional<double> correlation(const PairMoments& p) noexcept;
// stddev_samp(x - y) * sqrt(ppy)
std::optional<double> tracking_error(const PairMoments& p, double ppy) noexcept;
// mean(x - y) / stddev_samp(x - y) * sqrt(ppy)
std::optional<double> information_ratio(const PairMoments& p, double ppy) noexcept;

}  // namespace pgp::core
