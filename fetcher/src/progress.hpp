// What the fetcher shows while it works: on a terminal one line redrawn in place,
//   [#########.....................]  30% 3/10 symbols, 12,345 rows, 4,100 rows/s, ETA 0:07
// elsewhere (a log file, a pipe, cron) plain lines at most every `plain_interval` seconds,
//   portfolio-fetch: progress 3/10 symbols (30%), 12,345 rows, 4,100 rows/s, ETA 0:07
// The fraction done is symbols done / total for the API providers and bytes read / file size
// for a csv file (then there is no symbol count). Pure formatting, unit-tested; Log prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pgp::fetch {

struct ProgressSnapshot {
    double fraction = 0;              // of the work done, in [0, 1]
    std::optional<std::size_t> done;  // symbols finished (API providers)
    std::size_t total = 0;            // symbols planned
    std::int64_t rows = 0;            // rows loaded so far
    double elapsed_seconds = 0;
};

// "0:07", "12:34", "1:02:03"; "--:--" when unknown (nothing done yet, or not finite).
std::string format_duration(double seconds);
// 12345 -> "12,345"
std::string thousands(std::int64_t n);
// rows per second so far ("4,100 rows/s") and the time left at the rate the fraction grew
std::string rate_text(const ProgressSnapshot& p);
std::optional<double> eta_seconds(const ProgressSnapshot& p);

std::string progress_line(const ProgressSnapshot& p);   // the terminal form, with the bar
std::string progress_plain(const ProgressSnapshot& p);  // the plain form, one line of a log

// When a plain line is due: the first after `interval` seconds, then every `interval`.
class PlainProgressPace {
  public:
    explicit PlainProgressPace(double interval) : interval_(interval), next_(interval) {}
    bool due(double elapsed_seconds) noexcept;

  private:
    double interval_;
    double next_;
};

}  // namespace pgp::fetch
