#include "core/monte_carlo.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/normal_distribution.hpp"
#include "core/parameters.hpp"
#include "core/var_historical.hpp"

namespace pgp::core {

namespace {
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
constexpr double kTwoPi = 6.283185307179586476925286766559;

// A factor L with L L^T = S: Cholesky when S is positive definite; otherwise S = Q diag(l) Q^T
// with negative eigenvalues (rounding, or assets that are exact combinations of others) set to 0.
Matrix factor(const Matrix& s) {
    Eigen::LLT<Matrix> llt(s);
    if (llt.info() == Eigen::Success) return Matrix(llt.matrixL());
    Eigen::SelfAdjointEigenSolver<Matrix> eigen(s);
    if (eigen.info() != Eigen::Success)
        fail(ErrorCode::DataException, "the covariance matrix could not be decomposed");
    const Vector roots = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return eigen.eigenvectors() * roots.asDiagonal();
}

// Returns near the largest double (1e307) overflow their means or covariances to infinity or
// NaN; a simulation from those would report a NaN VaR, so they are an error instead.
void require_finite_moments(int64_t k, const double* mean, const double* covariance) {
    for (int64_t i = 0; i < k; ++i)
        if (!std::isfinite(mean[i]))
            fail(ErrorCode::NumericOutOfRange, "the mean return of an asset overflows");
    for (int64_t i = 0; i < k * k; ++i)
        if (!std::isfinite(covariance[i]))
            fail(ErrorCode::NumericOutOfRange, "the covariance of the returns overflows");
}
}  // namespace

// mt19937_64 by its published definition (so the stream owns its state as a flat array).
NormalStream::NormalStream(uint64_t seed) noexcept : index_(312) {
    state_[0] = seed;
    for (int i = 1; i < 312; ++i)
        state_[i] = 6364136223846793005ULL * (state_[i - 1] ^ (state_[i - 1] >> 62)) +
                    static_cast<uint64_t>(i);
}

uint64_t NormalStream::bits() noexcept {
    constexpr uint64_t upper = 0xFFFFFFFF80000000ULL, lower = 0x7FFFFFFFULL;
    if (index_ >= 312) {
        for (int i = 0; i < 312; ++i) {
            const uint64_t x = (state_[i] & upper) | (state_[(i + 1) % 312] & lower);
            uint64_t next = x >> 1;
            if (x & 1) next ^= 0xB5026F5AA96619E9ULL;
            state_[i] = state_[(i + 156) % 312] ^ next;
        }
        index_ = 0;
    }
    uint64_t y = state_[index_++];
    y ^= (y >> 29) & 0x5555555555555555ULL;
    y ^= (y << 17) & 0x71D67FFFEDA60000ULL;
    y ^= (y << 37) & 0xFFF7EEE000000000ULL;
    y ^= y >> 43;
    return y;
}

double NormalStream::next() noexcept {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    // u1 in (0, 1] (log stays finite), u2 in [0, 1): 53 random bits each.
    const double u1 = static_cast<double>((bits() >> 11) + 1) * 0x1.0p-53;
    const double u2 = static_cast<double>(bits() >> 11) * 0x1.0p-53;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = radius * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return radius * std::cos(kTwoPi * u2);
}

double monte_carlo_var(const MonteCarloInput& in, const InterruptCheck& interrupts) {
    check_confidence(in.confidence);
    const int64_t k = in.assets;
    const Matrix covariance = Eigen::Map<const Matrix>(in.covariance, k, k);
    require_finite_moments(k, in.mean, in.covariance);
    const Matrix l = factor(covariance);
    const Eigen::Map<const Vector> mean(in.mean, k);
    const Eigen::Map<const Vector> weights(in.weights, k);

    NormalStream normals(in.seed);
    std::vector<double> outcomes(static_cast<size_t>(in.simulations));
    Vector z(k), daily(k), growth(k);
    for (int64_t path = 0; path < in.simulations; ++path) {
        if ((path & 255) == 0) interrupts.poll();
        growth.setOnes();
        for (int64_t day = 0; day < in.horizon_days; ++day) {
            for (int64_t i = 0; i < k; ++i) z[i] = normals.next();
            daily.noalias() = mean + l * z;
            // an asset cannot lose more than all of itself
            growth = growth.cwiseProduct((Vector::Ones(k) + daily).cwiseMax(0.0));
        }
        outcomes[static_cast<size_t>(path)] = weights.dot(growth - Vector::Ones(k));
    }
    const double var = -type7_quantile(outcomes.data(), outcomes.size(), 1.0 - in.confidence);
    if (!std::isfinite(var))
        fail(ErrorCode::NumericOutOfRange, "the simulated portfolio value overflows");
    return var;
}

bool component_var(int64_t k, const double* mean, const double* covariance, const double* weights,
                   double confidence, double* out) {
    check_confidence(confidence);
    require_finite_moments(k, mean, covariance);
    const Eigen::Map<const Matrix> s(covariance, k, k);
    const Eigen::Map<const Vector> mu(mean, k);
    const Eigen::Map<const Vector> w(weights, k);
    const Vector sw = s * w;
    const double variance = w.dot(sw);
    if (!(variance > 0.0)) return false;
    const double sigma = std::sqrt(variance);
    const double z = normal_quantile(1.0 - confidence);
    for (int64_t i = 0; i < k; ++i) out[i] = -(w[i] * mu[i] + z * w[i] * sw[i] / sigma);
    return true;
}

}  // namespace pgp::core
