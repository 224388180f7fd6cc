#include "core/xirr.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/format.hpp"

namespace pgp::core {

namespace {
constexpr double kDaysPerYear = 365.0;

struct Flows {
    const CashFlow* flows;
    size_t n;
    double first_day;
    double span_years;  // years from the first to the last flow

    double years(size_t i) const noexcept { return (flows[i].days - first_day) / kDaysPerYear; }

    // Present value at rate x = exp(v) - 1, times exp(v * t_ref) with t_ref chosen so no exponent
    // is positive: the factor is positive, so the sign and the roots are those of the NPV itself.
    double scaled_npv(double v) const noexcept {
        const double t_ref = v < 0 ? span_years : 0.0;
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) sum += flows[i].amount * std::exp(-v * (years(i) - t_ref));
        return sum;
    }
};

// Newton on x itself, as Excel does; true with the rate when it converges inside (-1, inf).
bool newton(const Flows& f, double* rate) {
    double x = 0.1;
    for (int iteration = 0; iteration < 60; ++iteration) {
        double npv = 0.0, slope = 0.0;
        const double base = 1.0 + x;
        const double log_base = std::log(base);  // one log per iteration, then exp per flow
        for (size_t i = 0; i < f.n; ++i) {
            const double t = f.years(i);
            const double discounted = f.flows[i].amount * std::exp(-t * log_base);
            npv += discounted;
            slope -= t * discounted / base;
        }
        if (!std::isfinite(npv) || !std::isfinite(slope) || slope == 0.0) return false;
        const double next = x - npv / slope;
        if (!std::isfinite(next) || next <= -1.0) return false;
        if (std::fabs(next - x) <= 1e-13 * std::max(1.0, std::fabs(x))) {
            *rate = next;
            return true;
        }
        x = next;
    }
    return false;
}

// Brent's method for h(v) = 0 on [a, b] with h(a), h(b) of opposite signs.
double brent(const Flows& f, double a, double b, double fa, double fb) {
    double c = a, fc = fa, d = b - a, e = d;
    for (int iteration = 0; iteration < 200; ++iteration) {
        if ((fb > 0) == (fc > 0)) {
            c = a;
            fc = fa;
            d = e = b - a;
        }
        if (std::fabs(fc) < std::fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const double tolerance = 2e-16 * std::fabs(b) + 1e-300;
        const double m = 0.5 * (c - b);
        if (std::fabs(m) <= tolerance || fb == 0.0) return b;
        if (std::fabs(e) >= tolerance && std::fabs(fa) > std::fabs(fb)) {
            double p, q, r;
            const double s = fb / fa;
            if (a == c) {
                p = 2 * m * s;
                q = 1 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < std::min(3 * m * q - std::fabs(tolerance * q), std::fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += std::fabs(d) > tolerance ? d : (m > 0 ? tolerance : -tolerance);
        fb = f.scaled_npv(b);
    }
    return b;
}
}  // namespace

void check_cash_flow(double amount, double days) {
    if (!std::isfinite(amount))
        fail(ErrorCode::DataException,
             "cash flow amount must be a finite number, got " + show(amount));
    if (!std::isfinite(days))
        fail(ErrorCode::DataException, "cash flow date must be finite, got " + show(days));
}

bool xirr(const CashFlow* flows, size_t n, double* rate) {
    bool positive = false, negative = false;
    double first = INFINITY, last = -INFINITY;
    for (size_t i = 0; i < n; ++i) {
        positive = positive || flows[i].amount > 0;
        negative = negative || flows[i].amount < 0;
        first = std::min(first, flows[i].days);
        last = std::max(last, flows[i].days);
    }
    if (!positive || !negative || last == first) return false;
    const Flows f{flows, n, first, (last - first) / kDaysPerYear};
    if (newton(f, rate)) return true;

    // Bracket from the middle outwards so the root nearest x = 0 is found first.
    constexpr double kLow = -30.0, kHigh = 12.0, kStep = 0.05;
    const double v0 = 0.0;
    const double h0 = f.scaled_npv(v0);
    if (h0 == 0.0) {
        *rate = 0.0;
        return true;
    }
    double up = v0, h_up = h0, down = v0, h_down = h0;
    while (up < kHigh || down > kLow) {
        if (up < kHigh) {
            const double next = std::min(up + kStep, kHigh);
            const double h = f.scaled_npv(next);
            if ((h > 0) != (h_up > 0) || h == 0.0) {
                *rate = std::expm1(brent(f, up, next, h_up, h));
                return true;
            }
            up = next;
            h_up = h;
        }
        if (down > kLow) {
            const double next = std::max(down - kStep, kLow);
            const double h = f.scaled_npv(next);
            if ((h > 0) != (h_down > 0) || h == 0.0) {
                *rate = std::expm1(brent(f, next, down, h, h_down));
                return true;
            }
            down = next;
            h_down = h;
        }
    }
    return false;
}

}  // namespace pgp::core
