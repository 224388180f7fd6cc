// Messages on standard error, with every secret redacted, and a progress line that is drawn
// only on a terminal. Thread-safe: the fetch workers log through it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace pgp::fetch {

class Log {
  public:
    Log(std::vector<std::string> secrets, bool progress_enabled)
        : secrets_(std::move(secrets)), progress_enabled_(progress_enabled) {}

    void info(const std::string& message);
    // Replaces the progress line (no-op unless enabled).
    void progress(const std::string& line);
    void end_progress();
    std::string redacted(const std::string& text) const;

  private:
    std::mutex mutex_;
    std::vector<std::string> secrets_;
    bool progress_enabled_;
    bool progress_shown_ = false;
};

// "[#######.............] 35%" style bar of a fraction in [0, 1].
std::string progress_bar(double fraction, int width = 30);

}  // namespace pgp::fetch
