// Phi^-1 against values from scipy.stats.norm.ppf (printed with 17 significant digits).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/normal_distribution.hpp"

using pgp::core::normal_cdf;
using pgp::core::normal_quantile;

TEST(NormalDistribution, QuantileMatchesScipy) {
    struct Case {
        double p, x;
    };
    const Case cases[] = {
        {0.05, -1.6448536269514729},  {0.01, -2.3263478740408408},
        {0.975, 1.959963984540054},   {0.5, 0.0},
        {1e-10, -6.3613409024040557}, {0.999, 3.0902323061678132},
    };
    for (const Case& c : cases) {
        const double x = normal_quantile(c.p);
        EXPECT_NEAR(x, c.x, 1e-13 * std::max(1.0, std::fabs(c.x))) << "p = " << c.p;
    }
}

TEST(NormalDistribution, QuantileInvertsCdf) {
    for (double p = 0.001; p < 1; p += 0.001)
        ASSERT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-15 + 1e-14 * p);
}

TEST(NormalDistribution, QuantileRejectsOutOfRange) {
    EXPECT_THROW(normal_quantile(0.0), pgp::core::Error);
    EXPECT_THROW(normal_quantile(1.0), pgp::core::Error);
    EXPECT_THROW(normal_quantile(std::nan("")), pgp::core::Error);
}
