#include "core/var_historical.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/parameters.hpp"

namespace pgp::core {

size_t grow_capacity(size_t current, size_t needed, size_t header_bytes, size_t elem_bytes,
                     const char* what) {
    const size_t limit = max_elements(header_bytes, elem_bytes);
    if (needed > limit)
        fail(ErrorCode::ProgramLimitExceeded,
             std::string(what) + " would need " + std::to_string(needed) +
                 " values, more than the " + std::to_string(limit) +
                 " that fit in PostgreSQL's 1 GB allocation limit; aggregate fewer rows per group "
                 "or use the bounded-memory _approx variant");
    size_t capacity = current < 64 ? 64 : current;
    while (capacity < needed) capacity = capacity > limit / 2 ? limit : capacity * 2;
    return std::min(capacity, limit);
}

void check_finite_return(double r) {
    if (!std::isfinite(r))
        fail(ErrorCode::DataException, "return must be a finite number, got " + show(r));
}

void check_same_confidence(bool first_row, double stored, double given) {
    if (first_row) {
        check_confidence(given);
    } else if (given != stored) {
        fail(ErrorCode::InvalidParameter, "confidence must be the same in every row, got " +
                                              show(stored) + " and " + show(given));
    }
}

namespace {

struct AdjacentOrderStatistics {
    double low;   // the lo-th smallest value (0-based)
    double high;  // the (lo + 1)-th
};

// Both by nth_element: O(n) on average, about three passes over the data.
AdjacentOrderStatistics select_by_nth_element(double* values, size_t n, size_t lo) {
    std::nth_element(values, values + lo, values + n);
    // Everything right of lo is >= values[lo] now; the next order statistic is their minimum.
    return {values[lo], *std::min_element(values + lo + 1, values + n)};
}

// Sampled selection (the idea of Floyd and Rivest): a sorted sample of kSample values taken at a
// fixed stride brackets the wanted ranks with a margin of several binomial standard deviations;
// one pass counts the values below the bracket and swaps the few inside it to the front, and
// nth_element runs on those alone. The sample only decides speed, never the answer: when the
// bracket misses the ranks (an unlucky sample, or many equal values at its edge) this falls back
// to nth_element on everything. Values must not be NaN (the aggregates reject non-finite input).
constexpr size_t kSample = 8192;
constexpr size_t kSampledSelectionFrom = size_t{1} << 16;

AdjacentOrderStatistics select_by_sample(double* values, size_t n, size_t lo) {
    std::vector<double> sample(kSample);
    const size_t stride = n / kSample;
    for (size_t i = 0; i < kSample; ++i) sample[i] = values[i * stride];
    std::sort(sample.begin(), sample.end());

    const double f = static_cast<double>(lo) / static_cast<double>(n);
    const double centre = f * static_cast<double>(kSample - 1);
    const double margin = 5.0 * std::sqrt(static_cast<double>(kSample) * f * (1.0 - f)) + 16.0;
    const double first = std::floor(centre - margin), last = std::ceil(centre + margin) + 1.0;
    const double lower = first < 0 ? -HUGE_VAL : sample[static_cast<size_t>(first)];
    const double upper =
        last >= static_cast<double>(kSample) ? HUGE_VAL : sample[static_cast<size_t>(last)];

    size_t below = 0, inside = 0;  // values[0..inside) lie in [lower, upper]
    for (size_t i = 0; i < n; ++i) {
        const double x = values[i];
        if (x < lower) {
            ++below;
        } else if (x <= upper) {
            std::swap(values[inside], values[i]);
            ++inside;
        }
    }
    if (below > lo || lo + 1 >= below + inside) return select_by_nth_element(values, n, lo);
    return select_by_nth_element(values, inside, lo - below);
}

}  // namespace

double type7_quantile(double* values, size_t n, double p) {
    if (n == 0) fail(ErrorCode::Internal, "quantile of an empty set");
    // The same arithmetic as PostgreSQL's percentile_cont, so results agree to the last bit.
    const double h = p * static_cast<double>(n - 1);
    const double first = std::floor(h);
    const double proportion = h - first;
    const size_t lo = std::min(static_cast<size_t>(first), n - 1);
    if (lo + 1 >= n) return *std::max_element(values, values + n);
    const AdjacentOrderStatistics s = n >= kSampledSelectionFrom
                                          ? select_by_sample(values, n, lo)
                                          : select_by_nth_element(values, n, lo);
    if (std::ceil(h) == first) return s.low;
    return s.low + proportion * (s.high - s.low);
}

HistoricalTail historical_tail(double* values, size_t n, double confidence) {
    check_confidence(confidence);
    const double q = type7_quantile(values, n, 1.0 - confidence);
    // One more pass: after a sampled selection the values below q are spread over the array.
    CompensatedSum tail;
    size_t below = 0;
    for (size_t i = 0; i < n; ++i) {
        if (values[i] < q) {
            tail.add(values[i]);
            ++below;
        }
    }
    HistoricalTail out;
    out.var = -q;
    out.cvar = below == 0 ? -q : -(tail.value() / static_cast<double>(below));
    return out;
}

}  // namespace pgp::core
