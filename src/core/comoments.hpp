// Co-moments of a vector series (one row = one period's returns of k assets): the count, the mean
// vector and the matrix of summed centred cross-products M2 = sum (x - mean)(x - mean)^T, updated
// one row at a time (Welford) and merged exactly (Chan et al.), so covariance/correlation states
// combine across parallel workers. The portfolio parameters of var_monte_carlo/component_var ride
// along in the same flat block.
//
// Layout (one palloc'd chunk in the glue): ComomentHeader, then mean[k], m2[k * k] (the upper
// triangle is maintained; finalisation mirrors it), weights[k].
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/byte_codec.hpp"

namespace pgp::core {

struct ComomentHeader {
    int64_t n;            // rows seen
    int64_t k;            // assets (vector length), fixed by the first row
    int64_t has_weights;  // 1 when weights[] and the parameters below are set
    double confidence;
    int64_t horizon_days;
    int64_t simulations;
    int64_t seed;
};

// Largest k whose block fits PostgreSQL's 1 GB allocation limit.
int64_t max_assets() noexcept;
// Bytes of the whole block for k assets; throws ProgramLimitExceeded past the limit.
size_t comoment_bytes(int64_t k);

inline double* comoment_mean(ComomentHeader* h) noexcept {
    return reinterpret_cast<double*>(h + 1);
}
inline double* comoment_m2(ComomentHeader* h) noexcept { return comoment_mean(h) + h->k; }
inline double* comoment_weights(ComomentHeader* h) noexcept { return comoment_m2(h) + h->k * h->k; }
inline const double* comoment_mean(const ComomentHeader* h) noexcept {
    return reinterpret_cast<const double*>(h + 1);
}
inline const double* comoment_m2(const ComomentHeader* h) noexcept {
    return comoment_mean(h) + h->k;
}
inline const double* comoment_weights(const ComomentHeader* h) noexcept {
    return comoment_m2(h) + h->k * h->k;
}

// A row's length must equal the state's k (22023 otherwise); its values must be finite (22000).
void check_vector(const ComomentHeader& h, const double* x, int64_t length);
// The same test without exceptions, for the per-row path.
bool vector_ok(const ComomentHeader& h, const double* x, int64_t length) noexcept;
// Adds one row of h->k values (already checked).
void comoment_add(ComomentHeader* h, const double* x) noexcept;
// into += from (same k; parameters must agree, 22023 otherwise).
void comoment_merge(ComomentHeader* into, const ComomentHeader* from);

// The full k x k matrix M2 / (n - ddof), row-major. n > ddof.
void covariance_matrix(const ComomentHeader* h, int ddof, double* out) noexcept;
// Pearson correlation, row-major; *defined[i*k+j] is false where a variance is zero.
void correlation_matrix(const ComomentHeader* h, double* out, bool* defined) noexcept;

// Weights and parameters for var_monte_carlo / component_var: set by the first row, and every
// later row must give the same (22023). Validates lengths and ranges.
struct PortfolioParameters {
    double confidence;
    int64_t horizon_days;
    int64_t simulations;
    int64_t seed;
};
void check_portfolio_parameters(const PortfolioParameters& p);
constexpr int64_t kMaxSimulations = 10000000;
constexpr int64_t kMaxHorizonDays = 10000;
// True when the state already holds exactly these weights and parameters (the per-row fast path).
bool portfolio_matches(const ComomentHeader* h, const double* weights, int64_t length,
                       const PortfolioParameters& p) noexcept;
void set_or_check_portfolio(ComomentHeader* h, const double* weights, int64_t length,
                            const PortfolioParameters& p);

// Serialized: version, header fields, then the block's doubles.
size_t comoment_encoded_size(const ComomentHeader* h) noexcept;
void comoment_encode(const ComomentHeader* h, ByteWriter& out);
// Reads the header first (to size the block), then the body.
ComomentHeader comoment_decode_header(ByteReader& in);
void comoment_decode_body(ByteReader& in, ComomentHeader* h);
constexpr uint8_t kComomentFormatVersion = 1;

}  // namespace pgp::core
