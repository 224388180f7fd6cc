#include "progress.hpp"

#include <cmath>
#include <cstdio>

#include "log.hpp"

namespace pgp::fetch {

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto s = static_cast<long long>(seconds + 0.5);
    char out[32];
    if (s >= 3600)
        std::snprintf(out, sizeof out, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(out, sizeof out, "%lld:%02lld", s / 60, s % 60);
    return out;
}

std::string thousands(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return n < 0 ? "-" + digits : digits;
}

std::optional<double> eta_seconds(const ProgressSnapshot& p) {
    // nothing done yet: no rate to extrapolate from
    if (p.fraction <= 0 || p.elapsed_seconds <= 0) return std::nullopt;
    return p.elapsed_seconds * (1 - std::min(p.fraction, 1.0)) / p.fraction;
}

std::string rate_text(const ProgressSnapshot& p) {
    if (p.elapsed_seconds <= 0) return "-- rows/s";
    return thousands(std::llround(static_cast<double>(p.rows) / p.elapsed_seconds)) + " rows/s";
}

namespace {
std::string counts(const ProgressSnapshot& p, bool percent_inline) {
    std::string out;
    if (p.done) {
        out = std::to_string(*p.done) + "/" + std::to_string(p.total) + " symbols";
        if (percent_inline)
            out += " (" + std::to_string(static_cast<int>(std::min(p.fraction, 1.0) * 100 + 0.5)) +
                   "%)";
        out += ", ";
    } else if (percent_inline) {
        out = std::to_string(static_cast<int>(std::min(p.fraction, 1.0) * 100 + 0.5)) + "%, ";
    }
    const auto eta = eta_seconds(p);
    return out + thousands(p.rows) + " rows, " + rate_text(p) + ", ETA " +
           format_duration(eta ? *eta : NAN);
}
}  // namespace

std::string progress_line(const ProgressSnapshot& p) {
    return progress_bar(p.fraction) + " " + counts(p, false);
}

std::string progress_plain(const ProgressSnapshot& p) { return "progress " + counts(p, true); }

bool PlainProgressPace::due(double elapsed_seconds) noexcept {
    if (elapsed_seconds < next_) return false;
    while (next_ <= elapsed_seconds) next_ += interval_;
    return true;
}

}  // namespace pgp::fetch
