// Glue for the daily valuation kernel (src/core/daily_values.hpp) behind portfolio.value_days():
//   day_path_agg(first_day, last_day, day, value ORDER BY day) -> bytea   a close or FX path
//   span_days_agg(first_day, last_day, span_from, span_to, quantity, cost, price_key, rate_key,
//                 cash, keys, paths, event_day, inflow, outflow, realized, income, fees) -> bytea
//                                                       a portfolio's day values and events
//   span_days(bytea, from_day) -> SETOF daily_series' columns but portfolio_id
// The states are flat blocks in the aggregate memory context, allocated once per group for the
// group's window (first_day and last_day are the same on every row of a group). Paths are read in
// place, never copied per row.
#include "pg/aggregate_support.hpp"
#include "pg/decimal_numeric.hpp"
#include "pg/sql_function.hpp"
#include "core/daily_values.hpp"

#include <algorithm>

namespace core = pgp::core;
using pgp::pg::call_core;

namespace {

int32_t window_bound(FunctionCallInfo fcinfo, int argno, const char* function_name) {
    if (PG_ARGISNULL(argno))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                 errmsg("%s: the window's first and last day must not be NULL", function_name)));
    const DateADT day = PG_GETARG_DATEADT(argno);
    if (DATE_NOT_FINITE(day))
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                 errmsg("%s: the window's first and last day must be finite", function_name)));
    return day;
}

// The window of a group: arguments 1 and 2 (first and last day) and its checked day count.
struct Window {
    int32_t first, last, days;
};
Window window_args(FunctionCallInfo fcinfo, const char* function_name) {
    Window w;
    w.first = window_bound(fcinfo, 1, function_name);
    w.last = window_bound(fcinfo, 2, function_name);
    w.days = call_core([&] { return core::day_path_window_days(w.first, w.last); });
    return w;
}

// The span's days, or the window's where NULL (an open span).
int32_t span_bound(FunctionCallInfo fcinfo, int argno, int32_t window_day) {
    return PG_ARGISNULL(argno) ? window_day : PG_GETARG_DATEADT(argno);
}

core::DayPathReader open_path(bytea* value) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(value));
    const size_t size = VARSIZE_ANY_EXHDR(value);
    return call_core([&] { return core::DayPathReader::open(bytes, size); });
}

// A copy of a block as a bytea in the current (output) memory context.
Datum bytea_of(const uint8_t* bytes, size_t size) {
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    memcpy(VARDATA(out), bytes, size);
    return PointerGetDatum(out);
}

// The paths of one value_days() call, passed to every span row as two arrays (keys text[],
// paths bytea[]; the same datums on every row: an InitPlan's output) and looked up by key here,
// so no row of the join ever carries a path: a join or sort would copy 15 KB to 60 KB per row.
struct PathEntry {
    const char* key;
    int key_length;
    core::DayPathReader reader;
};
int compare_keys(const char* a, int a_length, const char* b, int b_length) {
    const int c = memcmp(a, b, std::min(a_length, b_length));
    return c != 0 ? c : (a_length < b_length ? -1 : (a_length > b_length ? 1 : 0));
}
int compare_entries(const void* a, const void* b) {
    const auto* x = static_cast<const PathEntry*>(a);
    const auto* y = static_cast<const PathEntry*>(b);
    return compare_keys(x->key, x->key_length, y->key, y->key_length);
}

// span_days_agg's state: the paths' index, then the window's day values (the encoded block).
struct SpanDaysState {
    size_t size;
    int paths;
    PathEntry* entries;  // sorted by key, in the aggregate context
    // the block follows
};
uint8_t* span_days_block(SpanDaysState* state) {
    return reinterpret_cast<uint8_t*>(state) + sizeof(SpanDaysState);
}

// Detoasted inside the aggregate context: a small array stored with a short header is copied by
// detoasting, and the copy must live as long as the state that points into it (a large one is
// used in place, where the query keeps it).
void index_paths(SpanDaysState* state, MemoryContext context, Datum key_array, Datum path_array) {
    Datum *key_values, *path_values;
    bool *key_nulls, *path_nulls;
    int n_keys, n_paths;
    MemoryContext old = MemoryContextSwitchTo(context);
    ArrayType* keys = DatumGetArrayTypeP(key_array);
    ArrayType* paths = DatumGetArrayTypeP(path_array);
    deconstruct_array(keys, TEXTOID, -1, false, TYPALIGN_INT, &key_values, &key_nulls, &n_keys);
    deconstruct_array(paths, BYTEAOID, -1, false, TYPALIGN_INT, &path_values, &path_nulls,
                      &n_paths);
    if (n_keys != n_paths)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("span_days_agg: %d path keys for %d paths", n_keys, n_paths)));
    state->entries = static_cast<PathEntry*>(palloc(sizeof(PathEntry) * std::max(n_keys, 1)));
    state->paths = 0;
    for (int i = 0; i < n_keys; ++i) {
        if (key_nulls[i] || path_nulls[i]) continue;
        text* key = reinterpret_cast<text*>(PG_DETOAST_DATUM_PACKED(key_values[i]));
        bytea* path = reinterpret_cast<bytea*>(PG_DETOAST_DATUM_PACKED(path_values[i]));
        PathEntry& e = state->entries[state->paths++];
        e.key = VARDATA_ANY(key);
        e.key_length = static_cast<int>(VARSIZE_ANY_EXHDR(key));
        e.reader = open_path(path);
    }
    MemoryContextSwitchTo(old);
    qsort(state->entries, state->paths, sizeof(PathEntry), compare_entries);
}

// The path of a key argument, or nullptr (a NULL key, or no path under it).
const core::DayPathReader* find_path(const SpanDaysState* state, FunctionCallInfo fcinfo,
                                     int argno) {
    if (PG_ARGISNULL(argno)) return nullptr;
    text* key = PG_GETARG_TEXT_PP(argno);
    const char* k = VARDATA_ANY(key);
    const int length = static_cast<int>(VARSIZE_ANY_EXHDR(key));
    int lo = 0, hi = state->paths - 1;
    while (lo <= hi) {
        const int mid = lo + (hi - lo) / 2;
        const PathEntry& e = state->entries[mid];
        const int c = compare_keys(k, length, e.key, e.key_length);
        if (c == 0) return &e.reader;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return nullptr;
}

}  // namespace

// day_path_agg(first_day date, last_day date, day date, value numeric): non-strict; a NULL value
// is a day without one (a stale FX rate), a NULL day is skipped.
namespace {
constexpr const char* kDayPathAgg = "day_path_agg";

// The first row's state: an empty path over the group's window, in the aggregate context.
core::DayPathBuilder* new_day_path(FunctionCallInfo fcinfo, MemoryContext context) {
    const Window w = window_args(fcinfo, kDayPathAgg);
    void* block =
        MemoryContextAlloc(context, sizeof(core::DayPathBuilder) + core::day_path_size(w.days));
    return call_core([&] { return core::day_path_start(block, w.first, w.last); });
}
}  // namespace

PGP_FUNCTION(pgp_day_path_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kDayPathAgg);
    core::DayPathBuilder* builder =
        PG_ARGISNULL(0) ? new_day_path(fcinfo, context)
                        : reinterpret_cast<core::DayPathBuilder*>(PG_GETARG_POINTER(0));
    if (PG_ARGISNULL(3)) PG_RETURN_POINTER(builder);
    const int32_t day = PG_GETARG_DATEADT(3);
    const bool has_value = !PG_ARGISNULL(4);
    const core::Decimal value =
        has_value ? pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(4)) : core::Decimal();
    call_core([&] { core::day_path_add(*builder, day, has_value ? &value : nullptr); });
    PG_RETURN_POINTER(builder);
}

PGP_FUNCTION(pgp_day_path_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* builder = reinterpret_cast<core::DayPathBuilder*>(PG_GETARG_POINTER(0));
    const uint8_t* bytes = call_core([&] { return core::day_path_finish(*builder); });
    return bytea_of(bytes, core::day_path_size(builder->days));
}

namespace {
constexpr const char* kSpanDaysAgg = "span_days_agg";

// The first row's state: the group's window with no span yet, and the index of its paths.
SpanDaysState* new_span_days(FunctionCallInfo fcinfo, MemoryContext context) {
    const Window w = window_args(fcinfo, kSpanDaysAgg);
    const size_t size = core::span_days_size(w.days);
    auto* state =
        static_cast<SpanDaysState*>(MemoryContextAllocZero(context, sizeof(SpanDaysState) + size));
    state->size = size;
    uint8_t* block = span_days_block(state);
    call_core([&] { core::span_days_start(block, w.first, w.last); });
    if (PG_ARGISNULL(10) || PG_ARGISNULL(11))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("span_days_agg: the path keys and paths must not be NULL")));
    index_paths(state, context, PG_GETARG_DATUM(10), PG_GETARG_DATUM(11));
    return state;
}
}  // namespace

// An amount argument of an event row; NULL is 0.
core::Decimal amount_arg(FunctionCallInfo fcinfo, int argno) {
    return PG_ARGISNULL(argno) ? core::Decimal()
                               : pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(argno));
}

// span_days_agg(first_day, last_day, span_from, span_to, quantity, cost, price_key, rate_key,
// cash, keys, paths, event_day, inflow, outflow, realized, income, fees): non-strict. A row with
// an event_day is a transaction's flows and P/L parts (NULL amounts are 0), converted with the FX
// path under rate_key (NULL: the base currency; no path: not converted, counted). Any other row
// is a holding span: without a quantity it adds nothing (a portfolio with no span still gets its
// days), a NULL cost adds none; the price path is the one under price_key (none: never quoted,
// every day missing); rate_key NULL is a holding in the base currency, else its FX path (none:
// every day missing); cash: a cash balance (price_key 'u').
PGP_FUNCTION(pgp_span_days_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kSpanDaysAgg);
    SpanDaysState* state = PG_ARGISNULL(0) ? new_span_days(fcinfo, context)
                                           : reinterpret_cast<SpanDaysState*>(PG_GETARG_POINTER(0));
    if (!PG_ARGISNULL(12)) {
        core::DayEvent event{};
        event.day = PG_GETARG_DATEADT(12);
        event.inflow = amount_arg(fcinfo, 13);
        event.outflow = amount_arg(fcinfo, 14);
        event.realized = amount_arg(fcinfo, 15);
        event.income = amount_arg(fcinfo, 16);
        event.fees = amount_arg(fcinfo, 17);
        event.convert = !PG_ARGISNULL(8);
        const core::DayPathReader* rate = event.convert ? find_path(state, fcinfo, 8) : nullptr;
        uint8_t* block = span_days_block(state);
        call_core([&] { core::span_days_add_event(block, event, rate); });
        PG_RETURN_POINTER(state);
    }
    if (PG_ARGISNULL(5)) PG_RETURN_POINTER(state);
    core::HoldingSpan span{};
    span.from_day = span_bound(fcinfo, 3, window_bound(fcinfo, 1, kSpanDaysAgg));
    span.to_day = span_bound(fcinfo, 4, window_bound(fcinfo, 2, kSpanDaysAgg));
    span.quantity = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(5));
    span.has_cost = !PG_ARGISNULL(6);
    if (span.has_cost) span.cost = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(6));
    span.convert = !PG_ARGISNULL(8);
    span.cash = !PG_ARGISNULL(9) && PG_GETARG_BOOL(9);
    const core::DayPathReader* price = find_path(state, fcinfo, 7);
    const core::DayPathReader* rate = span.convert ? find_path(state, fcinfo, 8) : nullptr;
    uint8_t* block = span_days_block(state);
    call_core([&] { core::span_days_add(block, span, price, rate); });
    PG_RETURN_POINTER(state);
}

PGP_FUNCTION(pgp_span_days_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* state = reinterpret_cast<SpanDaysState*>(PG_GETARG_POINTER(0));
    return bytea_of(span_days_block(state), state->size);
}

// span_days(days bytea, from_day date) -> SETOF (day, market_value, securities_value,
// cash_value, cost_basis, deposits, withdrawals, net_flow, realized_pl, income, fees, unconverted,
// daily_return, trading_day): the days of the window from from_day on, as daily_series stores
// them (core::series_day). The days before from_day give only the market value the first
// day's return starts from. The holdings' value and cost are NULL on a day some holding could not
// be valued, the cash on a day a balance could not, the market value on either.
PGP_FUNCTION(pgp_span_days) {
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const DateADT from_day = PG_GETARG_DATEADT(1);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
    const size_t size = VARSIZE_ANY_EXHDR(in);
    const core::SpanDaysReader reader =
        call_core([&] { return core::SpanDaysReader::open(bytes, size); });
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
