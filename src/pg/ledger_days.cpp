// Glue for a portfolio's daily series from its ledger (src/core/ledger_days.hpp, valued by
// src/core/daily_values.hpp), behind portfolio.valuation_blocks() (src/sql/52_daily_values.sql):
//   ledger_days_agg(first_day, last_day, path_keys, paths, instrument, currency, price_key,
//                   rate_key, day, executed_at, kind, quantity, price, fees, method, label,
//                   cash_effect, flow, income, fee_part, held_quantity, held_cost,
//                   same_time_order, id) -> bytea                 one portfolio's ledger days
//     its rows sorted by instrument COLLATE "C", currency COLLATE "C", executed_at,
//     same_time_order, id: by the query, since an ORDER BY in the call would copy every argument
//     (the paths, megabytes, on every row) into the aggregate's sort; checked here
//   ledger_days(block, from_day) -> SETOF daily_series' columns but portfolio_id
//   ledger_day_ends(block) -> SETOF (instrument, currency, balance, position)
// One group is one portfolio: its transactions position by position (one lot book, reset between
// positions), each closing the holding span its day ends and adding its event to the day values
// at once, so no span or step is ever a row; or, for a portfolio whose stored ledger end serves,
// the rows of that end (held_quantity). The state lives in the aggregate memory context; the paths
// are read in place, never copied.
#include "pg/aggregate_support.hpp"
#include "pg/decimal_numeric.hpp"
#include "pg/position_support.hpp"
#include "pg/sql_function.hpp"
#include "pg/window_args.hpp"
#include "core/daily_values.hpp"
#include "core/ledger_days.hpp"
#include "core/lots.hpp"

#include <algorithm>
#include <string_view>

namespace core = pgp::core;
using pgp::pg::call_core;
using pgp::pg::decimal_from_numeric;

namespace {

constexpr const char* kLedgerDaysAgg = "ledger_days_agg";

// The arguments (0 is the state).
enum Arg {
    kFirstDay = 1,
    kLastDay,
    kPathKeys,
    kPaths,
    kInstrument,
    kCurrency,
    kPriceKey,
    kRateKey,
    kDay,
    kExecutedAt,  // position_apply's seven: executed_at, kind, quantity, price, fees, method, label
    kKind,
    kCashEffect = kExecutedAt + 7,
    kFlow,
    kIncome,
    kFeePart,
    kHeldQuantity,
    kHeldCost,
    kSameTimeOrder,
    kId,
};

std::string_view text_arg(FunctionCallInfo fcinfo, int argno) {
    if (PG_ARGISNULL(argno)) return {};
    text* t = PG_GETARG_TEXT_PP(argno);
    return {VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)};
}

// A copy in the aggregate context (the argument's memory lasts one row).
std::string_view keep(MemoryContext context, std::string_view s) {
    char* copy = static_cast<char*>(MemoryContextAlloc(context, std::max<size_t>(s.size(), 1)));
    memcpy(copy, s.data(), s.size());
    return {copy, s.size()};
}

core::Decimal amount_arg(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? core::Decimal() : decimal_from_numeric(PG_GETARG_DATUM(argno));
}

// The paths of one call, passed to every row as two arrays (keys text[], paths bytea[]; the same
// datums on every row: an InitPlan's output), indexed once per group and looked up by key.
struct PathEntry {
    std::string_view key;
    core::DayPathReader reader;
};

// Detoasted inside the aggregate context: a small array stored with a short header is copied by
// detoasting, and the copy must live as long as the state that points into it.
PathEntry* index_paths(MemoryContext context, Datum key_array, Datum path_array, int* count) {
    Datum *key_values, *path_values;
    bool *key_nulls, *path_nulls;
    int n_keys, n_paths;
    MemoryContext old = MemoryContextSwitchTo(context);
    deconstruct_array(DatumGetArrayTypeP(key_array), TEXTOID, -1, false, TYPALIGN_INT, &key_values,
                      &key_nulls, &n_keys);
    deconstruct_array(DatumGetArrayTypeP(path_array), BYTEAOID, -1, false, TYPALIGN_INT,
                      &path_values, &path_nulls, &n_paths);
    if (n_keys != n_paths)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("%s: %d path keys for %d paths", kLedgerDaysAgg, n_keys, n_paths)));
    auto* entries = static_cast<PathEntry*>(palloc(sizeof(PathEntry) * std::max(n_keys, 1)));
    int n = 0;
    for (int i = 0; i < n_keys; ++i) {
        if (key_nulls[i] || path_nulls[i]) continue;
        text* key = reinterpret_cast<text*>(PG_DETOAST_DATUM_PACKED(key_values[i]));
        bytea* path = reinterpret_cast<bytea*>(PG_DETOAST_DATUM_PACKED(path_values[i]));
        const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(path));
        const size_t size = VARSIZE_ANY_EXHDR(path);
        entries[n].key = std::string_view(VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key));
        entries[n].reader = call_core([&] { return core::DayPathReader::open(bytes, size); });
        ++n;
    }
    MemoryContextSwitchTo(old);
    std::sort(entries, entries + n,
              [](const PathEntry& a, const PathEntry& b) { return a.key < b.key; });
    *count = n;
    return entries;
}

// A currency of the portfolio's cash: its name, the FX path into the base currency, and the
// largest display scale of the amounts it moved (the ledger end shows its balance as the numeric
// sum of those amounts would be, portfolio.ledger_end_rows).
struct Currency {
    std::string_view name;
    bool convert;
    const core::DayPathReader* rate;
    int scale;
};

// The position whose transactions are being replayed.
struct Position {
    bool active;
    std::string_view instrument, currency;
    bool convert;
    const core::DayPathReader* price;
    const core::DayPathReader* rate;
    core::HoldingTrack track;
    // the last transaction's place in time order (executed_at, same_time_order, id)
    bool has_last;
    int64_t last_at, last_id;
    int32_t last_order;
};

// A growing array in the aggregate context (palloc'd, trivially copyable elements).
template <typename T>
struct Array {
    T* items;
    uint32_t count, capacity;
    T& push(MemoryContext context) {
        if (count == capacity) {
            const uint32_t grown = std::max<uint32_t>(16, capacity * 2);
            if (sizeof(T) * static_cast<size_t>(grown) > MaxAllocSize)
                ereport(ERROR,
                        (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                         errmsg("%s: too many transactions in one portfolio", kLedgerDaysAgg)));
            items =
                static_cast<T*>(items == nullptr ? MemoryContextAlloc(context, sizeof(T) * grown)
                                                 : repalloc(items, sizeof(T) * grown));
            capacity = grown;
        }
        return items[count++];
    }
};

struct LedgerDaysState {
    MemoryContext context;
    int32_t first_day, last_day;
    size_t days_size;
    uint8_t* days;  // the day values (core::span_days_start)
    PathEntry* paths;
    int path_count;
    const core::DayPathReader* unit;  // 'u': 1 on every day, the price of a unit of cash
    bool replayed;                    // transactions were replayed: the ledger end is written
    bool cash_rows;                   // the rows without an instrument (they come last) began
    void* lots;                       // the current position's lot block (reused)
    Position position;
    Array<Currency> currencies;
    Array<core::CashMove> moves;
    uint8_t* ends;  // the ledger end entries (core::write_ledger_end)
    size_t ends_size, ends_capacity;
    uint32_t end_count;
};

const core::DayPathReader* find_path(const LedgerDaysState* s, std::string_view key) {
    if (key.data() == nullptr) return nullptr;
    const PathEntry* begin = s->paths;
    const PathEntry* end = begin + s->path_count;
    const PathEntry* e = std::lower_bound(
        begin, end, key, [](const PathEntry& a, std::string_view k) { return a.key < k; });
    return e != end && e->key == key ? &e->reader : nullptr;
}

LedgerDaysState* new_state(FunctionCallInfo fcinfo, MemoryContext context) {
    auto* s =
        static_cast<LedgerDaysState*>(MemoryContextAllocZero(context, sizeof(LedgerDaysState)));
    s->context = context;
    const pgp::pg::Window w = pgp::pg::window_args(fcinfo, kLedgerDaysAgg);
    s->first_day = w.first;
    s->last_day = w.last;
    s->days_size = core::span_days_size(w.days);
    s->days = static_cast<uint8_t*>(MemoryContextAlloc(context, s->days_size));
    call_core([&] { core::span_days_start(s->days, s->first_day, s->last_day); });
    if (PG_ARGISNULL(kPathKeys) || PG_ARGISNULL(kPaths))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: the path keys and paths must not be NULL", kLedgerDaysAgg)));
    s->paths =
        index_paths(context, PG_GETARG_DATUM(kPathKeys), PG_GETARG_DATUM(kPaths), &s->path_count);
    s->unit = find_path(s, "u");
    return s;
}

void add_span(LedgerDaysState* s, core::HoldingSpan span, const core::DayPathReader* price,
              const core::DayPathReader* rate) {
    call_core([&] { core::span_days_add(s->days, span, price, rate); });
}

void add_end(LedgerDaysState* s, const core::LedgerEnd& end) {
    const size_t size = core::ledger_end_size(end);
    if (s->ends_size + size > s->ends_capacity) {
        const size_t grown = std::max(s->ends_capacity * 2, s->ends_size + size + 1024);
        if (grown > MaxAllocSize)
            ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                            errmsg("%s: a ledger end of more than 1 GB", kLedgerDaysAgg)));
        s->ends = static_cast<uint8_t*>(s->ends == nullptr ? MemoryContextAlloc(s->context, grown)
                                                           : repalloc(s->ends, grown));
        s->ends_capacity = grown;
    }
    s->ends_size += core::write_ledger_end(s->ends + s->ends_size, end);
    ++s->end_count;
}

// The current position's last holding span and its ledger end; the lot book is reset for the next.
void finish_position(LedgerDaysState* s) {
    Position& p = s->position;
    if (!p.active) return;
    core::HoldingSpan span{};
    if (core::holding_end(p.track, s->last_day, &span)) {
        span.convert = p.convert;
        add_span(s, span, p.price, p.rate);
    }
    core::LotBook book = core::lot_book(s->lots);
    const size_t size = core::encoded_position_size(book);
    auto* bytes = static_cast<uint8_t*>(palloc(std::max<size_t>(size, 1)));
    call_core([&] {
        core::ByteWriter writer(bytes, size);
        core::encode_position(book, writer);
    });
    core::LedgerEnd end;
    end.instrument = p.instrument;
    end.currency = p.currency;
    end.position = bytes;
    end.position_size = size;
    add_end(s, end);
    pfree(bytes);
    const core::CostMethod method = book.header->method;
    const uint32_t capacity = book.header->capacity;
    *book.header = core::PositionHeader();
    book.header->method = method;
    book.header->capacity = capacity;
    p.active = false;
}

// Rows come position by position, positions in byte order (COLLATE "C"), cash rows last: a
// position seen again would restart its lots, so an unordered input is refused.
void enter_position(LedgerDaysState* s, FunctionCallInfo fcinfo, std::string_view instrument,
                    std::string_view currency) {
    Position& p = s->position;
    if (p.active && p.instrument == instrument && p.currency == currency) return;
    if (s->cash_rows || (p.active && (instrument < p.instrument ||
                                      (instrument == p.instrument && currency < p.currency))))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s needs its rows ORDER BY instrument COLLATE \"C\", currency "
                               "COLLATE \"C\", executed_at",
                               kLedgerDaysAgg)));
    finish_position(s);
    p.active = true;
    p.instrument = keep(s->context, instrument);
    p.currency = keep(s->context, currency);
    p.convert = !PG_ARGISNULL(kRateKey);
    p.price = find_path(s, text_arg(fcinfo, kPriceKey));
    p.rate = p.convert ? find_path(s, text_arg(fcinfo, kRateKey)) : nullptr;
    p.track = core::HoldingTrack();
    p.has_last = false;
}

// A position's transactions come in time order: (executed_at, same_time_order, id) increasing.
void check_time_order(Position& p, FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(kSameTimeOrder) || PG_ARGISNULL(kId) || PG_ARGISNULL(kExecutedAt))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: a transaction's executed_at, same_time_order and id must not "
                               "be NULL",
                               kLedgerDaysAgg)));
    const int64_t at = PG_GETARG_TIMESTAMPTZ(kExecutedAt);
    const int32_t order = PG_GETARG_INT32(kSameTimeOrder);
    const int64_t id = PG_GETARG_INT64(kId);
    if (p.has_last &&
        !(at > p.last_at ||
          (at == p.last_at && (order > p.last_order || (order == p.last_order && id > p.last_id)))))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s needs a position's rows in time order (executed_at, "
                               "same_time_order, id)",
                               kLedgerDaysAgg)));
    p.has_last = true;
    p.last_at = at;
    p.last_order = order;
    p.last_id = id;
}

// The index of a cash currency, added on first sight with the row's FX path.
int32_t currency_index(LedgerDaysState* s, FunctionCallInfo fcinfo, std::string_view currency) {
    for (uint32_t i = 0; i < s->currencies.count; ++i)
        if (s->currencies.items[i].name == currency) return static_cast<int32_t>(i);
    Currency& c = s->currencies.push(s->context);
    c.name = keep(s->context, currency);
    c.convert = !PG_ARGISNULL(kRateKey);
    c.rate = c.convert ? find_path(s, text_arg(fcinfo, kRateKey)) : nullptr;
    c.scale = 0;
    return static_cast<int32_t>(s->currencies.count - 1);
}

// The cash an amount argument moves in a currency on a day (NULL moves none); returns the
// currency (its FX path converts the row's event too).
const Currency& add_move(LedgerDaysState* s, FunctionCallInfo fcinfo, std::string_view currency,
                         int32_t day, int argno) {
    const int32_t index = currency_index(s, fcinfo, currency);  // (may grow the array)
    Currency& c = s->currencies.items[index];
    if (PG_ARGISNULL(argno)) return c;
    const Datum amount = PG_GETARG_DATUM(argno);
    c.scale = std::max(c.scale, pgp::pg::numeric_display_scale(amount));
    core::CashMove& m = s->moves.push(s->context);
    m = core::CashMove{index, day, decimal_from_numeric(amount)};
    return c;
}

// A row of the stored ledger end (held_quantity): a holding or a balance from the first day on.
void add_held(LedgerDaysState* s, FunctionCallInfo fcinfo, std::string_view instrument,
              std::string_view currency) {
    if (instrument.data() == nullptr) {
        add_move(s, fcinfo, currency, s->first_day, kHeldQuantity);
        return;
    }
    const core::Decimal quantity = decimal_from_numeric(PG_GETARG_DATUM(kHeldQuantity));
    if (quantity.is_zero()) return;
    core::HoldingSpan span{};
    span.from_day = s->first_day;
    span.to_day = s->last_day;
    span.quantity = quantity;
    span.has_cost = !PG_ARGISNULL(kHeldCost);
    if (span.has_cost) span.cost = decimal_from_numeric(PG_GETARG_DATUM(kHeldCost));
    span.convert = !PG_ARGISNULL(kRateKey);
    const core::DayPathReader* rate =
        span.convert ? find_path(s, text_arg(fcinfo, kRateKey)) : nullptr;
    add_span(s, span, find_path(s, text_arg(fcinfo, kPriceKey)), rate);
}

// A transaction: its position's lots (when it has an instrument), the span its day ends, the
// cash it moves and its event.
void add_transaction(LedgerDaysState* s, FunctionCallInfo fcinfo, std::string_view instrument,
                     std::string_view currency) {
    s->replayed = true;
    const int32_t day = PG_GETARG_DATEADT(kDay);
    core::LedgerEventParts parts;
    parts.day = day;
    parts.has_flow = !PG_ARGISNULL(kFlow);
    parts.flow = amount_arg(fcinfo, kFlow);
    parts.income = amount_arg(fcinfo, kIncome);
    parts.fees = amount_arg(fcinfo, kFeePart);
    parts.convert = !PG_ARGISNULL(kRateKey);
    if (instrument.data() != nullptr) {
        enter_position(s, fcinfo, instrument, currency);
        Position& p = s->position;
        check_time_order(p, fcinfo);
        const core::Decimal realized_before =
            s->lots ? core::lot_book(s->lots).header->realized_pl : core::Decimal();
        const core::Decimal cost_before =
            s->lots ? core::lot_book(s->lots).header->cost_basis : core::Decimal();
        s->lots = pgp::pg::position_apply(fcinfo, s->context, s->lots, kExecutedAt);
        const core::PositionHeader& h = *core::lot_book(s->lots).header;
        parts.position = true;
        parts.realized_delta = h.realized_pl - realized_before;
        parts.cost_delta = h.cost_basis - cost_before;
        core::HoldingSpan span{};
        if (core::holding_step(p.track, day, h.quantity, h.cost_basis, &span)) {
            span.convert = p.convert;
            add_span(s, span, p.price, p.rate);
        }
    } else {
        finish_position(s);  // cash rows come last
        s->cash_rows = true;
    }
    if (currency.data() == nullptr)
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("%s: a transaction's currency must not be NULL", kLedgerDaysAgg)));
    const Currency& c = add_move(s, fcinfo, currency, day, kCashEffect);
    const core::DayEvent event = call_core([&] { return core::ledger_event(parts); });
    call_core([&] { core::span_days_add_event(s->days, event, c.rate); });
}

}  // namespace

// Non-strict. A row with held_quantity is a stored ledger end's (a holding, or a balance when
// instrument is NULL); a row with a kind is a transaction; a row with neither (a portfolio
// without rows, from a LEFT JOIN) only gives the group its days.
PGP_FUNCTION(pgp_ledger_days_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kLedgerDaysAgg);
    LedgerDaysState* s = PG_ARGISNULL(0) ? new_state(fcinfo, context)
                                         : reinterpret_cast<LedgerDaysState*>(PG_GETARG_POINTER(0));
    const std::string_view instrument = text_arg(fcinfo, kInstrument);
    const std::string_view currency = text_arg(fcinfo, kCurrency);
    if (!PG_ARGISNULL(kHeldQuantity)) {
        add_held(s, fcinfo, instrument, currency);
    } else if (!PG_ARGISNULL(kKind)) {
        if (PG_ARGISNULL(kDay))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("%s: a transaction's day must not be NULL", kLedgerDaysAgg)));
        add_transaction(s, fcinfo, instrument, currency);
    }
    PG_RETURN_POINTER(s);
}

// The block: the day values with every span added, and the ledger end (when transactions were
// replayed): each position's final state and each currency's balance.
PGP_FUNCTION(pgp_ledger_days_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* s = reinterpret_cast<LedgerDaysState*>(PG_GETARG_POINTER(0));
    finish_position(s);
    const uint32_t move_count = s->moves.count;
    auto* runs = static_cast<core::BalanceRun*>(
        palloc(sizeof(core::BalanceRun) * std::max<uint32_t>(move_count, 1)));
    const size_t run_count = call_core(
        [&] { return core::balance_runs(s->moves.items, move_count, s->last_day, runs); });
    for (size_t i = 0; i < run_count; ++i) {
        const core::BalanceRun& r = runs[i];
        const Currency& c = s->currencies.items[r.currency];
        if (!r.balance.is_zero()) {
            core::HoldingSpan span{};
            span.from_day = r.from_day;
            span.to_day = r.to_day;
            span.quantity = r.balance;
            span.cash = true;
            span.convert = c.convert;
            add_span(s, span, s->unit, c.rate);
        }
        if (r.last && s->replayed) {
            core::LedgerEnd end;
            end.cash = true;
            end.currency = c.name;
            end.balance = r.balance;
            end.scale = c.scale;
            add_end(s, end);
        }
    }
    s->moves.count = 0;  // (a second call of the final function adds nothing twice)
    const size_t size = core::ledger_days_size(s->days_size, s->ends_size);
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    core::start_ledger_days(bytes, s->days_size, s->end_count);
    memcpy(core::ledger_days_block(bytes), s->days, s->days_size);
    if (s->ends_size > 0)
        memcpy(core::ledger_days_block(bytes) + s->days_size, s->ends, s->ends_size);
    PG_RETURN_BYTEA_P(out);
}

namespace {
core::LedgerDaysReader open_block(FunctionCallInfo fcinfo) {
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
    const size_t size = VARSIZE_ANY_EXHDR(in);
    return call_core([&] { return core::LedgerDaysReader::open(bytes, size); });
}
}  // namespace

// ledger_days(block bytea, from_day date) -> SETOF (day, market_value, securities_value,
// cash_value, cost_basis, deposits, withdrawals, net_flow, realized_pl, income, fees, unconverted,
// daily_return, trading_day): the days of the window from from_day on, as daily_series stores
// them (core::series_day). The days before from_day give only the market value the first
// day's return starts from. The holdings' value and cost are NULL on a day some holding could not
// be valued, the cash on a day a balance could not, the market value on either.
PGP_FUNCTION(pgp_ledger_days) {
    const core::LedgerDaysReader block = open_block(fcinfo);
    const DateADT from_day = PG_GETARG_DATEADT(1);
    const core::SpanDaysReader reader =
        call_core([&] { return core::SpanDaysReader::open(block.days(), block.days_size()); });
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    // most days have no flow or P/L part: their zeros share one numeric
    const Datum zero = pgp::pg::numeric_from_decimal(core::Decimal());
    const auto numeric = [&](core::Decimal d) {
        return d == core::Decimal() ? zero : pgp::pg::numeric_from_decimal(d);
    };
    bool has_previous = true;  // before the window: nothing, a market value of 0
    core::Decimal previous;
    for (int32_t i = 0; i < reader.days(); ++i) {
        const core::SeriesDay s =
            call_core([&] { return core::series_day(reader.at(i), has_previous, previous); });
        has_previous = s.has_market_value;
        previous = s.market_value;
        if (s.v.day < from_day) continue;
        Datum values[14] = {DateADTGetDatum(s.v.day),
                            0,
                            0,
                            0,
                            0,
                            numeric(s.v.deposits),
                            numeric(s.v.withdrawals),
                            numeric(s.net_flow),
                            numeric(s.v.realized),
                            numeric(s.v.income),
                            numeric(s.v.fees),
                            Int32GetDatum(s.unconverted),
                            Float8GetDatum(s.daily_return),
                            BoolGetDatum(s.v.traded)};
        bool nulls[14] = {false,         !s.has_market_value,
                          !s.valued,     !s.cash_valued,
                          !s.valued,     false,
                          false,         false,
                          false,         false,
                          false,         false,
                          !s.has_return, false};
        if (s.has_market_value) values[1] = numeric(s.market_value);
        if (s.valued) {
            values[2] = numeric(s.v.value);
            values[4] = numeric(s.v.cost);
        }
        if (s.cash_valued) values[3] = numeric(s.v.cash);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    PG_RETURN_NULL();
}

// ledger_day_ends(block bytea) -> SETOF (instrument text, currency text, balance numeric,
// position portfolio.position): the ledger end, a row per position (balance NULL) and per cash
// currency (instrument and position NULL). A position's bytes are validated like a received
// position's (a crafted block is refused).
PGP_FUNCTION(pgp_ledger_day_ends) {
    core::LedgerDaysReader block = open_block(fcinfo);
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    core::LedgerEnd end;
    while (call_core([&] { return block.next(&end); })) {
        Datum values[4] = {0, 0, 0, 0};
        bool nulls[4] = {end.cash, false, !end.cash, end.cash};
        if (!end.cash)
            values[0] = PointerGetDatum(cstring_to_text_with_len(
                end.instrument.data(), static_cast<int>(end.instrument.size())));
        values[1] = PointerGetDatum(
            cstring_to_text_with_len(end.currency.data(), static_cast<int>(end.currency.size())));
        if (end.cash) {
            values[2] = pgp::pg::numeric_from_decimal(end.balance, end.scale);
        } else {
            values[3] = pgp::pg::position_from_bytes(end.position, end.position_size);
        }
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    PG_RETURN_NULL();
}
