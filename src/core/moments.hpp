// Central moments of one series (count, mean, M2, M3, M4) and the return/risk metrics built on
// them.
//
// Rows are added with Welford's update generalised to the fourth moment (Pébay 2008, the merge
// formula with a one-row right-hand side); two states merge exactly with Pébay's pairwise formulas
// (Chan et al. for M2), so parallel partial aggregates and stored summaries combine to the same
// numbers as one pass.
//
// Moving windows remove rows with the inverse of the one-row update. A downdate subtracts, so it
// can cancel: remove() reports when the state may no longer be accurate to ~1e-12 (the variance or
// fourth moment fell far below the largest value the state held since it was last built from
// scratch, too many removals were chained, or one row is left) and the glue then tells PostgreSQL
// to recompute the frame from its rows (a NULL from the inverse transition function does that).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/byte_codec.hpp"
#include "core/compensated_sum.hpp"

namespace pgp::core {

struct Moments {
    int64_t n = 0;
    double mean = 0.0;
    double m2 = 0.0;  // sum of (x - mean)^2
    double m3 = 0.0;  // sum of (x - mean)^3
    double m4 = 0.0;  // sum of (x - mean)^4
    // Moving-window bookkeeping (not part of the stored summary format):
    CompensatedSum sum;    // sum of x: a downdate takes the mean from it, so the mean does
                           // not drift when it is small against the spread of the values
    double peak_m2 = 0.0;  // largest m2 since the state was built from scratch
    double peak_m4 = 0.0;  // largest m4 likewise
    int64_t removals = 0;  // downdates since then

    // x must be finite (the caller validates the domain). Inline: it is the per-row hot path.
    inline void add(double x) noexcept;
    // Removes a value that was added before. Returns false when the result may have lost accuracy
    // and should be recomputed from the remaining rows.
    [[nodiscard]] bool remove(double x) noexcept;
    void merge(const Moments& other) noexcept;
    // The inverse of merge(other) (a moving window over stored summaries); false as remove().
    [[nodiscard]] bool unmerge(const Moments& other) noexcept;
    // The accuracy guard after a downdate (see the file comment).
    bool still_accurate() const noexcept;

    // Sample variance (n - 1); only meaningful for n >= 2.
    double variance_sample() const noexcept { return m2 / static_cast<double>(n - 1); }
    // Population central moments m_k = M_k / n.
    double central2() const noexcept { return m2 / static_cast<double>(n); }
    double central3() const noexcept { return m3 / static_cast<double>(n); }
    double central4() const noexcept { return m4 / static_cast<double>(n); }

    // Mean, M2, M3, M4 as a stored format: version, n, mean, m2, m3, m4.
    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = 1 + 8 * 5;
    void encode(ByteWriter& out) const;
    static Moments decode(ByteReader& in);  // validates: CorruptState on an impossible state
    void check_consistent() const;          // the same checks, for values built otherwise
    // derives the bookkeeping from the stored fields (after decoding or parsing a summary)
    void reset_bookkeeping() noexcept;
};

inline void Moments::add(double x) noexcept {
    const double n0 = static_cast<double>(n);
    ++n;
    const double n1 = static_cast<double>(n);
    const double delta = x - mean;
    const double delta_n = delta / n1;  // a division, not a reciprocal: correctly rounded
    const double delta_n2 = delta_n * delta_n;
    const double term1 = delta * delta_n * n0;
    mean += delta_n;
    sum.add(x);
    m4 += term1 * delta_n2 * (n1 * n1 - 3 * n1 + 3) + 6 * delta_n2 * m2 - 4 * delta_n * m3;
    m3 += term1 * delta_n * (n1 - 2) - 3 * delta_n * m2;
    m2 += term1;
    peak_m2 = std::max(peak_m2, m2);
    peak_m4 = std::max(peak_m4, m4);
}

// --- metrics on moments; nullopt where the result is undefined ---------------------------------
// sample standard deviation, needs n >= 2
std::optional<double> stddev_sample(const Moments& m) noexcept;
// sample stddev * sqrt(ppy)
std::optional<double> volatility(const Moments& m, double ppy) noexcept;
// Sharpe ratio: mean / sample stddev * sqrt(ppy) (of excess returns; of active returns it is the
// information ratio); NULL for n < 2 or zero variance
std::optional<double> sharpe_ratio(const Moments& m, double ppy) noexcept;
// population skewness m3 / m2^1.5 (PerformanceAnalytics "moment"); NULL for n < 1 or zero variance
std::optional<double> skewness(const Moments& m) noexcept;
// population excess kurtosis m4 / m2^2 - 3 (PerformanceAnalytics "excess"); NULL likewise
std::optional<double> excess_kurtosis(const Moments& m) noexcept;
// Gaussian VaR -(mean + z sigma), z = Phi^-1(1 - confidence), sigma = sqrt(population m2)
std::optional<double> var_gaussian(const Moments& m, double confidence);
// Gaussian expected shortfall -mean + sigma phi(z) / (1 - confidence)
std::optional<double> cvar_gaussian(const Moments& m, double confidence);
// Cornish-Fisher ("modified") VaR; NULL when the variance is zero (skewness undefined)
std::optional<double> var_cornish_fisher(const Moments& m, double confidence);

}  // namespace pgp::core
