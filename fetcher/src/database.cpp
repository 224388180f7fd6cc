#include "database.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "copy_encoding.hpp"

namespace pgp::fetch {

struct Database::Connection {
    PGconn* pg = nullptr;
    ~Connection() {
        if (pg) PQfinish(pg);
    }
};

namespace {
// Owns a PGresult.
struct Result {
    PGresult* r;
    explicit Result(PGresult* r) : r(r) {}
    ~Result() { PQclear(r); }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
};

std::string trimmed_error(PGconn* pg) {
    std::string e = PQerrorMessage(pg);
    while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
    return e;
}

void exec(PGconn* pg, const char* sql, ExecStatusType expect = PGRES_COMMAND_OK) {
    Result r(PQexec(pg, sql));
    if (PQresultStatus(r.r) != expect) throw DatabaseError(trimmed_error(pg));
}

void copy_in(PGconn* pg, const char* copy_sql, const std::string& data) {
    {
        Result r(PQexec(pg, copy_sql));
        if (PQresultStatus(r.r) != PGRES_COPY_IN) throw DatabaseError(trimmed_error(pg));
    }
    constexpr std::size_t chunk = 1 << 20;
    for (std::size_t at = 0; at < data.size(); at += chunk) {
        const int n = static_cast<int>(std::min(chunk, data.size() - at));
        if (PQputCopyData(pg, data.data() + at, n) != 1) throw DatabaseError(trimmed_error(pg));
    }
    if (PQputCopyEnd(pg, nullptr) != 1) throw DatabaseError(trimmed_error(pg));
    std::string error;
    while (PGresult* r = PQgetResult(pg)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) error = trimmed_error(pg);
        PQclear(r);
    }
    if (!error.empty()) throw DatabaseError(error);
}

// Counts per symbol from a "symbol, inserted, updated" result.
void add_counts(PGresult* r, std::map<std::string, LoadCounts>& counts) {
    for (int i = 0; i < PQntuples(r); ++i) {
        LoadCounts& c = counts[PQgetvalue(r, i, 0)];
        c.inserted += std::stoll(PQgetvalue(r, i, 1));
        c.updated += std::stoll(PQgetvalue(r, i, 2));
    }
}

// New keys first. The fast way is an anti-join and a plain INSERT (about twice as fast as ON
// CONFLICT's speculative insertion into a partitioned table); the ts bounds ($2, $3: the batch's
// first and last day) let the planner prune to the partitions the batch touches, and the batch's
// symbols ($4) keep the other side of the join to their rows (an index range per partition)
// instead of everything stored so far, which would make a long backfill quadratic. If a concurrent
// loader inserts one of the keys in between, the INSERT fails with a unique violation and the
// batch falls back to ON CONFLICT DO NOTHING (from a savepoint), which waits for and skips it.
// RETURNING counts per symbol (xmax, the usual inserted-or-updated tell, cannot be read from a
// partitioned table, hence insert and update are separate statements).
constexpr const char* insert_new_quotes = R"SQL(
WITH ins AS (
    INSERT INTO portfolio.quotes (symbol, ts, open, high, low, close, adj_close, volume, source, fetched_at)
    SELECT symbol, day::timestamp AT TIME ZONE 'UTC', open, high, low, close, adj_close, volume, $1, now()
      FROM pg_temp.portfolio_fetch_stage s
     WHERE NOT EXISTS (SELECT 1 FROM portfolio.quotes q
                        WHERE q.symbol = s.symbol AND q.ts = s.day::timestamp AT TIME ZONE 'UTC'
                          AND q.symbol = ANY ($4::text[])
                          AND q.ts BETWEEN ($2::date::timestamp AT TIME ZONE 'UTC') AND ($3::date::timestamp AT TIME ZONE 'UTC'))
    RETURNING symbol
)
SELECT symbol, count(*), 0 FROM ins GROUP BY symbol
)SQL";

constexpr const char* insert_quotes_on_conflict = R"SQL(
WITH ins AS (
    INSERT INTO portfolio.quotes (symbol, ts, open, high, low, close, adj_close, volume, source, fetched_at)
    SELECT symbol, day::timestamp AT TIME ZONE 'UTC', open, high, low, close, adj_close, volume, $1, now()
      FROM pg_temp.portfolio_fetch_stage
    ON CONFLICT (symbol, ts) DO NOTHING
    RETURNING symbol
)
SELECT symbol, count(*), 0 FROM ins GROUP BY symbol
)SQL";

// Then the keys that existed, only where a value differs: values equal as numbers (100.50 =
// 100.5) are unchanged, so no new row version and fetched_at keeps its time. A source without
// adj_close (or volume) does not erase one stored by another source. Run only when some staged
// keys existed.
constexpr const char* update_quotes = R"SQL(
WITH upd AS (
    UPDATE portfolio.quotes q
       SET open = s.open, high = s.high, low = s.low, close = s.close,
           adj_close = coalesce(s.adj_close, q.adj_close), volume = coalesce(s.volume, q.volume),
           source = $1, fetched_at = now()
      FROM pg_temp.portfolio_fetch_stage s
     WHERE q.symbol = s.symbol AND q.ts = s.day::timestamp AT TIME ZONE 'UTC'
       AND q.symbol = ANY ($4::text[])
       AND q.ts BETWEEN ($2::date::timestamp AT TIME ZONE 'UTC') AND ($3::date::timestamp AT TIME ZONE 'UTC')
       AND ((q.open, q.high, q.low, q.close) IS DISTINCT FROM (s.open, s.high, s.low, s.close)
            OR (s.adj_close IS NOT NULL AND s.adj_close IS DISTINCT FROM q.adj_close)
            OR (s.volume IS NOT NULL AND s.volume IS DISTINCT FROM q.volume))
    RETURNING q.symbol
)
SELECT symbol, 0, count(*) FROM upd GROUP BY symbol
)SQL";

constexpr const char* upsert_fx = R"SQL(
WITH up AS (
    INSERT INTO portfolio.fx_rates AS f (day, base, quote, rate, source, fetched_at)
    SELECT day, base, quote, rate, $1, now() FROM pg_temp.portfolio_fetch_fx_stage
    ON CONFLICT (day, base, quote) DO UPDATE
       SET rate = EXCLUDED.rate, source = EXCLUDED.source, fetched_at = EXCLUDED.fetched_at
     WHERE f.rate IS DISTINCT FROM EXCLUDED.rate
    RETURNING f.base || '/' || f.quote AS symbol, f.xmax = 0 AS inserted
)
SELECT symbol, count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up GROUP BY symbol
)SQL";

// A row already quarantined with the same text, reason and source is not recorded twice, so a
// re-run of the same fetch adds nothing.
constexpr const char* insert_rejected = R"SQL(
INSERT INTO portfolio.quotes_rejected (symbol, raw, reason, source)
SELECT DISTINCT s.symbol, s.raw, s.reason, $1 FROM pg_temp.portfolio_fetch_reject_stage s
 WHERE NOT EXISTS (SELECT 1 FROM portfolio.quotes_rejected r
                    WHERE r.symbol IS NOT DISTINCT FROM s.symbol AND r.source = $1
                      AND r.reason = s.reason AND r.raw = s.raw)
)SQL";

// Runs a check whose first column is true when the database is fit to load into; otherwise throws
// the message `refusal` writes from the result (its other columns say who or what is missing).
template <typename Refusal>
void require(PGconn* pg, const char* query, Refusal refusal) {
    Result r(PQexec(pg, query));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK) throw DatabaseError(trimmed_error(pg));
    if (std::string(PQgetvalue(r.r, 0, 0)) != "t") throw DatabaseError(refusal(r.r));
}
}  // namespace

Database::Database(const std::string& dsn, std::int64_t test_pause_ms)
    : conn_(std::make_unique<Connection>()), test_pause_ms_(test_pause_ms) {
    // fallback_application_name shows the loader in pg_stat_activity unless the DSN names one
    const char* keys[] = {"dbname", "fallback_application_name", nullptr};
    const char* values[] = {dsn.c_str(), "portfolio-fetch", nullptr};
    conn_->pg = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (!conn_->pg || PQstatus(conn_->pg) != CONNECTION_OK)
        throw DatabaseError("cannot connect to the database: " +
                            (conn_->pg ? trimmed_error(conn_->pg) : "out of memory"));
    PGconn* pg = conn_->pg;
    require(pg,
            "SELECT to_regclass('portfolio.quotes') IS NOT NULL AND "
            "to_regclass('portfolio.fx_rates') IS NOT NULL"
            " AND to_regclass('portfolio.quotes_rejected') IS NOT NULL"
            " AND to_regprocedure('portfolio.ensure_quote_partitions(date,date)') IS NOT NULL",
            [&](PGresult*) {
                return std::string("database \"") + PQdb(pg) +
                       "\" has no pg_portfolio quote tables: run CREATE EXTENSION "
                       "pg_portfolio there first";
            });
    // reference data is written by portfolio_loader (or the extension's owner) only
    require(pg,
            "SELECT has_table_privilege('portfolio.quotes', 'INSERT')"
            " AND has_table_privilege('portfolio.fx_rates', 'INSERT, UPDATE')"
            " AND has_function_privilege('portfolio.ensure_quote_partitions(date,date)',"
            " 'EXECUTE'), current_user",
            [](PGresult* r) {
                return std::string("role \"") + PQgetvalue(r, 0, 1) +
                       "\" may not load quotes: run the fetcher as a member of "
                       "portfolio_loader (GRANT portfolio_loader TO " +
                       PQgetvalue(r, 0, 1) + ")";
            });
    // Staging tables: session-local, no WAL, emptied at each commit.
    exec(pg, "SET client_min_messages = warning");
    // a whole batch of the staging table in memory (temp tables use local buffers, 8 MB by default)
    exec(pg, "SET temp_buffers = '64MB'");
    exec(pg,
         "CREATE TEMP TABLE portfolio_fetch_stage (symbol text, day date, open numeric, high "
         "numeric, low numeric,"
         " close numeric, adj_close numeric, volume numeric) ON COMMIT DELETE ROWS");
    exec(
        pg,
        "CREATE TEMP TABLE portfolio_fetch_fx_stage (base text, quote text, day date, rate numeric)"
        " ON COMMIT DELETE ROWS");
    exec(pg,
         "CREATE TEMP TABLE portfolio_fetch_reject_stage (symbol text, raw text, reason text) ON "
         "COMMIT DELETE ROWS");
}

Database::~Database() = default;

// The pg_portfolio_partitions job makes partitions ahead, so this finds them and changes nothing;
// a batch of days beyond them (a backfill of old history, a job that stopped) makes its own.
// ensure_quote_partitions attaches a new partition with SHARE UPDATE EXCLUSIVE on
// portfolio.quotes, which readers do not conflict with; only VACUUM, ANALYZE or DDL on quotes can
// hold it up. So it waits at most lock_timeout, then gives the lock back (nobody queues behind a
// waiting loader), sleeps and tries again, kPartitionAttempts times.
void Database::ensure_partitions(const std::string& from, const std::string& to) {
    PGconn* pg = conn_->pg;
    const char* days[2] = {from.c_str(), to.c_str()};
    const std::string set_timeout =
        "SET LOCAL lock_timeout = '" + std::to_string(lock_timeout_ms_) + "ms'";
    std::int64_t backoff_ms = 250;
    for (int attempt = 1;; ++attempt) {
        exec(pg, "BEGIN");
        exec(pg, set_timeout.c_str());
        Result r(PQexecParams(pg, "SELECT portfolio.ensure_quote_partitions($1::date, $2::date)", 2,
                              nullptr, days, nullptr, nullptr, 0));
        if (PQresultStatus(r.r) == PGRES_TUPLES_OK) {
            exec(pg, "COMMIT");
            return;
        }
        const char* state = PQresultErrorField(r.r, PG_DIAG_SQLSTATE);
        const bool lock_timeout = state && std::string(state) == "55P03";
        const std::string error = trimmed_error(pg);
        { Result rollback(PQexec(pg, "ROLLBACK")); }
        if (!lock_timeout) throw DatabaseError(error);
        const std::string what = "quote partitions for " + from + " .. " + to;
        if (attempt == kPartitionAttempts)
            throw DatabaseError(
                "gave up creating the " + what + ": portfolio.quotes stayed locked (" +
                std::to_string(attempt) + " attempts, lock_timeout " +
                std::to_string(lock_timeout_ms_) +
                " ms each). Look for a long VACUUM, ANALYZE or DDL on portfolio.quotes, or make "
                "the partitions ahead: SELECT portfolio.maintain_quote_partitions() (the "
                "pg_portfolio_partitions job) or portfolio.ensure_quote_partitions(from, to)");
        if (notice_)
            notice_("creating the " + what + ": portfolio.quotes is locked (lock_timeout " +
                    std::to_string(lock_timeout_ms_) + " ms), attempt " + std::to_string(attempt) +
                    " of " + std::to_string(kPartitionAttempts) + ", retrying in " +
                    std::to_string(backoff_ms) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
        backoff_ms = std::min<std::int64_t>(backoff_ms * 2, 4000);
    }
}

std::optional<Day> Database::last_day(const std::string& symbol) {
    PGconn* pg = conn_->pg;
    const std::optional<FxPair> fx = fx_pair_of(symbol);
    const char* sql =
        fx ? "SELECT max(day)::text FROM portfolio.fx_rates WHERE base = $1 AND quote = $2"
           : "SELECT (max(ts) AT TIME ZONE 'UTC')::date::text FROM portfolio.quotes WHERE symbol = "
             "$1";
    const char* params[2] = {fx ? fx->base.c_str() : symbol.c_str(),
                             fx ? fx->quote.c_str() : nullptr};
    Result r(PQexecParams(pg, sql, fx ? 2 : 1, nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK) throw DatabaseError(trimmed_error(pg));
    if (PQgetisnull(r.r, 0, 0)) return std::nullopt;
    return parse_iso_date(PQgetvalue(r.r, 0, 0));
}

namespace {
// The result of a statement that returns "symbol, inserted, updated" rows, added to counts.
void exec_counted(PGconn* pg, const char* sql, int n_params, const char* const* params,
                  std::map<std::string, LoadCounts>& counts) {
    Result r(PQexecParams(pg, sql, n_params, nullptr, params, nullptr, nullptr, 0));
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK) throw DatabaseError(trimmed_error(pg));
    add_counts(r.r, counts);
}

// New quote keys (insert_new_quotes, or on a concurrent loader's unique violation
// insert_quotes_on_conflict); returns how many rows were inserted.
std::int64_t insert_quotes(PGconn* pg, const char* const* qparams,
                           std::map<std::string, LoadCounts>& counts) {
    std::int64_t inserted = 0;
    auto run_insert = [&](const char* sql) -> bool {
        Result r(PQexecParams(pg, sql, sql == insert_quotes_on_conflict ? 1 : 4, nullptr, qparams,
                              nullptr, nullptr, 0));
        if (PQresultStatus(r.r) != PGRES_TUPLES_OK) {
            const char* state = PQresultErrorField(r.r, PG_DIAG_SQLSTATE);
            if (sql == insert_new_quotes && state && std::string(state) == "23505") return false;
            throw DatabaseError(trimmed_error(pg));
        }
        add_counts(r.r, counts);
        for (int i = 0; i < PQntuples(r.r); ++i) inserted += std::stoll(PQgetvalue(r.r, i, 1));
        return true;
    };
    exec(pg, "SAVEPOINT portfolio_fetch_insert");
    if (!run_insert(insert_new_quotes)) {
        exec(pg, "ROLLBACK TO SAVEPOINT portfolio_fetch_insert");
        run_insert(insert_quotes_on_conflict);
    }
    return inserted;
}

// The batch's quotes: staged by COPY, new keys inserted, then changed values updated (only when
// some staged keys existed).
void load_quotes(PGconn* pg, const CopyBatch& batch, const std::string& source,
                 std::map<std::string, LoadCounts>& counts) {
    copy_in(pg, "COPY pg_temp.portfolio_fetch_stage FROM STDIN", batch.quotes);
    const std::string first = format_iso_date(*batch.first_day);
    const std::string last = format_iso_date(*batch.last_day);
    const std::string symbols = quote_symbols_array(batch);
    const char* qparams[4] = {source.c_str(), first.c_str(), last.c_str(), symbols.c_str()};
    if (insert_quotes(pg, qparams, counts) < batch.quote_rows)
        exec_counted(pg, update_quotes, 4, qparams, counts);
}
}  // namespace

std::map<std::string, LoadCounts> Database::load_batch(const std::vector<Bar>& bars,
                                                       const std::vector<Rejected>& rejected,
                                                       const std::string& source) {
    PGconn* pg = conn_->pg;
    std::map<std::string, LoadCounts> counts;
    const CopyBatch batch = encode_copy_batch(bars, rejected);
    const char* params[1] = {source.c_str()};
    try {
        if (batch.first_day) {
            // In its own short transaction: creating a partition locks portfolio.quotes, which
            // must not be held for a whole batch. Empty partitions left by a stopped run are
            // harmless.
            ensure_partitions(format_iso_date(*batch.first_day), format_iso_date(*batch.last_day));
        }
        exec(pg, "BEGIN");
        if (!batch.quotes.empty()) load_quotes(pg, batch, source, counts);
        if (!batch.fx.empty()) {
            copy_in(pg, "COPY pg_temp.portfolio_fetch_fx_stage FROM STDIN", batch.fx);
            exec_counted(pg, upsert_fx, 1, params, counts);
        }
        if (!batch.rejected.empty()) {
            copy_in(pg, "COPY pg_temp.portfolio_fetch_reject_stage FROM STDIN", batch.rejected);
            Result r(PQexecParams(pg, insert_rejected, 1, nullptr, params, nullptr, nullptr, 0));
            if (PQresultStatus(r.r) != PGRES_COMMAND_OK) throw DatabaseError(trimmed_error(pg));
        }
        // Test hook (PORTFOLIO_FETCH_TEST_PAUSE_MS): hold the transaction open so a test can kill
        // the process in the middle of a batch.
        if (test_pause_ms_ > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(test_pause_ms_));
        exec(pg, "COMMIT");
    } catch (const DatabaseError&) {
        if (PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) != PQTRANS_IDLE) {
            Result r(PQexec(pg, "ROLLBACK"));
        }
        throw;
    }
    for (const auto& [symbol, n] : batch.rows_per_symbol) {
        LoadCounts& c = counts[symbol];
        c.unchanged = n - c.inserted - c.updated;
    }
    return counts;
}

}  // namespace pgp::fetch
