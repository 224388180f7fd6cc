#include "core/pair_moments.hpp"

#include <algorithm>
#include <cmath>

#include "core/downdate_guard.hpp"
#include "core/error.hpp"
#include "core/moments_codec.hpp"
#include "core/pairwise_merge.hpp"

namespace pgp::core {

bool PairMoments::remove(double x, double y) noexcept {
    if (n <= 1) {
        *this = PairMoments{};
        return true;
    }
    const double d = x - y;
    const double n1 = static_cast<double>(n);
    const double na = n1 - 1;
    // inverse of add(): with a the state before x was added, mean = mean_a + (x - mean_a) / n1,
    // M2 = M2_a + (x - mean_a)(x - mean) and C = C_a + (x - mean_a)(y - mean_y).
    sum_x.subtract(x);
    sum_y.subtract(y);
    sum_d.subtract(d);
    const double ax = sum_x.value() / na;
    const double ay = sum_y.value() / na;
    const double ad = sum_d.value() / na;
    m2_x -= (x - ax) * (x - mean_x);
    m2_y -= (y - ay) * (y - mean_y);
    m2_d -= (d - ad) * (d - mean_d);
    c_xy -= (x - ax) * (y - mean_y);
    mean_x = ax;
    mean_y = ay;
    mean_d = ad;
    --n;
    ++removals;
    return still_accurate();
}

bool PairMoments::still_accurate() const noexcept {
    if (n == 1) return false;
    if (downdate_guard::too_many_removals(removals, n)) return false;
    return !downdate_guard::shrunk(m2_x, peak_m2_x) && !downdate_guard::shrunk(m2_y, peak_m2_y) &&
           !downdate_guard::shrunk(m2_d, peak_m2_d);
}

bool PairMoments::unmerge(const PairMoments& b) noexcept {
    if (b.n == 0) return true;
    if (b.n >= n) {
        const bool exact = b.n == n;
        *this = PairMoments{};
        return exact;
    }
    // inverse of merge(): C = A + B with the co-moment correction dx dy na nb / n
    const double nn = static_cast<double>(n);
    const double nb = static_cast<double>(b.n);
    const double na = nn - nb;
    const double w = na * nb / nn;
    sum_x.subtract(b.sum_x.sum);
    sum_x.subtract(b.sum_x.compensation);
    sum_y.subtract(b.sum_y.sum);
    sum_y.subtract(b.sum_y.compensation);
    sum_d.subtract(b.sum_d.sum);
    sum_d.subtract(b.sum_d.compensation);
    const double ax = sum_x.value() / na;
    const double ay = sum_y.value() / na;
    const double ad = sum_d.value() / na;
    const double dx = b.mean_x - ax;
    const double dy = b.mean_y - ay;
    const double dd = b.mean_d - ad;
    m2_x -= b.m2_x + dx * dx * w;
    m2_y -= b.m2_y + dy * dy * w;
    m2_d -= b.m2_d + dd * dd * w;
    c_xy -= b.c_xy + dx * dy * w;
    mean_x = ax;
    mean_y = ay;
    mean_d = ad;
    n -= b.n;
    ++removals;
    return still_accurate();
}

void PairMoments::merge(const PairMoments& b) noexcept {
    const std::optional<MergeCounts> counts = merge_counts(*this, b);
    if (!counts) return;
    const auto [na, nb, nn] = *counts;
    const double w = na * nb / nn;
    const double dx = b.mean_x - mean_x;
    const double dy = b.mean_y - mean_y;
    const double dd = b.mean_d - mean_d;
    m2_x += b.m2_x + dx * dx * w;
    m2_y += b.m2_y + dy * dy * w;
    m2_d += b.m2_d + dd * dd * w;
    c_xy += b.c_xy + dx * dy * w;
    mean_x += dx * nb / nn;
    mean_y += dy * nb / nn;
    mean_d += dd * nb / nn;
    n += b.n;
    sum_x.merge(b.sum_x);
    sum_y.merge(b.sum_y);
    sum_d.merge(b.sum_d);
    peak_m2_x = std::max({peak_m2_x, b.peak_m2_x, m2_x});
    peak_m2_y = std::max({peak_m2_y, b.peak_m2_y, m2_y});
    peak_m2_d = std::max({peak_m2_d, b.peak_m2_d, m2_d});
    removals += b.removals;
}

namespace {
// The stored fields after n, in their order (core/moments_codec.hpp).
constexpr double PairMoments::*kStored[] = {
    &PairMoments::mean_x, &PairMoments::mean_y, &PairMoments::mean_d, &PairMoments::m2_x,
    &PairMoments::m2_y,   &PairMoments::m2_d,   &PairMoments::c_xy};
}  // namespace

void PairMoments::encode(ByteWriter& out) const { encode_moments(*this, kStored, out); }

void PairMoments::check_consistent() const {
    const double v[] = {mean_x, mean_y, mean_d, m2_x, m2_y, m2_d, c_xy};
    for (double x : v)
        if (!std::isfinite(x)) fail(ErrorCode::CorruptState, "pair moments are not finite");
    if (n < 0 || m2_x < 0 || m2_y < 0 || m2_d < 0)
        fail(ErrorCode::CorruptState, "pair moments are inconsistent (negative count or moment)");
    if (n == 0)
        for (double x : v)
            if (x != 0)
                fail(ErrorCode::CorruptState, "pair moments of an empty series must be zero");
}

PairMoments PairMoments::decode(ByteReader& in) {
    return decode_moments(in, kStored, "pair moments");
}

void PairMoments::reset_bookkeeping() noexcept {
    const double nn = static_cast<double>(n);
    sum_x = CompensatedSum{mean_x * nn, 0.0};
    sum_y = CompensatedSum{mean_y * nn, 0.0};
    sum_d = CompensatedSum{mean_d * nn, 0.0};
    peak_m2_x = m2_x;
    peak_m2_y = m2_y;
    peak_m2_d = m2_d;
    removals = 0;
}

std::optional<double> beta(const PairMoments& p) noexcept {
    if (p.n < 2 || p.m2_y == 0.0) return std::nullopt;
    return p.c_xy / p.m2_y;
}

std::optional<double> alpha(const PairMoments& p, double rf, double ppy) noexcept {
    const auto b = beta(p);
    if (!b) return std::nullopt;
    const double per_period = (p.mean_x - rf) - *b * (p.mean_y - rf);
    if (per_period > -1.0) return std::expm1(ppy * std::log1p(per_period));
    return std::pow(1.0 + per_period, ppy) - 1.0;  // a loss beyond -100 % a period: no logarithm
}

std::optional<double> correlation(const PairMoments& p) noexcept {
    if (p.n < 2 || p.m2_x == 0.0 || p.m2_y == 0.0) return std::nullopt;
    return p.c_xy / std::sqrt(p.m2_x * p.m2_y);
}

std::optional<double> tracking_error(const PairMoments& p, double ppy) noexcept {
    if (p.n < 2) return std::nullopt;
    return std::sqrt(p.m2_d / static_cast<double>(p.n - 1) * ppy);
}

std::optional<double> information_ratio(const PairMoments& p, double ppy) noexcept {
    if (p.n < 2 || p.m2_d == 0.0) return std::nullopt;
    return p.mean_d / std::sqrt(p.m2_d / static_cast<double>(p.n - 1)) * std::sqrt(ppy);
}

}  // namespace pgp::core
