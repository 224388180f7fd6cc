#include "core/moments.hpp"

#include <algorithm>
#include <cmath>

#include "core/downdate_guard.hpp"
#include "core/error.hpp"
#include "core/moments_codec.hpp"
#include "core/pairwise_merge.hpp"
#include "core/normal_distribution.hpp"
#include "core/parameters.hpp"

namespace pgp::core {

namespace {
// The end of remove() and unmerge(): the state becomes A, the recovered moments of the rows left
// after `removed` rows went; false when A should be recomputed from those rows.
bool downdated(Moments& m, int64_t removed, double mean_a, double m2_a, double m3_a,
               double m4_a) noexcept {
    m.n -= removed;
    m.mean = mean_a;
    m.m2 = m2_a;
    m.m3 = m3_a;
    m.m4 = m4_a;
    ++m.removals;
    return m.still_accurate();
}
}  // namespace

bool Moments::remove(double x) noexcept {
    if (n <= 1) {
        *this = Moments{};
        return true;  // empty again: exact
    }
    // The state is A + {x}; recover A (na = n - 1 rows) by inverting the one-row merge.
    const double n1 = static_cast<double>(n);
    const double na = n1 - 1;
    sum.subtract(x);
    const double mean_a = sum.value() / na;
    const double delta = x - mean_a;  // x minus the mean of A, as in the forward update
    const double delta_n = delta / n1;
    const double delta_n2 = delta_n * delta_n;
    const double term1 = delta * delta_n * na;
    const double m2_a = m2 - term1;
    const double m3_a = m3 - term1 * delta_n * (n1 - 2) + 3 * delta_n * m2_a;
    const double m4_a =
        m4 - term1 * delta_n2 * (n1 * n1 - 3 * n1 + 3) - 6 * delta_n2 * m2_a + 4 * delta_n * m3_a;
    return downdated(*this, 1, mean_a, m2_a, m3_a, m4_a);
}

bool Moments::still_accurate() const noexcept {
    if (n == 1) return false;  // one row left: recompute to get exactly zero spread
    if (downdate_guard::too_many_removals(removals, n)) return false;
    return !downdate_guard::shrunk(m2, peak_m2) && !downdate_guard::shrunk(m4, peak_m4);
}

bool Moments::unmerge(const Moments& b) noexcept {
    if (b.n == 0) return true;
    if (b.n >= n) {
        const bool exact = b.n == n;  // everything removed: empty again
        *this = Moments{};
        return exact;
    }
    // The state is A merged with B; recover A by solving Pébay's merge formulas for it.
    const double nn = static_cast<double>(n);
    const double nb = static_cast<double>(b.n);
    const double na = nn - nb;
    sum.subtract(b.sum.sum);
    sum.subtract(b.sum.compensation);
    const double mean_a = sum.value() / na;
    const double delta = b.mean - mean_a;
    const double delta2 = delta * delta;
    const double m2_a = m2 - b.m2 - delta2 * na * nb / nn;
    const double m3_a = m3 - b.m3 - delta * delta2 * na * nb * (na - nb) / (nn * nn) -
                        3 * delta * (na * b.m2 - nb * m2_a) / nn;
    const double m4_a = m4 - b.m4 -
                        delta2 * delta2 * na * nb * (na * na - na * nb + nb * nb) / (nn * nn * nn) -
                        6 * delta2 * (na * na * b.m2 + nb * nb * m2_a) / (nn * nn) -
                        4 * delta * (na * b.m3 - nb * m3_a) / nn;
    return downdated(*this, b.n, mean_a, m2_a, m3_a, m4_a);
}

void Moments::merge(const Moments& b) noexcept {
    const std::optional<MergeCounts> counts = merge_counts(*this, b);
    if (!counts) return;
    const auto [na, nb, nn] = *counts;
    const double delta = b.mean - mean;
    const double delta2 = delta * delta;
    const double delta_n = delta / nn;
    const double m2_new = m2 + b.m2 + delta2 * na * nb / nn;
    const double m3_new = m3 + b.m3 + delta * delta2 * na * nb * (na - nb) / (nn * nn) +
                          3 * delta * (na * b.m2 - nb * m2) / nn;
    const double m4_new =
        m4 + b.m4 + delta2 * delta2 * na * nb * (na * na - na * nb + nb * nb) / (nn * nn * nn) +
        6 * delta2 * (na * na * b.m2 + nb * nb * m2) / (nn * nn) +
        4 * delta * (na * b.m3 - nb * m3) / nn;
    // mean: weighted form keeps full precision when the two means are close
    mean = mean + delta_n * nb;
    n += b.n;
    sum.merge(b.sum);
    m2 = m2_new;
    m3 = m3_new;
    m4 = m4_new;
    peak_m2 = std::max({peak_m2, b.peak_m2, m2});
    peak_m4 = std::max({peak_m4, b.peak_m4, m4});
    removals += b.removals;
}

namespace {
// The stored fields after n, in their order (core/moments_codec.hpp).
constexpr double Moments::*kStored[] = {&Moments::mean, &Moments::m2, &Moments::m3, &Moments::m4};
}  // namespace

void Moments::encode(ByteWriter& out) const { encode_moments(*this, kStored, out); }

void Moments::check_consistent() const {
    const bool finite =
        std::isfinite(mean) && std::isfinite(m2) && std::isfinite(m3) && std::isfinite(m4);
    if (n < 0 || !finite || m2 < 0 || m4 < 0)
        fail(ErrorCode::CorruptState,
             "moments are inconsistent (negative count or moment, or not finite)");
    if (n == 0 && (mean != 0 || m2 != 0 || m3 != 0 || m4 != 0))
        fail(ErrorCode::CorruptState, "moments of an empty series must be zero");
}

Moments Moments::decode(ByteReader& in) { return decode_moments(in, kStored, "moments"); }

void Moments::reset_bookkeeping() noexcept {
    sum = CompensatedSum{mean * static_cast<double>(n), 0.0};
    peak_m2 = m2;
    peak_m4 = m4;
    removals = 0;
}

std::optional<double> stddev_sample(const Moments& m) noexcept {
    if (m.n < 2) return std::nullopt;
    return std::sqrt(m.variance_sample());
}

std::optional<double> volatility(const Moments& m, double ppy) noexcept {
    const auto sd = stddev_sample(m);
    if (!sd) return std::nullopt;
    return *sd * std::sqrt(ppy);
}

std::optional<double> sharpe_ratio(const Moments& m, double ppy) noexcept {
    const auto sd = stddev_sample(m);
    if (!sd || *sd == 0.0) return std::nullopt;
    return m.mean / *sd * std::sqrt(ppy);
}

std::optional<double> skewness(const Moments& m) noexcept {
    if (m.n < 1 || m.m2 == 0.0) return std::nullopt;
    const double c2 = m.central2();
    return m.central3() / (c2 * std::sqrt(c2));
}

std::optional<double> excess_kurtosis(const Moments& m) noexcept {
    if (m.n < 1 || m.m2 == 0.0) return std::nullopt;
    const double c2 = m.central2();
    return m.central4() / (c2 * c2) - 3.0;
}

std::optional<double> var_gaussian(const Moments& m, double confidence) {
    check_confidence(confidence);
    if (m.n < 1) return std::nullopt;
    const double z = normal_quantile(1.0 - confidence);
    return -(m.mean + z * std::sqrt(m.central2()));
}

std::optional<double> cvar_gaussian(const Moments& m, double confidence) {
    check_confidence(confidence);
    if (m.n < 1) return std::nullopt;
    const double z = normal_quantile(1.0 - confidence);
    return -m.mean + std::sqrt(m.central2()) * normal_pdf(z) / (1.0 - confidence);
}

std::optional<double> var_cornish_fisher(const Moments& m, double confidence) {
    check_confidence(confidence);
    const auto s = skewness(m);
    const auto k = excess_kurtosis(m);
    if (!s || !k) return std::nullopt;
    const double z = normal_quantile(1.0 - confidence);
    const double z2 = z * z;
    const double z3 = z2 * z;
    const double zcf =
        z + (z2 - 1) * *s / 6 + (z3 - 3 * z) * *k / 24 - (2 * z3 - 5 * z) * *s * *s / 36;
    return -(m.mean + zcf * std::sqrt(m.central2()));
}

}  // namespace pgp::core
