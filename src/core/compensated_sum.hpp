// Neumaier's compensated summation: the error of a long sum stays O(eps) instead of O(n eps).
// Flat and trivially copyable so it can live inside palloc'd aggregate states.
#pragma once

#include <cmath>

#include "core/byte_codec.hpp"

namespace pgp::core {

struct CompensatedSum {
    double sum = 0.0;
    double compensation = 0.0;

    void add(double x) noexcept {
        const double t = sum + x;
        if (std::fabs(sum) >= std::fabs(x)) {
            compensation += (sum - t) + x;
        } else {
            compensation += (x - t) + sum;
        }
        sum = t;
    }
    void subtract(double x) noexcept { add(-x); }
    void merge(const CompensatedSum& other) noexcept {
        add(other.sum);
        add(other.compensation);
    }
    double value() const noexcept { return sum + compensation; }

    // In a state's stored form: the sum, then its compensation (not renormalised, so a decoded
    // state continues exactly where the encoded one stopped).
    void encode(ByteWriter& out) const {
        out.f64(sum);
        out.f64(compensation);
    }
    static CompensatedSum decode(ByteReader& in) {
        CompensatedSum s;
        s.sum = in.f64();
        s.compensation = in.f64();
        return s;
    }
};

}  // namespace pgp::core
