#include "api_run.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "fetch.hpp"
#include "resume_plan.hpp"
#include "stopwatch.hpp"
#include "symbol_batches.hpp"

namespace pgp::fetch {

namespace {
FetchSettings settings_of(const Options& o, const std::string& api_key) {
    const std::time_t now = std::time(nullptr);
    FetchSettings settings;
    settings.provider = o.provider;
    const ProviderInfo& info = provider_info(o.provider);
    settings.base_url = o.base_url.empty() ? info.default_base_url : o.base_url;
    settings.api_key = api_key;
    settings.retry = o.retry;
    settings.today = utc_day_of(now);
    settings.limits.latest_day = latest_plausible_day(now);
    return settings;
}

std::vector<SymbolPlan> plan_of(const Options& o, Database& db, Log& log) {
    auto stored_end = [&](const std::string& symbol) {
        StoredEnd end;
        try {
            end.last_day = db.last_day(symbol);
        } catch (const DatabaseError& e) {
            end.error = "database: " + log.redacted(e.what());
        }
        return end;
    };
    return plan_resume(o.symbols, {o.from, *o.to, o.backfill_days}, stored_end);
}

SymbolStats stats_of_plan(const SymbolPlan& plan) {
    SymbolStats stats;
    stats.symbol = plan.symbol;
    stats.failed = !plan.error.empty();
    stats.error = plan.error;
    stats.from = format_iso_date(plan.from);
    stats.to = format_iso_date(plan.to);
    stats.up_to_date = plan.up_to_date;
    return stats;
}

// Loads one symbol's rows in batches of `batch_size`, the rejected rows with the first batch;
// a failed batch ends the symbol, so what is stored stays a prefix of its span.
void load_symbol(Database& db, const std::string& source, int batch_size, const SymbolFetch& f,
                 SymbolStats& stats, Log& log) {
    const std::vector<Bar>& bars = f.rows.bars;
    static const std::vector<Rejected> none;
    for (const BatchRange& range : symbol_batches(bars.size(), static_cast<std::size_t>(batch_size),
                                                  !f.rows.rejected.empty())) {
        const std::vector<Bar> batch(bars.begin() + static_cast<std::ptrdiff_t>(range.begin),
                                     bars.begin() + static_cast<std::ptrdiff_t>(range.end));
        try {
            const auto counts =
                db.load_batch(batch, range.with_rejected ? f.rows.rejected : none, source);
            for (const auto& [symbol, c] : counts) add_load_counts(stats, c);
        } catch (const DatabaseError& e) {
            stats.failed = true;
            stats.error = "database: " + log.redacted(e.what());
            log.info(f.symbol + ": " + stats.error);
            return;
        }
    }
}

// What the fetch of a symbol found, before its rows load.
void record_fetch(const SymbolFetch& f, SymbolStats& stats, Log& log) {
    stats.fetched = f.rows.fetched;
    stats.rejected = static_cast<std::int64_t>(f.rows.rejected.size());
    if (f.rows.outside > 0)
        log.info(f.symbol + ": " + std::to_string(f.rows.outside) + " rows outside " + stats.from +
                 ".." + stats.to + " ignored");
    if (f.failed) {
        stats.failed = true;
        stats.error = f.error;
        log.info(f.symbol + ": failed: " + f.error);
    }
}

// The workers: each takes the next planned symbol, fetches it and hands the result over.
class FetchWorkers {
  public:
    FetchWorkers(const Options& o, const FetchSettings& settings, Log& log,
                 const std::vector<SymbolPlan>& plans)
        : settings_(settings),
          log_(log),
          plans_(plans),
          throttle_(o.requests_per_minute.value_or(
              provider_info(o.provider).default_requests_per_minute)) {
        const std::size_t n = std::min(plans.size(), static_cast<std::size_t>(o.concurrency));
        for (std::size_t w = 0; w < n; ++w)
            threads_.emplace_back([this, w, timeout = o.timeout_ms] { work(w, timeout); });
    }
    ~FetchWorkers() {
        for (std::thread& t : threads_) t.join();
    }
    FetchWorkers(const FetchWorkers&) = delete;
    FetchWorkers& operator=(const FetchWorkers&) = delete;

    // The next finished symbol, waiting for one; call once per plan.
    SymbolFetch next_result() {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !results_.empty(); });
        SymbolFetch f = std::move(results_.front());
        results_.pop_front();
        return f;
    }

  private:
    void work(std::size_t w, std::int64_t timeout_ms) {
        HttpClient http(timeout_ms, "portfolio-fetch/1.0 (pg_portfolio)");
        std::mt19937_64 rng(std::random_device{}() + w);
        for (std::size_t i = next_++; i < plans_.size(); i = next_++) {
            SymbolFetch f = fetch_symbol(settings_, http, throttle_, log_, rng, plans_[i].symbol,
                                         plans_[i].from, plans_[i].to);
            std::lock_guard<std::mutex> lock(mutex_);
            results_.push_back(std::move(f));
            ready_.notify_one();
        }
    }

    const FetchSettings& settings_;
    Log& log_;
    const std::vector<SymbolPlan>& plans_;
    Throttle throttle_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<SymbolFetch> results_;
    std::atomic<std::size_t> next_{0};
    std::vector<std::thread> threads_;
};
}  // namespace

int run_api(const Options& o, const std::string& api_key, Database& db, Log& log,
            RunSummary& summary) {
    const FetchSettings settings = settings_of(o, api_key);
    std::vector<SymbolPlan> plans;
    for (const SymbolPlan& plan : plan_of(o, db, log)) {
        summary.symbols.push_back(stats_of_plan(plan));
        if (plan.fetch()) plans.push_back(plan);
    }
    std::map<std::string, SymbolStats*> by_symbol;
    for (SymbolStats& s : summary.symbols) by_symbol[s.symbol] = &s;

    // Workers fetch; this thread loads, one batch at a time, as results arrive.
    const std::string source = provider_info(o.provider).name;
    std::size_t done = 0;
    std::int64_t rows = 0;
    const Stopwatch started;
    {
        FetchWorkers workers(o, settings, log, plans);
        log.progress({0, std::size_t{0}, plans.size(), 0, 0});
        while (done < plans.size()) {
            const SymbolFetch f = workers.next_result();
            SymbolStats& stats = *by_symbol[f.symbol];
            record_fetch(f, stats, log);
            load_symbol(db, source, o.batch_size, f, stats, log);
            rows += static_cast<std::int64_t>(f.rows.bars.size());
            ++done;
            log.progress({static_cast<double>(done) / static_cast<double>(plans.size()), done,
                          plans.size(), rows, started.seconds()});
        }
    }
    log.end_progress();
    return 0;
}

}  // namespace pgp::fetch
