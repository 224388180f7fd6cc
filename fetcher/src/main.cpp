// portfolio-fetch: loads daily quotes from a provider or a CSV file into pg_portfolio.
// This file wires the pieces: options, the fetch workers, the loader, the summary.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <limits>
#include <ctime>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <thread>

#include "csv_format.hpp"
#include "database.hpp"
#include "fetch.hpp"
#include "options.hpp"
#include "summary.hpp"
#include "url.hpp"

namespace pgp::fetch {
namespace {

constexpr int exit_usage = 2;

struct Clock {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
};

// Loads one symbol's rows in batches of `batch_size`, the rejected rows with the first batch.
void load_symbol(Database& db, const Options& o, const SymbolFetch& f, SymbolStats& stats,
                 Log& log) {
    const std::string source = provider_info(o.provider).name;
    const std::vector<Bar>& bars = f.rows.bars;
    std::size_t at = 0;
    bool rejects_done = f.rows.rejected.empty();
    static const std::vector<Rejected> none;
    while (at < bars.size() || !rejects_done) {
        const std::size_t n = std::min(bars.size() - at, static_cast<std::size_t>(o.batch_size));
        const std::vector<Bar> batch(bars.begin() + static_cast<std::ptrdiff_t>(at),
                                     bars.begin() + static_cast<std::ptrdiff_t>(at + n));
        try {
            const auto counts = db.load_batch(batch, rejects_done ? none : f.rows.rejected, source);
            for (const auto& [symbol, c] : counts) {
                stats.inserted += c.inserted;
                stats.updated += c.updated;
                stats.unchanged += c.unchanged;
            }
        } catch (const DatabaseError& e) {
            stats.failed = true;
            stats.error = "database: " + log.redacted(e.what());
            log.info(f.symbol + ": " + stats.error);
            return;
        }
        rejects_done = true;
        at += n;
    }
}

int run_http(const Options& o, const std::string& api_key, Database& db, Log& log,
             RunSummary& summary) {
    const ProviderInfo& info = provider_info(o.provider);
    const std::time_t now = std::time(nullptr);
    FetchSettings settings;
    settings.provider = o.provider;
    settings.base_url = o.base_url.empty() ? info.default_base_url : o.base_url;
    settings.api_key = api_key;
    settings.retry = o.retry;
    settings.today = utc_day_of(now);
    settings.limits.latest_day = latest_plausible_day(now);
    const Day to = *o.to;

    // The span of each symbol. Without --from a symbol restarts at its last stored date: that
    // bar is fetched again, so one stored while its session was still open gets its final values.
    struct Plan {
        std::string symbol;
        Day from = 0;
    };
    std::vector<Plan> plans;
    std::set<std::string> seen;
    for (const std::string& symbol : o.symbols) {
        if (!seen.insert(symbol).second) continue;
        SymbolStats stats;
        stats.symbol = symbol;
        Day from = 0;
        if (o.from) {
            from = *o.from;
        } else {
            std::optional<Day> last;
            try {
                last = db.last_day(symbol);
            } catch (const DatabaseError& e) {
                stats.failed = true;
                stats.error = "database: " + log.redacted(e.what());
            }
            from = last ? *last : to - o.backfill_days + 1;
        }
        stats.from = format_iso_date(from);
        stats.to = format_iso_date(to);
        if (!stats.failed && from > to) stats.up_to_date = true;
        const bool fetch = !stats.failed && !stats.up_to_date;
        summary.symbols.push_back(stats);
        if (fetch) plans.push_back({symbol, from});
    }
    std::map<std::string, SymbolStats*> by_symbol;
    for (SymbolStats& s : summary.symbols) by_symbol[s.symbol] = &s;

    // Workers fetch; this thread loads, one batch at a time, as results arrive.
    const double rpm = o.requests_per_minute.value_or(info.default_requests_per_minute);
    Throttle throttle(rpm);
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<SymbolFetch> results;
    std::atomic<std::size_t> next{0};
    const std::size_t workers = std::min(plans.size(), static_cast<std::size_t>(o.concurrency));
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            HttpClient http(o.timeout_ms, "portfolio-fetch/1.0 (pg_portfolio)");
            std::mt19937_64 rng(std::random_device{}() + w);
            for (std::size_t i = next++; i < plans.size(); i = next++) {
                SymbolFetch f = fetch_symbol(settings, http, throttle, log, rng, plans[i].symbol,
                                             plans[i].from, to);
                std::lock_guard<std::mutex> lock(mutex);
                results.push_back(std::move(f));
                ready.notify_one();
            }
        });
    }
    std::size_t done = 0;
    std::int64_t rows = 0;
    const Clock started;
    log.progress({0, std::size_t{0}, plans.size(), 0, 0});
    while (done < plans.size()) {
        SymbolFetch f;
        {
            std::unique_lock<std::mutex> lock(mutex);
            ready.wait(lock, [&] { return !results.empty(); });
            f = std::move(results.front());
            results.pop_front();
        }
        SymbolStats& stats = *by_symbol[f.symbol];
        stats.fetched = f.rows.fetched;
        stats.rejected = static_cast<std::int64_t>(f.rows.rejected.size());
        if (f.rows.outside > 0)
            log.info(f.symbol + ": " + std::to_string(f.rows.outside) + " rows outside " +
                     stats.from + ".." + stats.to + " ignored");
        if (f.failed) {
            stats.failed = true;
            stats.error = f.error;
            log.info(f.symbol + ": failed: " + f.error);
        }
        load_symbol(db, o, f, stats, log);
        rows += static_cast<std::int64_t>(f.rows.bars.size());
        ++done;
        log.progress({static_cast<double>(done) / static_cast<double>(plans.size()), done,
                      plans.size(), rows, started.seconds()});
    }
    for (std::thread& t : threads) t.join();
    log.end_progress();
    return 0;
}

// One batch of the csv source on its way from the reader thread to the loader.
struct CsvBatch {
    std::vector<Bar> bars;
    std::vector<Rejected> rejected;
    std::int64_t bytes_read = 0;  // of the input so far, for the progress bar
};

// A queue of at most `capacity` batches: the reader parses and validates the next batch while
// the loader waits for the database with the current one.
class BatchQueue {
  public:
    explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}
    // false when the consumer has stopped (a database failure): the reader may quit
    bool push(CsvBatch batch) {
        std::unique_lock<std::mutex> lock(mutex_);
        space_.wait(lock, [&] { return queue_.size() < capacity_ || stopped_; });
        if (stopped_) return false;
        queue_.push_back(std::move(batch));
        ready_.notify_one();
        return true;
    }
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        ready_.notify_one();
    }
    void stop() {
        std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
        space_.notify_all();
    }
    std::optional<CsvBatch> pop() {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return std::nullopt;
        CsvBatch b = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
        return b;
    }

  private:
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<CsvBatch> queue_;
    std::size_t capacity_;
    bool closed_ = false, stopped_ = false;
};

SymbolStats& stats_of(std::map<std::string, SymbolStats>& stats, std::string_view symbol) {
    auto it = stats.find(std::string(symbol));
    if (it == stats.end()) {
        it = stats.emplace(std::string(symbol), SymbolStats{}).first;
        it->second.symbol = std::string(symbol);
    }
    return it->second;
}

struct CsvReadResult {
    std::map<std::string, SymbolStats> stats;  // fetched and rejected per symbol
    std::int64_t ignored = 0;
    bool read_error = false;
};

// The reader thread: lines -> validated bars and rejected rows, in batches of o.batch_size bars.
void read_csv(FILE* in, const Options& o, BatchQueue& queue, CsvReadResult& result) {
    ValidationLimits limits;
    limits.latest_day = latest_plausible_day(std::time(nullptr));
    const Day from = o.from.value_or(std::numeric_limits<Day>::min());
    const Day to = o.from || o.to ? *o.to : std::numeric_limits<Day>::max();
    const std::set<std::string> wanted(o.symbols.begin(), o.symbols.end());
    auto& stats = result.stats;
    CsvBatch batch;
    batch.bars.reserve(static_cast<std::size_t>(o.batch_size));
    BatchKeys keys;
    std::int64_t line_number = 0, bytes = 0;
    CsvReader reader;
    RowFields fields;
    std::string error;
    char* line = nullptr;
    std::size_t capacity = 0;
    ssize_t length = 0;
    bool stopped = false;
    while (!stopped && (length = getline(&line, &capacity, in)) >= 0) {
        ++line_number;
        bytes += length;
        std::string_view text(line, static_cast<std::size_t>(length));
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        const CsvReader::Line kind = reader.read(text, fields, error);
        if (kind == CsvReader::Line::Blank || kind == CsvReader::Line::Header) continue;
        if (kind == CsvReader::Line::Bad) {
            // the first field, if it looks like a symbol; else the row has none (NULL)
            std::string symbol(text.substr(0, std::min(text.find(','), text.size())));
            if (!valid_symbol(symbol)) symbol.clear();
            batch.rejected.push_back(
                {symbol, std::string(text), "line " + std::to_string(line_number) + ": " + error});
            SymbolStats& s = stats_of(stats, symbol.empty() ? "(no symbol)" : symbol);
            ++s.rejected;
            ++s.fetched;
            continue;
        }
        if (!wanted.empty() && !wanted.count(std::string(fields.symbol))) {
            ++result.ignored;
            continue;
        }
        if (const auto day = parse_leading_date(fields.date); day && (*day < from || *day > to)) {
            ++result.ignored;
            continue;
        }
        SymbolStats& s = stats_of(stats, fields.symbol);
        ++s.fetched;
        auto checked = validate_row(fields, limits);
        if (auto* reason = std::get_if<std::string>(&checked)) {
            const std::string symbol =
                valid_symbol(fields.symbol) ? std::string(fields.symbol) : std::string();
            batch.rejected.push_back({symbol, std::string(text), std::move(*reason)});
            ++s.rejected;
        } else if (Bar& bar = std::get<Bar>(checked); !keys.insert(bar.symbol, bar.day)) {
            batch.rejected.push_back({std::string(fields.symbol), std::string(text),
                                      "duplicate (symbol, date): " + format_iso_date(bar.day) +
                                          " appears twice in the batch"});
            ++s.rejected;
        } else {
            batch.bars.push_back(std::move(bar));
            if (batch.bars.size() >= static_cast<std::size_t>(o.batch_size)) {
                batch.bytes_read = bytes;
                stopped = !queue.push(std::move(batch));
                batch = CsvBatch{};
                batch.bars.reserve(static_cast<std::size_t>(o.batch_size));
                keys.clear();
            }
        }
    }
    result.read_error = std::ferror(in) != 0;
    std::free(line);
    if (!stopped && (!batch.bars.empty() || !batch.rejected.empty())) {
        batch.bytes_read = bytes;
        queue.push(std::move(batch));
    }
    queue.close();
}

int run_csv(const Options& o, Database& db, Log& log, RunSummary& summary) {
    FILE* in = o.file == "-" ? stdin : std::fopen(o.file.c_str(), "rb");
    if (!in) {
        log.info("cannot open " + o.file + ": " + std::strerror(errno));
        return exit_usage;
    }
    double total_bytes = 0;
    struct stat st {};
    if (in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
        total_bytes = static_cast<double>(st.st_size);
    const std::string source = provider_info(o.provider).name;

    const Clock started;
    BatchQueue queue(2);
    CsvReadResult read;
    std::thread reader([&] { read_csv(in, o, queue, read); });

    std::map<std::string, SymbolStats> loaded_stats;  // inserted/updated/unchanged/failed
    std::int64_t loaded = 0;
    bool db_failed = false;
    while (std::optional<CsvBatch> batch = queue.pop()) {
        try {
            for (const auto& [symbol, c] : db.load_batch(batch->bars, batch->rejected, source)) {
                SymbolStats& s = stats_of(loaded_stats, symbol);
                s.inserted += c.inserted;
                s.updated += c.updated;
                s.unchanged += c.unchanged;
            }
        } catch (const DatabaseError& e) {
            // later batches are not attempted: the rows after a gap would hide it from the
            // next incremental run
            db_failed = true;
            log.info("database: " + log.redacted(e.what()));
            for (const Bar& b : batch->bars) {
                SymbolStats& s = stats_of(loaded_stats, b.symbol);
                s.failed = true;
                s.error = std::string("database: ") + e.what();
            }
            queue.stop();
            break;
        }
        loaded += static_cast<std::int64_t>(batch->bars.size());
        // stdin has no size: the fraction stays 0, so there is no bar to fill and no ETA
        log.progress({total_bytes > 0 ? static_cast<double>(batch->bytes_read) / total_bytes : 0,
                      std::nullopt, 0, loaded, started.seconds()});
    }
    reader.join();
    if (in != stdin) std::fclose(in);
    log.end_progress();
    if (read.ignored > 0)
        log.info(std::to_string(read.ignored) + " rows outside --symbols/--from/--to ignored");

    for (auto& [symbol, s] : read.stats) {
        if (const auto it = loaded_stats.find(symbol); it != loaded_stats.end()) {
            s.inserted = it->second.inserted;
            s.updated = it->second.updated;
            s.unchanged = it->second.unchanged;
            s.failed = it->second.failed;
            s.error = it->second.error;
        } else if (db_failed && s.fetched > s.rejected) {
            s.failed = true;
            s.error = "not loaded: an earlier batch failed";
        }
        summary.symbols.push_back(std::move(s));
    }
    if (read.read_error) {
        log.info("error reading " + o.file);
        SymbolStats s;
        s.symbol = o.file;
        s.failed = true;
        s.error = "read error";
        summary.symbols.push_back(s);
    }
    return 0;
}

int run(int argc, char** argv) {
    const std::time_t now = std::time(nullptr);
    const ParsedArgs parsed =
        parse_args(std::vector<std::string>(argv + 1, argv + argc), utc_day_of(now));
    if (!parsed.options) {
        std::fprintf(stderr, "portfolio-fetch: %s\nTry 'portfolio-fetch --help'.\n",
                     parsed.error.c_str());
        return exit_usage;
    }
    const Options& o = *parsed.options;
    if (o.help) {
        std::fputs(help_text().c_str(), stdout);
        return 0;
    }
    const ProviderInfo& info = provider_info(o.provider);
    std::string api_key;
    if (info.key_env) {
        const char* key = std::getenv(info.key_env);
        if (!key || !*key) {
            std::fprintf(stderr,
                         "portfolio-fetch: %s is not set; the %s API key is read from the "
                         "environment only\n",
                         info.key_env, info.name);
            return exit_usage;
        }
        api_key = key;
    }
    std::int64_t test_pause_ms = 0;
    if (const char* pause = std::getenv("PORTFOLIO_FETCH_TEST_PAUSE_MS"))
        test_pause_ms = std::atoll(pause);

    std::vector<std::string> secrets;
    if (!api_key.empty()) {
        secrets.push_back(api_key);
        secrets.push_back(url_encode(api_key));  // as it appears in request URLs
    }
    Log log(secrets, !o.progress             ? ProgressMode::off
                     : isatty(STDERR_FILENO) ? ProgressMode::terminal
                                             : ProgressMode::plain);
    CurlGlobal curl;
    Clock clock;
    std::unique_ptr<Database> db;
    try {
        db = std::make_unique<Database>(o.dsn, test_pause_ms);
        db->set_partition_lock_timeout_ms(o.lock_timeout_ms);
        db->set_notice([&log](const std::string& message) { log.info(message); });
    } catch (const DatabaseError& e) {
        log.info(e.what());
        return exit_usage;
    }
    RunSummary summary;
    summary.provider = info.name;
    const int rc = o.provider == Provider::Csv ? run_csv(o, *db, log, summary)
                                               : run_http(o, api_key, *db, log, summary);
    if (rc != 0) return rc;
    summary.elapsed_seconds = clock.seconds();
    const std::string report = o.json ? summary_json(summary) : summary_table(summary);
    std::fputs(log.redacted(report).c_str(), stdout);
    std::fflush(stdout);
    return exit_status(summary);
}

}  // namespace
}  // namespace pgp::fetch

int main(int argc, char** argv) {
    try {
        return pgp::fetch::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "portfolio-fetch: internal error: %s\n", e.what());
        return 1;
    }
}
