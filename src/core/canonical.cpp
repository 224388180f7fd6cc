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

namespace {
// Decodes a fixed-size summary, lets `canonicalize` normalise its fields and encodes it into out;
// false when it does not decode.
template <typename Summary, typename Canonicalize>
bool canonical_fixed(const uint8_t* in, size_t size, uint8_t (&out)[Summary::kEncodedSize],
                     const char* what, Canonicalize canonicalize) noexcept {
    try {
        ByteReader reader(in, size);
        Summary s = Summary::decode(reader);
        reader.expect_end(what);
        canonicalize(s);
        ByteWriter writer(out, sizeof out);
        s.encode(writer);
        return writer.written() == sizeof out;
    } catch (...) {
        return false;
    }
}
}  // namespace

bool canonical_return_summary(const uint8_t* in, size_t size,
                              uint8_t (&out)[ReturnSummary::kEncodedSize]) noexcept {
    return canonical_fixed<ReturnSummary>(in, size, out, "return_summary", [](ReturnSummary& s) {
        Moments& m = s.moments;
        for (double* v : {&m.mean, &m.m2, &m.m3, &m.m4}) *v = canonical_double(*v);
        s.growth.log_growth = canonical_sum(s.growth.log_growth);
    });
}

bool canonical_pair_summary(const uint8_t* in, size_t size,
                            uint8_t (&out)[PairSummary::kEncodedSize]) noexcept {
    return canonical_fixed<PairSummary>(in, size, out, "pair_summary", [](PairSummary& s) {
        PairMoments& m = s.moments;
        for (double* v : {&m.mean_x, &m.mean_y, &m.mean_d, &m.m2_x, &m.m2_y, &m.m2_d, &m.c_xy})
            *v = canonical_double(*v);
    });
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
