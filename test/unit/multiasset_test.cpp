// Co-moments, covariance/correlation, component VaR and Monte Carlo VaR against numpy/scipy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/comoments.hpp"
#include "core/error.hpp"
#include "core/monte_carlo.hpp"
#include "core/normal_distribution.hpp"

using namespace pgp::core;

namespace {
const double kRows[5][3] = {{0.01, 0.02, -0.01},
                            {0.03, -0.01, 0.0},
                            {-0.02, 0.01, 0.02},
                            {0.005, 0.004, -0.003},
                            {0.012, -0.02, 0.01}};

struct Block {
    std::vector<double> memory;
    ComomentHeader* h;
    explicit Block(int64_t k) : memory(comoment_bytes(k) / 8 + 1, 0.0) {
        h = reinterpret_cast<ComomentHeader*>(memory.data());
        h->k = k;
    }
};

void expect_close(double a, double b, double rel) {
    EXPECT_LE(std::fabs(a - b), rel * std::max(std::fabs(b), 1e-300)) << a << " vs " << b;
}
}  // namespace

TEST(Comoments, CovarianceAndCorrelationMatchNumpy) {
    Block b(3);
    for (const auto& row : kRows) comoment_add(b.h, row);
    double cov[9];
    covariance_matrix(b.h, 1, cov);
    const double expected[9] = {0.0003238,
                                -0.0001374,
                                -0.00013020000000000002,
                                -0.0001374,
                                0.0002532,
                                -5.64e-05,
                                -0.00013020000000000002,
                                -5.64e-05,
                                0.00013780000000000002};
    for (int i = 0; i < 9; ++i) expect_close(cov[i], expected[i], 1e-12);  // np.cov
    double cor[9];
    bool defined[9];
    correlation_matrix(b.h, cor, defined);
    expect_close(cor[1], -0.4798621105831163, 1e-12);  // np.corrcoef
    expect_close(cor[2], -0.616379169359988, 1e-12);
    expect_close(cor[5], -0.30194138618610133, 1e-12);
    EXPECT_EQ(cor[0], 1.0);
}

TEST(Comoments, MergeEqualsSequential) {
    Block all(3), left(3), right(3);
    for (int i = 0; i < 5; ++i) {
        comoment_add(all.h, kRows[i]);
        comoment_add(i < 2 ? left.h : right.h, kRows[i]);
    }
    comoment_merge(left.h, right.h);
    double a[9], m[9];
    covariance_matrix(all.h, 1, a);
    covariance_matrix(left.h, 1, m);
    for (int i = 0; i < 9; ++i) expect_close(m[i], a[i], 1e-13);
    EXPECT_EQ(left.h->n, 5);
}

TEST(Comoments, LengthAndParameterChecks) {
    Block b(3);
    const double two[2] = {0.1, 0.2};
    EXPECT_THROW(check_vector(*b.h, two, 2), Error);
    const double w3[3] = {0.5, 0.3, 0.2};
    const PortfolioParameters p{0.95, 1, 10000, 42};
    try {
        set_or_check_portfolio(b.h, w3, 2, p);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidParameter);
    }
    set_or_check_portfolio(b.h, w3, 3, p);
    const double changed[3] = {0.5, 0.3, 0.25};
    EXPECT_THROW(set_or_check_portfolio(b.h, changed, 3, p), Error);
    Block c(3);
    EXPECT_THROW(
        set_or_check_portfolio(c.h, w3, 3, PortfolioParameters{0.95, 1, kMaxSimulations + 1, 1}),
        Error);
    EXPECT_THROW(set_or_check_portfolio(c.h, w3, 3, PortfolioParameters{1.5, 1, 100, 1}), Error);
    EXPECT_THROW(set_or_check_portfolio(c.h, w3, 3, PortfolioParameters{0.95, 0, 100, 1}), Error);
}

TEST(ComponentVar, MatchesScipyAndSumsToPortfolioVar) {
    Block b(3);
    for (const auto& row : kRows) comoment_add(b.h, row);
    double cov[9];
    covariance_matrix(b.h, 0, cov);  // population
    const double w[3] = {0.5, 0.3, 0.2};
    double out[3];
    ASSERT_TRUE(component_var(3, comoment_mean(b.h), cov, w, 0.95, out));
    expect_close(out[0], 0.008030323245517985, 1e-9);
    expect_close(out[1], -0.0005389596330113004, 1e-9);
    expect_close(out[2], -0.0033800566523707076, 1e-9);
    expect_close(out[0] + out[1] + out[2], 0.004111306960135978, 1e-9);  // -(mu_p + z sigma_p)
}

TEST(MonteCarlo, OwnMersenneTwisterIsTheStandardOne) {
    // NormalStream draws from its own mt19937_64: check its bit stream via the standard engine's
    // definition by reproducing the first normals with std::mt19937_64 and the same transform.
    std::mt19937_64 reference(42);
    NormalStream stream(42);
    for (int i = 0; i < 1000; ++i) {
        const double u1 = static_cast<double>((reference() >> 11) + 1) * 0x1.0p-53;
        const double u2 = static_cast<double>(reference() >> 11) * 0x1.0p-53;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        const double angle = 6.283185307179586476925286766559 * u2;
        EXPECT_EQ(stream.next(), radius * std::cos(angle));
        EXPECT_EQ(stream.next(), radius * std::sin(angle));
    }
}

namespace {
// A portfolio of two assets and its one-day Monte Carlo VaR.
struct TwoAssets {
    double mean[2];
    double cov[4];
    double w[2];
    double var(double confidence, int64_t simulations, uint64_t seed) const {
        const MonteCarloInput in{2, mean, cov, w, confidence, 1, simulations, seed};
        return monte_carlo_var(in, InterruptCheck{});
    }
};
}  // namespace

TEST(MonteCarlo, ConvergesToGaussianVarAndIsDeterministic) {
    const TwoAssets p{{0.0005, 0.0002}, {0.0001, 0.00003, 0.00003, 0.0004}, {0.6, 0.4}};
    const double var = p.var(0.99, 400000, 42);
    const double mu = 0.6 * 0.0005 + 0.4 * 0.0002;
    const double sigma = std::sqrt(0.36 * 0.0001 + 2 * 0.24 * 0.00003 + 0.16 * 0.0004);
    const double gaussian = -(mu + normal_quantile(0.01) * sigma);
    EXPECT_NEAR(var, gaussian, 0.01 * gaussian);  // Monte Carlo error of 4e5 paths is ~0.3 %
    EXPECT_EQ(p.var(0.99, 400000, 42), var);
    EXPECT_NE(p.var(0.99, 400000, 43), var);
}

TEST(MonteCarlo, SemidefiniteCovarianceFallsBack) {
    // asset 2 is exactly twice asset 1: singular covariance, Cholesky fails, eigen fallback works
    const TwoAssets p{{0.0, 0.0}, {0.0001, 0.0002, 0.0002, 0.0004}, {1.0, 0.0}};
    EXPECT_NEAR(p.var(0.95, 200000, 1), -normal_quantile(0.05) * 0.01, 0.02 * 0.0164);
}

TEST(MonteCarlo, HorizonCompounds) {
    // zero variance: every path compounds the mean exactly, (1 + m)^h - 1
    const double mean[1] = {0.01};
    const double cov[1] = {0.0};
    const double w[1] = {1.0};
    const MonteCarloInput in{1, mean, cov, w, 0.95, 10, 100, 1};
    EXPECT_NEAR(monte_carlo_var(in, InterruptCheck{}), -(std::pow(1.01, 10) - 1), 1e-14);
}

TEST(MonteCarlo, OverflowingMomentsAreAnErrorNotNaN) {
    // returns of 1e307 give an infinite variance; a NaN mean is no better
    const double huge = std::numeric_limits<double>::infinity();
    const double w[2] = {0.5, 0.5};
    const double mean[2] = {0.0, 0.0};
    const double cov[4] = {huge, 0.0, 0.0, 0.0001};
    const MonteCarloInput in{2, mean, cov, w, 0.95, 1, 100, 1};
    try {
        monte_carlo_var(in, InterruptCheck{});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NumericOutOfRange);
    }
    const double nan_mean[2] = {std::nan(""), 0.0};
    const double fine_cov[4] = {0.0001, 0.0, 0.0, 0.0001};
    const MonteCarloInput nan_in{2, nan_mean, fine_cov, w, 0.95, 1, 100, 1};
    EXPECT_THROW(monte_carlo_var(nan_in, InterruptCheck{}), Error);
    double out[2];
    EXPECT_THROW(component_var(2, mean, cov, w, 0.95, out), Error);
}

TEST(MonteCarlo, PollsForCancel) {
    const double mean[1] = {0.0};
    const double cov[1] = {0.0001};
    const double w[1] = {1.0};
    const MonteCarloInput in{1, mean, cov, w, 0.95, 1, 100000, 1};
    InterruptCheck always;
    always.pending = []() noexcept { return true; };
    EXPECT_THROW(monte_carlo_var(in, always), Cancelled);
}
