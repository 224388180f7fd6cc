#include "csv_run.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <thread>

#include "csv_batches.hpp"
#include "stopwatch.hpp"

namespace pgp::fetch {

namespace {
constexpr int exit_usage = 2;

CsvSelection selection_of(const Options& o) {
    CsvSelection s;
    s.symbols = std::set<std::string>(o.symbols.begin(), o.symbols.end());
    s.from = o.from.value_or(std::numeric_limits<Day>::min());
    s.to = o.from || o.to ? *o.to : std::numeric_limits<Day>::max();
    return s;
}

// The file's size for the progress fraction; 0 for standard input or a pipe.
double size_of(FILE* in) {
    struct stat st {};
    if (in != stdin && fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode))
        return static_cast<double>(st.st_size);
    return 0;
}

// What the loader wrote per symbol, and whether a batch failed.
struct CsvLoaded {
    std::map<std::string, SymbolStats> stats;  // inserted/updated/unchanged/failed
    bool failed = false;
};

// Loads the queue's batches until it closes or one fails (then the reader is stopped).
void load_batches(const Options& o, Database& db, Log& log, BatchQueue& queue, double total_bytes,
                  CsvLoaded& loaded) {
    const std::string source = provider_info(o.provider).name;
    const Stopwatch started;
    std::int64_t rows = 0;
    while (std::optional<CsvBatch> batch = queue.pop()) {
        try {
            for (const auto& [symbol, c] : db.load_batch(batch->bars, batch->rejected, source))
                add_load_counts(stats_of(loaded.stats, symbol), c);
        } catch (const DatabaseError& e) {
            // later batches are not attempted: the rows after a gap would hide it from the
            // next incremental run
            loaded.failed = true;
            log.info("database: " + log.redacted(e.what()));
            for (const Bar& b : batch->bars) {
                SymbolStats& s = stats_of(loaded.stats, b.symbol);
                s.failed = true;
                s.error = std::string("database: ") + e.what();
            }
            queue.stop();
            return;
        }
        rows += static_cast<std::int64_t>(batch->bars.size());
        // stdin has no size: the fraction stays 0, so there is no bar to fill and no ETA
        log.progress({total_bytes > 0 ? static_cast<double>(batch->bytes_read) / total_bytes : 0,
                      std::nullopt, 0, rows, started.seconds()});
    }
}

// One summary entry per symbol read: what was read, with what was loaded; a symbol with valid
// rows that no batch loaded (after a failed one) is failed, so no row goes missing silently.
void summarize(const Options& o, CsvReadResult& read, const CsvLoaded& loaded, Log& log,
               RunSummary& summary) {
    for (auto& [symbol, s] : read.stats) {
        if (const auto it = loaded.stats.find(symbol); it != loaded.stats.end()) {
            s.inserted = it->second.inserted;
            s.updated = it->second.updated;
            s.unchanged = it->second.unchanged;
            s.failed = it->second.failed;
            s.error = it->second.error;
        } else if (loaded.failed && s.fetched > s.rejected) {
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
}
}  // namespace

int run_csv(const Options& o, Database& db, Log& log, RunSummary& summary) {
    FILE* in = o.file == "-" ? stdin : std::fopen(o.file.c_str(), "rb");
    if (!in) {
        log.info("cannot open " + o.file + ": " + std::strerror(errno));
        return exit_usage;
    }
    const double total_bytes = size_of(in);
    const CsvSelection selection = selection_of(o);
    ValidationLimits limits;
    limits.latest_day = latest_plausible_day(std::time(nullptr));

    BatchQueue queue(2);
    CsvReadResult read;
    std::thread reader([&] {
        read_csv_batches(in, selection, limits, static_cast<std::size_t>(o.batch_size), queue,
                         read);
    });
    CsvLoaded loaded;
    load_batches(o, db, log, queue, total_bytes, loaded);
    reader.join();
    if (in != stdin) std::fclose(in);
    log.end_progress();
    if (read.ignored > 0)
        log.info(std::to_string(read.ignored) + " rows outside --symbols/--from/--to ignored");
    summarize(o, read, loaded, log, summary);
    return 0;
}

}  // namespace pgp::fetch
