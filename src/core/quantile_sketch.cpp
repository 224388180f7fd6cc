#include "core/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/parameters.hpp"

namespace pgp::core {

namespace {
constexpr double kGamma =
    (1.0 + QuantileSketch::kRelativeAccuracy) / (1.0 - QuantileSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
const double max_magnitude_cached =
    QuantileSketch::kMinMagnitude * std::pow(kGamma, QuantileSketch::kBuckets);

// Bucket of a magnitude above kMinMagnitude: i - 1 where i = ceil(log_gamma(x / m)).
int bucket_of(double magnitude) {
    const double i = std::ceil(std::log(magnitude / QuantileSketch::kMinMagnitude) / kLogGamma);
    const int bucket = static_cast<int>(std::max(i, 1.0)) - 1;
    if (bucket >= QuantileSketch::kBuckets)
        fail(ErrorCode::DataException, "value of magnitude " + show(magnitude) +
                                           " is beyond the approximate quantile sketch's range (" +
                                           show(QuantileSketch::max_magnitude()) + ")");
    return bucket;
}

// The value a bucket answers with: within kRelativeAccuracy of everything in (m g^b, m g^(b+1)].
double representative(int bucket) noexcept {
    return QuantileSketch::kMinMagnitude * 2.0 * std::pow(kGamma, bucket + 1) / (kGamma + 1.0);
}

// Visits the buckets in ascending order of value: negatives by decreasing magnitude, zero,
// positives.
template <typename Visit>
void ascending(const QuantileSketch& s, Visit&& visit) {
    for (int b = QuantileSketch::kBuckets - 1; b >= 0; --b)
        if (s.negative[b] != 0 && !visit(s.negative[b], -representative(b))) return;
    if (s.zero_count != 0 && !visit(s.zero_count, 0.0)) return;
    for (int b = 0; b < QuantileSketch::kBuckets; ++b)
        if (s.positive[b] != 0 && !visit(s.positive[b], representative(b))) return;
}

void encode_store(ByteWriter& out, const uint64_t* store) {
    int first = 0, last = QuantileSketch::kBuckets - 1;
    while (first < QuantileSketch::kBuckets && store[first] == 0) ++first;
    while (last >= first && store[last] == 0) --last;
    const int64_t run = first <= last ? last - first + 1 : 0;
    out.i64(run == 0 ? 0 : first);
    out.i64(run);
    for (int64_t b = 0; b < run; ++b) out.u64(store[first + b]);
}

uint64_t decode_store(ByteReader& in, uint64_t* store) {
    const int64_t first = in.i64();
    const int64_t run = in.i64();
    // first + run is not computed before both are known to be small: two huge values overflowed
    // it to a negative sum that passed the check, and the loop wrote far outside the store
    // (a backend crash on a crafted binary COPY, found by test/suites/fuzz.sh)
    if (first < 0 || run < 0 || first > QuantileSketch::kBuckets ||
        run > QuantileSketch::kBuckets - first)
        fail(ErrorCode::CorruptState, "quantile sketch has a bucket run out of range");
    uint64_t total = 0;
    for (int64_t b = 0; b < run; ++b) {
        store[first + b] = in.u64();
        if (store[first + b] > UINT64_MAX - total)
            fail(ErrorCode::CorruptState, "quantile sketch counts do not add up");
        total += store[first + b];
    }
    return total;
}
}  // namespace

double QuantileSketch::max_magnitude() noexcept {
    return kMinMagnitude * std::pow(kGamma, kBuckets);
}

bool QuantileSketch::try_add(double x) noexcept {
    const double magnitude = std::fabs(x);
    if (!(magnitude <= max_magnitude_cached)) return false;  // also false for NaN
    if (magnitude <= kMinMagnitude) {
        ++zero_count;
    } else {
        const double i = std::ceil(std::log(magnitude / kMinMagnitude) / kLogGamma);
        const int bucket = static_cast<int>(std::max(i, 1.0)) - 1;
        if (bucket >= kBuckets) return false;
        ++(x > 0 ? positive : negative)[bucket];
    }
    ++count;
    return true;
}

void QuantileSketch::add(double x) {
    if (!std::isfinite(x))
        fail(ErrorCode::DataException, "return must be a finite number, got " + show(x));
    const double magnitude = std::fabs(x);
    if (magnitude <= kMinMagnitude)
        ++zero_count;
    else if (x > 0)
        ++positive[bucket_of(magnitude)];
    else
        ++negative[bucket_of(magnitude)];
    ++count;
}

void QuantileSketch::merge(const QuantileSketch& other) {
    if (other.count == 0) return;
    if (count != 0 && other.confidence != confidence)
        fail(ErrorCode::InvalidParameter, "confidence must be the same in every row, got " +
                                              show(confidence) + " and " + show(other.confidence));
    confidence = other.confidence;
    count += other.count;
    zero_count += other.zero_count;
    for (int b = 0; b < kBuckets; ++b) {
        negative[b] += other.negative[b];
        positive[b] += other.positive[b];
    }
}

double QuantileSketch::value_at_rank(uint64_t k) const {
    if (k >= count) fail(ErrorCode::Internal, "sketch rank out of range");
    double found = 0.0;
    uint64_t seen = 0;
    ascending(*this, [&](uint64_t n, double value) {
        seen += n;
        if (k < seen) {
            found = value;
            return false;
        }
        return true;
    });
    return found;
}

double QuantileSketch::quantile(double p) const {
    const double h = p * static_cast<double>(count - 1);
    const double first = std::floor(h);
    const double low = value_at_rank(static_cast<uint64_t>(first));
    if (std::ceil(h) == first) return low;
    const double high = value_at_rank(static_cast<uint64_t>(first) + 1);
    return low + (h - first) * (high - low);
}

double QuantileSketch::var(double conf) const {
    check_confidence(conf);
    return -quantile(1.0 - conf);
}

double QuantileSketch::cvar(double conf) const {
    check_confidence(conf);
    const double h = (1.0 - conf) * static_cast<double>(count - 1);
    const double first = std::floor(h);
    // The ranks below the interpolated quantile: 0..floor(h) when it lies strictly above x[floor
    // h].
    const uint64_t below = static_cast<uint64_t>(first) + (h > first ? 1 : 0);
    if (below == 0) return var(conf);
    CompensatedSum sum;
    uint64_t remaining = below;
    ascending(*this, [&](uint64_t n, double value) {
        const uint64_t take = std::min(n, remaining);
        sum.add(static_cast<double>(take) * value);
        remaining -= take;
        return remaining > 0;
    });
    return -(sum.value() / static_cast<double>(below));
}

size_t QuantileSketch::encoded_size() const noexcept {
    size_t size = 1 + 8 + 8 + 8;
    for (const uint64_t* store : {negative, positive}) {
        int first = 0, last = kBuckets - 1;
        while (first < kBuckets && store[first] == 0) ++first;
        while (last >= first && store[last] == 0) --last;
        size += 16 + 8 * static_cast<size_t>(first <= last ? last - first + 1 : 0);
    }
    return size;
}

void QuantileSketch::encode(ByteWriter& out) const {
    out.u8(kFormatVersion);
    out.f64(confidence);
    out.u64(count);
    out.u64(zero_count);
    encode_store(out, negative);
    encode_store(out, positive);
}

void QuantileSketch::decode(ByteReader& in, QuantileSketch& out) {
    in.expect_version(kFormatVersion, "quantile sketch");
    out.confidence = in.f64();
    out.count = in.u64();
    out.zero_count = in.u64();
    const uint64_t negative = decode_store(in, out.negative),
                   positive = decode_store(in, out.positive);
    // checked sums: counts that wrap around to the total must not pass
    if (negative > UINT64_MAX - out.zero_count ||
        positive > UINT64_MAX - out.zero_count - negative ||
        out.zero_count + negative + positive != out.count)
        fail(ErrorCode::CorruptState, "quantile sketch counts do not add up");
}

namespace {
void append_store(std::string& s, const char* name, const uint64_t* store) {
    int first = 0, last = QuantileSketch::kBuckets - 1;
    while (first < QuantileSketch::kBuckets && store[first] == 0) ++first;
    while (last >= first && store[last] == 0) --last;
    s += name;
    s += '=';
    if (first > last) return;
    s += std::to_string(first);
    s += ':';
    for (int b = first; b <= last; ++b) {
        if (b > first) s += ',';
        s += std::to_string(store[b]);
    }
}

[[noreturn]] void bad_text(const std::string& why) {
    fail(ErrorCode::DataException, "invalid input syntax for type quantile_sketch: " + why);
}

uint64_t parse_count(const char*& p) {
    if (*p < '0' || *p > '9')
        bad_text("expected a number at \"" + std::string(p).substr(0, 20) + "\"");
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9') {
        const uint64_t digit = static_cast<uint64_t>(*p - '0');
        if (v > (UINT64_MAX - digit) / 10) bad_text("count out of range");
        v = v * 10 + digit;
        ++p;
    }
    return v;
}

void expect_text(const char*& p, const char* literal) {
    const size_t n = std::strlen(literal);
    if (std::strncmp(p, literal, n) != 0) bad_text(std::string("expected \"") + literal + "\"");
    p += n;
}

uint64_t parse_store(const char*& p, uint64_t* store) {
    if (*p == ';' || *p == '\0') return 0;
    const uint64_t first = parse_count(p);
    expect_text(p, ":");
    uint64_t total = 0;
    for (uint64_t b = first;; ++b) {
        if (b >= static_cast<uint64_t>(QuantileSketch::kBuckets)) bad_text("bucket out of range");
        store[b] = parse_count(p);
        total += store[b];
        if (*p != ',') break;
        ++p;
    }
    return total;
}
}  // namespace

// The text form has no version field, unlike the binary one (kFormatVersion) and the summaries'
// "(version:1,...)": text that starts with "n=" is format 1 by definition (as written by 0.1 and
// 0.2). A later text format must start with a marker such as "version:2;" so that dumps of older
// versions still read.
size_t QuantileSketch::write_text(char* out, size_t capacity) const {
    std::string s = "n=" + std::to_string(count) + ";zero=" + std::to_string(zero_count) + ";";
    append_store(s, "neg", negative);
    s += ';';
    append_store(s, "pos", positive);
    if (s.size() + 1 > capacity) fail(ErrorCode::Internal, "quantile sketch text buffer too small");
    std::memcpy(out, s.c_str(), s.size() + 1);
    return s.size();
}

void QuantileSketch::read_text(const char* text, QuantileSketch& out) {
    const char* p = text;
    expect_text(p, "n=");
    out.count = parse_count(p);
    expect_text(p, ";zero=");
    out.zero_count = parse_count(p);
    expect_text(p, ";neg=");
    const uint64_t negatives = parse_store(p, out.negative);
    expect_text(p, ";pos=");
    const uint64_t positives = parse_store(p, out.positive);
    if (*p != '\0') bad_text("trailing characters");
    if (out.zero_count + negatives + positives != out.count)
        bad_text("bucket counts do not add up to n");
}

}  // namespace pgp::core
