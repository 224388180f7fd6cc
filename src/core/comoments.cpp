#include "core/comoments.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/format.hpp"
#include "core/parameters.hpp"
#include "core/var_historical.hpp"

namespace pgp::core {

int64_t max_assets() noexcept {
    // header + 8 (k^2 + 2k) <= limit
    const double room = static_cast<double>(kMaxAllocBytes - sizeof(ComomentHeader)) / 8.0;
    return static_cast<int64_t>(std::floor(std::sqrt(room + 1.0) - 1.0));
}

size_t comoment_bytes(int64_t k) {
    if (k < 1) fail(ErrorCode::InvalidParameter, "a returns vector must have at least one element");
    if (k > max_assets())
        fail(ErrorCode::ProgramLimitExceeded, "a returns vector of " + std::to_string(k) +
                                                  " assets needs a covariance state past "
                                                  "PostgreSQL's 1 GB allocation limit (at most " +
                                                  std::to_string(max_assets()) + ")");
    return sizeof(ComomentHeader) + sizeof(double) * static_cast<size_t>(k * k + 2 * k);
}

void check_vector(const ComomentHeader& h, const double* x, int64_t length) {
    if (length != h.k)
        fail(ErrorCode::InvalidParameter, "returns vectors must all have the same length: got " +
                                              std::to_string(length) + " after " +
                                              std::to_string(h.k));
    for (int64_t i = 0; i < length; ++i)
        if (!std::isfinite(x[i]))
            fail(ErrorCode::DataException, "return must be a finite number, got " + show(x[i]) +
                                               " at position " + std::to_string(i + 1));
}

bool vector_ok(const ComomentHeader& h, const double* x, int64_t length) noexcept {
    if (length != h.k) return false;
    for (int64_t i = 0; i < length; ++i)
        if (!std::isfinite(x[i])) return false;
    return true;
}

void comoment_add(ComomentHeader* h, const double* x) noexcept {
    const int64_t k = h->k;
    double* mean = comoment_mean(h);
    double* m2 = comoment_m2(h);
    h->n += 1;
    const double n = static_cast<double>(h->n);
    const double factor = (n - 1.0) / n;
    // delta_i delta_j (n - 1) / n is the Welford increment, symmetric: keep the upper triangle.
    for (int64_t i = 0; i < k; ++i) {
        const double di = x[i] - mean[i];
        const double scaled = di * factor;
        double* row = m2 + i * k;
        for (int64_t j = i; j < k; ++j) row[j] += scaled * (x[j] - mean[j]);
    }
    for (int64_t i = 0; i < k; ++i) mean[i] += (x[i] - mean[i]) / n;
}

void comoment_merge(ComomentHeader* into, const ComomentHeader* from) {
    if (from->n == 0) return;
    if (into->k != from->k)
        fail(ErrorCode::InvalidParameter, "returns vectors must all have the same length: got " +
                                              std::to_string(from->k) + " after " +
                                              std::to_string(into->k));
    if (into->has_weights || from->has_weights) {
        if (into->has_weights && from->has_weights) {
            const PortfolioParameters p{from->confidence, from->horizon_days, from->simulations,
                                        from->seed};
            set_or_check_portfolio(into, comoment_weights(from), from->k, p);
        } else if (from->has_weights) {
            into->has_weights = 1;
            into->confidence = from->confidence;
            into->horizon_days = from->horizon_days;
            into->simulations = from->simulations;
            into->seed = from->seed;
            for (int64_t i = 0; i < from->k; ++i)
                comoment_weights(into)[i] = comoment_weights(from)[i];
        }
    }
    const int64_t k = into->k;
    double* mean = comoment_mean(into);
    double* m2 = comoment_m2(into);
    const double* mean_b = comoment_mean(from);
    const double* m2_b = comoment_m2(from);
    if (into->n == 0) {
        for (int64_t i = 0; i < k; ++i) mean[i] = mean_b[i];
        for (int64_t i = 0; i < k * k; ++i) m2[i] = m2_b[i];
        into->n = from->n;
        return;
    }
    const double na = static_cast<double>(into->n), nb = static_cast<double>(from->n);
    const double n = na + nb;
    const double factor = na * nb / n;
    for (int64_t i = 0; i < k; ++i) {
        const double di = mean_b[i] - mean[i];
        for (int64_t j = i; j < k; ++j)
            m2[i * k + j] += m2_b[i * k + j] + factor * di * (mean_b[j] - mean[j]);
    }
    for (int64_t i = 0; i < k; ++i) mean[i] += (mean_b[i] - mean[i]) * nb / n;
    into->n += from->n;
}

void covariance_matrix(const ComomentHeader* h, int ddof, double* out) noexcept {
    const int64_t k = h->k;
    const double* m2 = comoment_m2(h);
    const double divisor = static_cast<double>(h->n - ddof);
    for (int64_t i = 0; i < k; ++i)
        for (int64_t j = i; j < k; ++j) out[i * k + j] = out[j * k + i] = m2[i * k + j] / divisor;
}

void correlation_matrix(const ComomentHeader* h, double* out, bool* defined) noexcept {
    const int64_t k = h->k;
    const double* m2 = comoment_m2(h);
    for (int64_t i = 0; i < k; ++i)
        for (int64_t j = i; j < k; ++j) {
            const double vi = m2[i * k + i], vj = m2[j * k + j];
            const bool ok = vi > 0.0 && vj > 0.0;
            double r = ok ? m2[i * k + j] / std::sqrt(vi * vj) : 0.0;
            if (i == j && ok) r = 1.0;
            r = r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);  // rounding must not leave [-1, 1]
            out[i * k + j] = out[j * k + i] = r;
            defined[i * k + j] = defined[j * k + i] = ok;
        }
}

void check_portfolio_parameters(const PortfolioParameters& p) {
    check_confidence(p.confidence);
    if (p.horizon_days < 1 || p.horizon_days > kMaxHorizonDays)
        fail(ErrorCode::InvalidParameter, "horizon_days must be between 1 and " +
                                              std::to_string(kMaxHorizonDays) + ", got " +
                                              std::to_string(p.horizon_days));
    if (p.simulations < 2 || p.simulations > kMaxSimulations)
        fail(ErrorCode::InvalidParameter, "simulations must be between 2 and " +
                                              std::to_string(kMaxSimulations) + ", got " +
                                              std::to_string(p.simulations));
}

bool portfolio_matches(const ComomentHeader* h, const double* weights, int64_t length,
                       const PortfolioParameters& p) noexcept {
    if (!h->has_weights || length != h->k || h->confidence != p.confidence ||
        h->horizon_days != p.horizon_days || h->simulations != p.simulations || h->seed != p.seed)
        return false;
    const double* w = comoment_weights(h);
    for (int64_t i = 0; i < length; ++i)
        if (!(w[i] == weights[i])) return false;
    return true;
}

void set_or_check_portfolio(ComomentHeader* h, const double* weights, int64_t length,
                            const PortfolioParameters& p) {
    if (length != h->k)
        fail(ErrorCode::InvalidParameter, "weights have " + std::to_string(length) +
                                              " elements but the returns vectors have " +
                                              std::to_string(h->k));
    double* w = comoment_weights(h);
    if (!h->has_weights) {
        check_portfolio_parameters(p);
        for (int64_t i = 0; i < length; ++i)
            if (!std::isfinite(weights[i]))
                fail(ErrorCode::InvalidParameter,
                     "weights must be finite numbers, got " + show(weights[i]));
        for (int64_t i = 0; i < length; ++i) w[i] = weights[i];
        h->confidence = p.confidence;
        h->horizon_days = p.horizon_days;
        h->simulations = p.simulations;
        h->seed = p.seed;
        h->has_weights = 1;
        return;
    }
    for (int64_t i = 0; i < length; ++i)
        if (!(w[i] == weights[i]))
            fail(ErrorCode::InvalidParameter,
                 "weights must be the same in every row of a group: weight " +
                     std::to_string(i + 1) + " changed from " + show(w[i]) + " to " +
                     show(weights[i]));
    if (h->confidence != p.confidence || h->horizon_days != p.horizon_days ||
        h->simulations != p.simulations || h->seed != p.seed)
        fail(ErrorCode::InvalidParameter,
             "confidence, horizon_days, simulations and seed must be the same in every row of a "
             "group");
}

size_t comoment_encoded_size(const ComomentHeader* h) noexcept {
    return 1 + 8 * 7 + 8 * static_cast<size_t>(h->k * h->k + 2 * h->k);
}

void comoment_encode(const ComomentHeader* h, ByteWriter& out) {
    out.u8(kComomentFormatVersion);
    out.i64(h->n);
    out.i64(h->k);
    out.i64(h->has_weights);
    out.f64(h->confidence);
    out.i64(h->horizon_days);
    out.i64(h->simulations);
    out.i64(h->seed);
    const double* body = comoment_mean(h);
    for (int64_t i = 0; i < h->k * h->k + 2 * h->k; ++i) out.f64(body[i]);
}

ComomentHeader comoment_decode_header(ByteReader& in) {
    in.expect_version(kComomentFormatVersion, "covariance state");
    ComomentHeader h{};
    h.n = in.i64();
    h.k = in.i64();
    h.has_weights = in.i64();
    h.confidence = in.f64();
    h.horizon_days = in.i64();
    h.simulations = in.i64();
    h.seed = in.i64();
    if (h.n < 0 || h.k < 1 || h.k > max_assets() || (h.has_weights != 0 && h.has_weights != 1) ||
        in.remaining() != 8 * static_cast<size_t>(h.k * h.k + 2 * h.k))
        fail(ErrorCode::CorruptState, "covariance state has an inconsistent header");
    return h;
}

void comoment_decode_body(ByteReader& in, ComomentHeader* h) {
    double* body = comoment_mean(h);
    for (int64_t i = 0; i < h->k * h->k + 2 * h->k; ++i) body[i] = in.f64();
}

}  // namespace pgp::core
