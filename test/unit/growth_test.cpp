// Compounded growth (twr) against hand-worked products.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/growth.hpp"

using pgp::core::Error;
using pgp::core::ErrorCode;
using pgp::core::GrowthState;

namespace {
GrowthState of(const std::vector<double>& rs) {
    GrowthState s;
    for (double r : rs) s.add(r);
    return s;
}
}  // namespace

TEST(Growth, LinksSubPeriodReturns) {
    // Portfolio Performance's example: -9.94 %, +8.31 %, +28.73 % link to +25.58 %.
    const GrowthState s = of({-0.0994, 0.0831, 0.2873});
    const double expected = (1 - 0.0994) * (1 + 0.0831) * (1 + 0.2873) - 1;  // 0.255757...
    EXPECT_NEAR(s.compounded_return(), expected, 1e-15);
    // the published +25.58 % was linked from unrounded sub-period returns: agree to their rounding
    EXPECT_NEAR(s.compounded_return(), 0.2558, 2e-4);
    EXPECT_EQ(s.n, 3);
}

TEST(Growth, TotalLossIsMinusOne) {
    GrowthState s = of({0.5, -1.0, 0.2});
    EXPECT_EQ(s.compounded_return(), -1.0);
    EXPECT_EQ(s.growth_factor(), 0.0);
    s.remove(-1.0);  // a moving window leaves the wipe-out behind
    EXPECT_NEAR(s.compounded_return(), 1.5 * 1.2 - 1, 1e-15);
}

TEST(Growth, RejectsNonFiniteAndImpossibleReturns) {
    GrowthState s;
    EXPECT_THROW(s.add(std::nan("")), Error);
    EXPECT_THROW(s.add(INFINITY), Error);
    try {
        s.add(-1.5);
        FAIL() << "a return below -100 % must be rejected";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::DataException);
    }
    EXPECT_EQ(s.n, 0);
}

TEST(Growth, MergeEqualsSequential) {
    std::vector<double> rs;
    for (int i = 0; i < 1000; ++i) rs.push_back(0.01 * std::sin(i * 0.7));
    const GrowthState all = of(rs);
    GrowthState left = of({rs.begin(), rs.begin() + 400});
    left.merge(of({rs.begin() + 400, rs.end()}));
    EXPECT_EQ(left.n, all.n);
    EXPECT_NEAR(left.compounded_return(), all.compounded_return(),
                1e-13 * std::fabs(all.compounded_return()));
}

TEST(Growth, MovingWindowMatchesRecomputation) {
    std::vector<double> rs;
    for (int i = 0; i < 5000; ++i) rs.push_back(0.02 * std::cos(i * 1.3) + 0.0003);
    GrowthState window;
    const size_t width = 60;
    for (size_t i = 0; i < rs.size(); ++i) {
        window.add(rs[i]);
        if (i >= width) window.remove(rs[i - width]);
        if (i + 1 >= width) {
            const GrowthState fresh = of({rs.begin() + (i + 1 - width), rs.begin() + i + 1});
            ASSERT_NEAR(window.compounded_return(), fresh.compounded_return(),
                        1e-12 * std::fabs(fresh.compounded_return()) + 1e-15);
        }
    }
}

TEST(Growth, EncodeDecodeRoundTrip) {
    const GrowthState s = of({0.01, -0.02, 0.03, -1.0});
    uint8_t buffer[GrowthState::kEncodedSize];
    pgp::core::ByteWriter w(buffer, sizeof buffer);
    s.encode(w);
    EXPECT_EQ(buffer[0], GrowthState::kFormatVersion);
    EXPECT_EQ(buffer[1], 4);  // n, little-endian
    pgp::core::ByteReader r(buffer, sizeof buffer);
    const GrowthState back = GrowthState::decode(r);
    EXPECT_EQ(back.n, 4);
    EXPECT_EQ(back.total_losses, 1);
    EXPECT_EQ(back.log_growth.sum, s.log_growth.sum);

    buffer[0] = 99;  // a foreign version is refused, not misread
    pgp::core::ByteReader bad(buffer, sizeof buffer);
    EXPECT_THROW(GrowthState::decode(bad), Error);
}
