// Portfolio risk from a mean vector and a covariance matrix: Monte Carlo VaR and the parametric
// (Gaussian) Euler decomposition of VaR into per-asset components.
#pragma once

#include <cstdint>

#include "core/interrupt.hpp"

namespace pgp::core {

// A reproducible standard-normal stream: std::mt19937_64 (its output sequence is fixed by the C++
// standard) and our own Box-Muller transform (std::normal_distribution is implementation-defined,
// so its draws could change with the standard library).
class NormalStream {
  public:
    explicit NormalStream(uint64_t seed) noexcept;
    double next() noexcept;

  private:
    uint64_t state_[312];
    int index_;
    bool has_spare_ = false;
    double spare_ = 0.0;
    uint64_t bits() noexcept;
};

struct MonteCarloInput {
    int64_t assets;
    const double* mean;        // [assets]
    const double* covariance;  // [assets * assets], row-major, symmetric PSD
    const double* weights;     // [assets]
    double confidence;
    int64_t horizon_days;
    int64_t simulations;
    uint64_t seed;
};

// Simulates `simulations` paths of horizon_days daily return vectors r = mean + L z (L L^T = the
// covariance: Cholesky, or a clipped eigen-decomposition when the matrix is only semi-definite),
// each asset compounding over the horizon (buy and hold: sum_i w_i (prod_d (1 + r_id) - 1)), and
// returns -(type-7 quantile at 1 - confidence) of the portfolio returns. Polls `interrupts`.
double monte_carlo_var(const MonteCarloInput& in, const InterruptCheck& interrupts);

// Euler components of the Gaussian VaR of the portfolio w: with sigma_p^2 = w' S w, z = Phi^-1(1 -
// c),
//   component_i = -(w_i mu_i + z w_i (S w)_i / sigma_p)
// which sum to -(mu_p + z sigma_p), the Gaussian VaR of the portfolio returns. False when
// sigma_p = 0 (undefined). out has `assets` elements.
bool component_var(int64_t assets, const double* mean, const double* covariance,
                   const double* weights, double confidence, double* out);

}  // namespace pgp::core
