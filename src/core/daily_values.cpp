#include "core/daily_values.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "core/error.hpp"
#include "core/flow_twr.hpp"

namespace pgp::core {

namespace {

// Both encodings start with a 16-byte header: version, kind, two spare bytes, first day, days,
// four spare bytes. Then the path: values (16 bytes each), flags (1 byte each); the day values:
// holdings' values, costs, cash, deposits, withdrawals, realized, income, fees (16 bytes each),
// holdings', cash and events' missing counts (4 bytes each), flags (1 byte each).
constexpr uint8_t kVersion = 3;
constexpr uint8_t kPathKind = 'P';
constexpr uint8_t kSpanDaysKind = 'S';
constexpr size_t kHeader = 16;
constexpr uint8_t kPresent = 1, kQuoted = 2;  // path flags
constexpr uint8_t kTraded = 1;                // day value flags

// Checked (a value past 10^24 is an error): a block may come from a crafted bytea.
Decimal load(const uint8_t* p) {
    Decimal::Raw raw;
    std::memcpy(&raw, p, sizeof raw);
    return Decimal::from_raw(raw);
}
void store(uint8_t* p, Decimal d) noexcept {
    const Decimal::Raw raw = d.raw();
    std::memcpy(p, &raw, sizeof raw);
}
int32_t load_i32(const uint8_t* p) noexcept {
    int32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
void store_i32(uint8_t* p, int32_t v) noexcept { std::memcpy(p, &v, sizeof v); }

void write_header(uint8_t* p, uint8_t kind, int32_t first_day, int32_t days) noexcept {
    std::memset(p, 0, kHeader);
    p[0] = kVersion;
    p[1] = kind;
    store_i32(p + 4, first_day);
    store_i32(p + 8, days);
}
// Checks a header and the total size; returns the day count.
int32_t read_header(const uint8_t* p, size_t size, uint8_t kind, size_t (*size_of)(int32_t),
                    int32_t* first_day) {
    if (size < kHeader || p[0] != kVersion || p[1] != kind)
        fail(ErrorCode::CorruptState, "not a valuation block of this version");
    const int32_t days = load_i32(p + 8);
    if (days < 0 || days > kMaxSeriesDays || size != size_of(days))
        fail(ErrorCode::CorruptState, "valuation block of the wrong size");
    *first_day = load_i32(p + 4);
    return days;
}

uint8_t* path_bytes(DayPathBuilder& b) noexcept {
    return reinterpret_cast<uint8_t*>(&b) + sizeof(DayPathBuilder);
}
void path_set(DayPathBuilder& b, int32_t index, bool present, bool quoted, Decimal value) noexcept {
    uint8_t* bytes = path_bytes(b);
    store(bytes + kHeader + 16 * static_cast<size_t>(index), present ? value : Decimal());
    bytes[kHeader + 16 * static_cast<size_t>(b.days) + index] =
        static_cast<uint8_t>((present ? kPresent : 0) | (quoted ? kQuoted : 0));
}
// Days [filled, until) take the carried value, not quoted.
void path_carry_to(DayPathBuilder& b, int32_t until) noexcept {
    for (; b.filled < until; ++b.filled)
        path_set(b, b.filled, b.carry_present != 0, false, b.carry);
}

}  // namespace

int32_t day_path_window_days(int32_t first_day, int32_t last_day) {
    const int64_t days = std::max<int64_t>(0, static_cast<int64_t>(last_day) - first_day + 1);
    if (days > kMaxSeriesDays)
        fail(ErrorCode::InvalidParameter, "a valuation window of more than 200 years");
    return static_cast<int32_t>(days);
}

size_t day_path_size(int32_t days) { return kHeader + 17 * static_cast<size_t>(days); }

DayPathBuilder* day_path_start(void* block, int32_t first_day, int32_t last_day) {
    const int32_t days = day_path_window_days(first_day, last_day);
    auto* b = new (block) DayPathBuilder();
    b->first_day = first_day;
    b->days = days;
    write_header(path_bytes(*b), kPathKind, first_day, days);
    return b;
}

void day_path_add(DayPathBuilder& b, int32_t day, const Decimal* value) {
    if (b.has_input && day < b.last_input_day)
        fail(ErrorCode::InvalidParameter, "day_path_agg needs its observations ORDER BY day");
    b.has_input = 1;
    b.last_input_day = day;
    const int64_t index = std::min<int64_t>(static_cast<int64_t>(day) - b.first_day, b.days);
    // the days before this one carry the previous observation; a second observation of a day
    // already written replaces it (index < filled only for the last day written)
    if (index > b.filled) path_carry_to(b, static_cast<int32_t>(index));
    b.carry_present = value != nullptr;
    b.carry = value ? *value : Decimal();
    if (index < 0 || index >= b.days) return;  // outside the window: only carried (in)
    path_set(b, static_cast<int32_t>(index), value != nullptr, true, b.carry);
    b.filled = static_cast<int32_t>(index) + 1;
}

const uint8_t* day_path_finish(DayPathBuilder& b) {
    path_carry_to(b, b.days);
    return path_bytes(b);
}

DayPathReader DayPathReader::open(const uint8_t* bytes, size_t size) {
    DayPathReader r;
    r.days_ = read_header(bytes, size, kPathKind, day_path_size, &r.first_day_);
    r.bytes_ = bytes;
    return r;
}

uint8_t DayPathReader::flags(int32_t day) const noexcept {
    const int64_t index = static_cast<int64_t>(day) - first_day_;
    if (index < 0 || index >= days_) return 0;
    return bytes_[kHeader + 16 * static_cast<size_t>(days_) + static_cast<size_t>(index)];
}
bool DayPathReader::present(int32_t day) const noexcept { return flags(day) & kPresent; }
bool DayPathReader::quoted(int32_t day) const noexcept { return flags(day) & kQuoted; }
Decimal DayPathReader::value(int32_t day) const {
    return load(bytes_ + kHeader + 16 * static_cast<size_t>(day - first_day_));
}

// --- day values ---------------------------------------------------------------------------------

// The arrays of a day-values block, in order.
struct SpanDaysLayout {
    uint8_t *values, *costs, *cash, *deposits, *withdrawals, *realized, *income, *fees, *missing,
        *cash_missing, *event_missing, *flags;
    explicit SpanDaysLayout(uint8_t* block, size_t days) noexcept
        : values(block + kHeader),
          costs(values + 16 * days),
          cash(costs + 16 * days),
          deposits(cash + 16 * days),
          withdrawals(deposits + 16 * days),
          realized(withdrawals + 16 * days),
          income(realized + 16 * days),
          fees(income + 16 * days),
          missing(fees + 16 * days),
          cash_missing(missing + 4 * days),
          event_missing(cash_missing + 4 * days),
          flags(event_missing + 4 * days) {}
};

size_t span_days_size(int32_t days) { return kHeader + 141 * static_cast<size_t>(days); }

void span_days_start(uint8_t* block, int32_t first_day, int32_t last_day) {
    const int32_t days = day_path_window_days(first_day, last_day);
    std::memset(block, 0, span_days_size(days));  // zero is Decimal 0, count 0, no flags
    write_header(block, kSpanDaysKind, first_day, days);
}

void span_days_add(uint8_t* block, const HoldingSpan& span, const DayPathReader* price,
                   const DayPathReader* rate) {
    const int32_t first_day = load_i32(block + 4), days = load_i32(block + 8);
    const int64_t lo = std::max<int64_t>(span.from_day, first_day);
    const int64_t hi = std::min<int64_t>(span.to_day, static_cast<int64_t>(first_day) + days - 1);
    const SpanDaysLayout at(block, static_cast<size_t>(days));
    uint8_t* const values = span.cash ? at.cash : at.values;
    uint8_t* const missing = span.cash ? at.cash_missing : at.missing;
    for (int64_t d = lo; d <= hi; ++d) {
        const auto day = static_cast<int32_t>(d);
        const auto i = static_cast<size_t>(d - first_day);
        if (!span.cash && price != nullptr && price->quoted(day)) at.flags[i] |= kTraded;
        const bool priced = price != nullptr && price->present(day);
        const bool converted = !span.convert || (rate != nullptr && rate->present(day));
        if (!priced || !converted) {
            store_i32(missing + 4 * i, load_i32(missing + 4 * i) + 1);
            continue;
        }
        Decimal value = span.quantity * price->value(day);
        Decimal cost = span.cost;
        if (span.convert) {
            const Decimal r = rate->value(day);
            value = value * r;
            if (span.has_cost) cost = cost * r;
        }
        store(values + 16 * i, load(values + 16 * i) + value);
        if (span.has_cost && !span.cash) store(at.costs + 16 * i, load(at.costs + 16 * i) + cost);
    }
}

void span_days_add_event(uint8_t* block, const DayEvent& e, const DayPathReader* rate) {
    const int32_t first_day = load_i32(block + 4), days = load_i32(block + 8);
    const int64_t index = static_cast<int64_t>(e.day) - first_day;
    if (index < 0 || index >= days) return;
    const auto i = static_cast<size_t>(index);
    const SpanDaysLayout at(block, static_cast<size_t>(days));
    if (e.convert && (rate == nullptr || !rate->present(e.day))) {
        store_i32(at.event_missing + 4 * i, load_i32(at.event_missing + 4 * i) + 1);
        return;
    }
    const auto add = [&](uint8_t* column, Decimal amount) {
        store(column + 16 * i,
              load(column + 16 * i) + (e.convert ? amount * rate->value(e.day) : amount));
    };
    add(at.deposits, e.inflow);
    add(at.withdrawals, e.outflow);
    add(at.realized, e.realized);
    add(at.income, e.income);
    add(at.fees, e.fees);
}

SeriesDay series_day(const DayValue& v, bool has_previous, Decimal previous_market_value) {
    SeriesDay s{};
    s.v = v;
    s.valued = v.missing == 0;
    s.cash_valued = v.cash_missing == 0;
    s.net_flow = v.deposits - v.withdrawals;
    s.unconverted = v.missing + v.cash_missing + v.event_missing;
    s.has_market_value = s.valued && s.cash_valued;
    if (s.has_market_value) s.market_value = v.value + v.cash;
    if (s.has_market_value && has_previous) {
        const FlowPeriod<Decimal> p =
            flow_period(previous_market_value, s.market_value, s.net_flow);
        if (p.start != Decimal()) {
            // (end - start) / start, exact in decimal until the one division (80-bit long double:
            // a 64-bit mantissa, so the double it rounds to is the quotient's to within an ulp)
            const Decimal gain = p.end - p.start;
            s.has_return = true;
            s.daily_return = static_cast<double>(static_cast<long double>(gain.raw()) /
                                                 static_cast<long double>(p.start.raw()));
        }
    }
    return s;
}

SpanDaysReader SpanDaysReader::open(const uint8_t* bytes, size_t size) {
    SpanDaysReader r;
    r.days_ = read_header(bytes, size, kSpanDaysKind, span_days_size, &r.first_day_);
    r.bytes_ = bytes;
    return r;
}

DayValue SpanDaysReader::at(int32_t index) const {
    const auto i = static_cast<size_t>(index);
    const SpanDaysLayout a(const_cast<uint8_t*>(bytes_), static_cast<size_t>(days_));
    DayValue v;
    v.day = first_day_ + index;
    v.traded = a.flags[i] & kTraded;
    v.missing = load_i32(a.missing + 4 * i);
    v.cash_missing = load_i32(a.cash_missing + 4 * i);
    v.event_missing = load_i32(a.event_missing + 4 * i);
    v.value = load(a.values + 16 * i);
    v.cost = load(a.costs + 16 * i);
    v.cash = load(a.cash + 16 * i);
    v.deposits = load(a.deposits + 16 * i);
    v.withdrawals = load(a.withdrawals + 16 * i);
    v.realized = load(a.realized + 16 * i);
    v.income = load(a.income + 16 * i);
    v.fees = load(a.fees + 16 * i);
    return v;
}

}  // namespace pgp::core
