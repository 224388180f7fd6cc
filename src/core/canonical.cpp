#include "core/canonical.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace pgp::core {

double canonical_double(double v) noexcept {
    if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
    if (v == 0.0) return 0.0;  // -0.0 == 0.0
    return v;
}

CompensatedSum canonical_sum(CompensatedSum s) noexcept {
    const double a = s.sum, b = s.compensation;
    if (!std::isfinite(a) || !std::isfinite(b)) {
        return CompensatedSum{canonical_double(a), canonical_double(b)};
    }
    // Knuth's two-sum: hi + lo == a + b exactly, hi = fl(a + b)
    const double hi = a + b;
    const double bb = hi - a;
    const double lo = (a - (hi - bb)) + (b - bb);
    return CompensatedSum{canonical_double(hi), canonical_double(lo)};
}

bool canonical_return_summary(const uint8_t* in, size_t size,
                              uint8_t (&out)[ReturnSummary::kEncodedSize]) noexcept {
    try {
        ByteReader reader(in, size);
        ReturnSummary s = ReturnSummary::decode(reader);
        reader.expect_end("return_summary");
        s.moments.mean = canonical_double(s.moments.mean);
        s.moments.m2 = canonical_double(s.moments.m2);
        s.moments.m3 = canonical_double(s.moments.m3);
        s.moments.m4 = canonical_double(s.moments.m4);
        s.growth.log_growth = canonical_sum(s.growth.log_growth);
        ByteWriter writer(out, sizeof out);
        s.encode(writer);
        return writer.written() == sizeof out;
    } catch (...) {
        return false;
    }
}

bool canonical_pair_summary(const uint8_t* in, size_t size,
                            uint8_t (&out)[PairSummary::kEncodedSize]) noexcept {
    try {
        ByteReader reader(in, size);
        PairSummary s = PairSummary::decode(reader);
        reader.expect_end("pair_summary");
        PairMoments& m = s.moments;
        for (double* v : {&m.mean_x, &m.mean_y, &m.mean_d, &m.m2_x, &m.m2_y, &m.m2_d, &m.c_xy})
            *v = canonical_double(*v);
        ByteWriter writer(out, sizeof out);
        s.encode(writer);
        return writer.written() == sizeof out;
    } catch (...) {
        return false;
    }
}

bool canonical_quantile_sketch(const uint8_t* in, size_t size, QuantileSketch& scratch,
                               uint8_t* out, size_t capacity, size_t& written) noexcept {
    try {
        std::memset(static_cast<void*>(&scratch), 0, sizeof scratch);
        ByteReader reader(in, size);
        QuantileSketch::decode(reader, scratch);
        reader.expect_end("quantile sketch");
        scratch.confidence = 0.0;
        const size_t n = scratch.encoded_size();
        if (n > capacity) return false;
        ByteWriter writer(out, n);
        scratch.encode(writer);
        written = writer.written();
        return written == n;
    } catch (...) {
        return false;
    }
}

}  // namespace pgp::core
