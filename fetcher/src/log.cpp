#include "log.hpp"

#include <algorithm>
#include <cstdio>

#include "url.hpp"

namespace pgp::fetch {

std::string Log::redacted(const std::string& text) const { return redact(text, secrets_); }

void Log::info(const std::string& message) {
    const std::string line = "portfolio-fetch: " + redacted(message) + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    if (progress_shown_) std::fputs("\r\033[K", stderr);
    std::fputs(line.c_str(), stderr);
    progress_shown_ = false;
    std::fflush(stderr);
}

void Log::progress(const ProgressSnapshot& snapshot) {
    if (mode_ == ProgressMode::off) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (mode_ == ProgressMode::plain) {
        if (!pace_.due(snapshot.elapsed_seconds)) return;
        std::fprintf(stderr, "portfolio-fetch: %s\n", progress_plain(snapshot).c_str());
    } else {
        std::fprintf(stderr, "\r\033[K%s", progress_line(snapshot).c_str());
        progress_shown_ = true;
    }
    std::fflush(stderr);
}

void Log::end_progress() {
    if (mode_ != ProgressMode::terminal) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (progress_shown_) std::fputs("\r\033[K", stderr);
    progress_shown_ = false;
    std::fflush(stderr);
}

std::string progress_bar(double fraction, int width) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * width + 0.5);
    std::string out = "[";
    out.append(static_cast<std::size_t>(filled), '#');
    out.append(static_cast<std::size_t>(width - filled), '.');
    char pct[16];
    std::snprintf(pct, sizeof pct, "] %3d%%", static_cast<int>(fraction * 100 + 0.5));
    return out + pct;
}

}  // namespace pgp::fetch
