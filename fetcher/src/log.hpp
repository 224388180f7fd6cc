// Messages on standard error, with every secret redacted, and progress (progress.hpp): a line
// redrawn in place on a terminal, a plain line every few seconds elsewhere, or none
// (--no-progress). Thread-safe: the fetch workers log through it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "progress.hpp"

namespace pgp::fetch {

enum class ProgressMode { off, terminal, plain };

class Log {
  public:
    // plain_interval: seconds between plain progress lines (ProgressMode::plain)
    Log(std::vector<std::string> secrets, ProgressMode mode, double plain_interval = 10)
        : secrets_(std::move(secrets)), mode_(mode), pace_(plain_interval) {}

    void info(const std::string& message);
    // terminal: replaces the progress line; plain: prints a line when one is due; off: nothing
    void progress(const ProgressSnapshot& snapshot);
    void end_progress();
    std::string redacted(const std::string& text) const;

  private:
    std::mutex mutex_;
    std::vector<std::string> secrets_;
    ProgressMode mode_;
    PlainProgressPace pace_;
    bool progress_shown_ = false;
};

// "[#######.............] 35%" style bar of a fraction in [0, 1].
std::string progress_bar(double fraction, int width = 30);

}  // namespace pgp::fetch
