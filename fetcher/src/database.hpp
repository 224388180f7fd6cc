// The libpq side: connect, read where each symbol's history ends, and load one batch (COPY into
// temporary staging tables, then one upsert) per transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "civil_date.hpp"
#include "rows.hpp"
#include "summary.hpp"  // LoadCounts

namespace pgp::fetch {

struct DatabaseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Database {
  public:
    // Connects (dsn empty: PG* environment) and prepares the session; throws DatabaseError with
    // a message fit for the user (a configuration error).
    explicit Database(const std::string& dsn, std::int64_t test_pause_ms = 0);
    // Partition creation waits at most this long for its lock (SET LOCAL lock_timeout) and is
    // tried kPartitionAttempts times, with backoff, before the batch fails; each wait is reported
    // through the notice callback.
    static constexpr int kPartitionAttempts = 5;
    void set_partition_lock_timeout_ms(std::int64_t ms) { lock_timeout_ms_ = ms; }
    void set_notice(std::function<void(const std::string&)> notice) { notice_ = std::move(notice); }
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // The last stored date of a symbol: portfolio.quotes, or fx_rates for a pair.
    std::optional<Day> last_day(const std::string& symbol);

    // Loads bars (quotes and fx pairs alike) and quarantined rows in one transaction, after
    // making sure the monthly partitions exist. Returns the counts per symbol. On error the
    // transaction is rolled back and DatabaseError thrown.
    std::map<std::string, LoadCounts> load_batch(const std::vector<Bar>& bars,
                                                 const std::vector<Rejected>& rejected,
                                                 const std::string& source);

  private:
    struct Connection;
    std::unique_ptr<Connection> conn_;
    std::int64_t test_pause_ms_;
    std::int64_t lock_timeout_ms_ = 2000;
    std::function<void(const std::string&)> notice_;
    void ensure_partitions(const std::string& from, const std::string& to);
};

}  // namespace pgp::fetch
