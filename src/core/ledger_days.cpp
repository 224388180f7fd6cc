#include "core/ledger_days.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace pgp::core {

namespace {
// What the track holds, from its last transaction's day to to_day.
HoldingSpan held_span(const HoldingTrack& track, int32_t to_day) noexcept {
    HoldingSpan span{};
    span.from_day = track.day;
    span.to_day = to_day;
    span.quantity = track.quantity;
    span.cost = track.cost;
    span.has_cost = true;
    return span;
}
}  // namespace

bool holding_step(HoldingTrack& track, int32_t day, Decimal quantity, Decimal cost,
                  HoldingSpan* ended) noexcept {
    bool any = false;
    if (track.started && day != track.day) {
        *ended = held_span(track, day - 1);
        any = !track.quantity.is_zero();
    }
    track.started = true;
    track.day = day;
    track.quantity = quantity;
    track.cost = cost;
    return any;
}

bool holding_end(const HoldingTrack& track, int32_t last_day, HoldingSpan* ended) noexcept {
    if (!track.started || track.quantity.is_zero()) return false;
    *ended = held_span(track, last_day);
    return true;
}

size_t balance_runs(CashMove* moves, size_t count, int32_t last_day, BalanceRun* runs) {
    std::sort(moves, moves + count, [](const CashMove& a, const CashMove& b) {
        return a.currency != b.currency ? a.currency < b.currency : a.day < b.day;
    });
    size_t n = 0;
    Decimal balance;
    for (size_t i = 0; i < count; ++i) {
        const bool first_of_currency = i == 0 || moves[i].currency != moves[i - 1].currency;
        if (first_of_currency) balance = Decimal();
        balance = balance + moves[i].amount;
        const bool last_of_day = i + 1 == count || moves[i + 1].currency != moves[i].currency ||
                                 moves[i + 1].day != moves[i].day;
        if (!last_of_day) continue;
        const bool last = i + 1 == count || moves[i + 1].currency != moves[i].currency;
        runs[n++] = BalanceRun{moves[i].currency, moves[i].day,
                               last ? last_day : moves[i + 1].day - 1, balance, last};
    }
    return n;
}

DayEvent ledger_event(const LedgerEventParts& p) {
    // no flow: 0 for a cash transaction; a position's leaves at cost (its cost change)
    const Decimal flow = p.has_flow ? p.flow : (p.position ? p.cost_delta : Decimal());
    DayEvent e{};
    e.day = p.day;
    e.inflow = flow.sign() > 0 ? flow : Decimal();
    e.outflow = flow.sign() < 0 ? -flow : Decimal();
    e.realized = p.position ? p.realized_delta : Decimal();
    e.income = p.income;
    e.fees = p.fees;
    e.convert = p.convert;
    return e;
}

namespace {

// The block's header: version, kind, two spare bytes, the entries' count, the days block's size.
constexpr uint8_t kVersion = 1;
constexpr uint8_t kKind = 'L';
constexpr size_t kHeader = 16;
constexpr uint8_t kPositionEntry = 'p', kCashEntry = 'c';

void put_u32(uint8_t* p, uint32_t v) noexcept { std::memcpy(p, &v, sizeof v); }
uint32_t get_u32(const uint8_t* p) noexcept {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
uint64_t get_u64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
uint8_t* put_text(uint8_t* p, std::string_view text) noexcept {
    put_u32(p, static_cast<uint32_t>(text.size()));
    if (!text.empty()) std::memcpy(p + 4, text.data(), text.size());  // (data() may be null)
    return p + 4 + text.size();
}

}  // namespace

// An entry: kind (1 byte), instrument and currency (u32 length, bytes), then a cash balance (16
// bytes and its display scale, 4) or the position's bytes (u32 length, bytes).
size_t ledger_end_size(const LedgerEnd& end) noexcept {
    return 1 + 4 + end.instrument.size() + 4 + end.currency.size() +
           (end.cash ? 16 + 4 : 4 + end.position_size);
}

size_t write_ledger_end(uint8_t* out, const LedgerEnd& end) noexcept {
    uint8_t* p = out;
    *p++ = end.cash ? kCashEntry : kPositionEntry;
    p = put_text(p, end.instrument);
    p = put_text(p, end.currency);
    if (end.cash) {
        const Decimal::Raw raw = end.balance.raw();
        std::memcpy(p, &raw, sizeof raw);
        put_u32(p + sizeof raw, static_cast<uint32_t>(end.scale));
        p += sizeof raw + 4;
    } else {
        put_u32(p, static_cast<uint32_t>(end.position_size));
        if (end.position_size > 0) std::memcpy(p + 4, end.position, end.position_size);
        p += 4 + end.position_size;
    }
    return static_cast<size_t>(p - out);
}

size_t ledger_days_size(size_t days_size, size_t entries_size) noexcept {
    return kHeader + days_size + entries_size;
}

void start_ledger_days(uint8_t* out, size_t days_size, uint32_t entries) noexcept {
    std::memset(out, 0, kHeader);
    out[0] = kVersion;
    out[1] = kKind;
    put_u32(out + 4, entries);
    const uint64_t size = days_size;
    std::memcpy(out + 8, &size, sizeof size);
}

uint8_t* ledger_days_block(uint8_t* out) noexcept { return out + kHeader; }

LedgerDaysReader LedgerDaysReader::open(const uint8_t* bytes, size_t size) {
    if (size < kHeader || bytes[0] != kVersion || bytes[1] != kKind ||
        get_u64(bytes + 8) > size - kHeader)
        fail(ErrorCode::CorruptState, "not a ledger days block of this version");
    LedgerDaysReader r;
    r.ends_ = get_u32(bytes + 4);
    r.days_size_ = static_cast<size_t>(get_u64(bytes + 8));
    r.days_ = bytes + kHeader;
    r.at_ = r.days_ + r.days_size_;
    r.stop_ = bytes + size;
    return r;
}

bool LedgerDaysReader::next(LedgerEnd* end) {
    if (read_ == ends_) {
        if (at_ != stop_) fail(ErrorCode::CorruptState, "trailing bytes in a ledger days block");
        return false;
    }
    const auto take = [&](size_t n) {
        if (static_cast<size_t>(stop_ - at_) < n)
            fail(ErrorCode::CorruptState, "truncated ledger days block");
        const uint8_t* p = at_;
        at_ += n;
        return p;
    };
    const auto text = [&] {
        const uint32_t length = get_u32(take(4));
        return std::string_view(reinterpret_cast<const char*>(take(length)), length);
    };
    *end = LedgerEnd{};
    const uint8_t kind = *take(1);
    if (kind != kCashEntry && kind != kPositionEntry)
        fail(ErrorCode::CorruptState, "a ledger days block with an unknown entry");
    end->cash = kind == kCashEntry;
    end->instrument = text();
    end->currency = text();
    if (end->cash) {
        Decimal::Raw raw;
        std::memcpy(&raw, take(sizeof raw), sizeof raw);
        end->balance = Decimal::from_raw(raw);  // checked: a crafted block may pass 10^24
        end->scale = static_cast<int32_t>(get_u32(take(4)));
        if (end->scale < 0 || end->scale > 1000)
            fail(ErrorCode::CorruptState, "a ledger days block with a bad display scale");
    } else {
        end->position_size = get_u32(take(4));
        end->position = take(end->position_size);
    }
    ++read_;
    return true;
}

}  // namespace pgp::core
