#include "core/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <string>

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

double type7_quantile(double* values, size_t n, double p, size_t* lower_index) {
    if (n == 0) fail(ErrorCode::Internal, "quantile of an empty set");
    // The same arithmetic as PostgreSQL's percentile_cont, so results agree to the last bit.
    const double h = p * static_cast<double>(n - 1);
    const double first = std::floor(h);
    const double proportion = h - first;
    const size_t lo = std::min(static_cast<size_t>(first), n - 1);
    std::nth_element(values, values + lo, values + n);
    const double low = values[lo];
    if (lower_index != nullptr) *lower_index = lo;
    if (std::ceil(h) == first || lo + 1 >= n) return low;
    // Everything right of lo is >= low after nth_element; the next order statistic is their min.
    const double high = *std::min_element(values + lo + 1, values + n);
    return low + proportion * (high - low);
}

HistoricalTail historical_tail(double* values, size_t n, double confidence) {
    check_confidence(confidence);
    size_t lo = 0;
    const double q = type7_quantile(values, n, 1.0 - confidence, &lo);
    // Values strictly below q all sit in [0, lo]: the ones right of lo are >= x[lo + 1] >= q.
    CompensatedSum tail;
    size_t below = 0;
    for (size_t i = 0; i <= lo; ++i) {
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
