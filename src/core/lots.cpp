#include "core/lots.hpp"

#include <cstdio>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "core/utc_time.hpp"

namespace pgp::core {

namespace {

constexpr const char* kKindLabels[] = {"buy",         "sell",        "dividend",   "interest",
                                       "fee",         "deposit",     "withdrawal", "split",
                                       "transfer_in", "transfer_out"};

const char* kind_label(TxnKind kind) noexcept { return kKindLabels[static_cast<int>(kind)]; }

bool adds_lot(TxnKind kind) noexcept { return kind == TxnKind::Buy || kind == TxnKind::TransferIn; }

void require_positive(const Txn& txn, const char* what) {
    if (!txn.has_quantity || txn.quantity.sign() <= 0)
        fail(ErrorCode::InvalidParameter,
             std::string(kind_label(txn.kind)) + " on " + format_utc_day(txn.at) +
                 " needs a positive " + what +
                 (txn.has_quantity ? ", got " + txn.quantity.to_string() : ", got NULL"));
}

void remove_lot(LotBook book, uint32_t index) noexcept {
    PositionHeader& h = *book.header;
    if (index == h.head) {
        ++h.head;
    } else {
        std::memmove(book.lots + index, book.lots + index + 1, (h.end - index - 1) * sizeof(Lot));
        --h.end;
    }
    if (h.head == h.end) h.head = h.end = 0;
}

// The lot the method sells next.
uint32_t next_lot_to_sell(const LotBook& book) noexcept {
    const PositionHeader& h = *book.header;
    switch (h.method) {
        case CostMethod::Lifo:
            return h.end - 1;
        case CostMethod::Hifo: {
            uint32_t best = h.head;
            for (uint32_t i = h.head + 1; i < h.end; ++i) {
                // cost_i / q_i > cost_best / q_best  <=>  cost_i * q_best > cost_best * q_i
                if (Decimal::compare_products(book.lots[i].cost, book.lots[best].quantity,
                                              book.lots[best].cost, book.lots[i].quantity) > 0)
                    best = i;
            }
            return best;
        }
        case CostMethod::Fifo:
        case CostMethod::Average:
            break;
    }
    return h.head;
}

}  // namespace

CostMethod parse_cost_method(std::string_view name) {
    if (name == "fifo") return CostMethod::Fifo;
    if (name == "lifo") return CostMethod::Lifo;
    if (name == "average") return CostMethod::Average;
    if (name == "hifo") return CostMethod::Hifo;
    fail(ErrorCode::InvalidParameter, "cost method must be fifo, lifo, average or hifo, got \"" +
                                          std::string(name.substr(0, 40)) + "\"");
}

const char* cost_method_name(CostMethod method) noexcept {
    switch (method) {
        case CostMethod::Fifo:
            return "fifo";
        case CostMethod::Lifo:
            return "lifo";
        case CostMethod::Average:
            return "average";
        case CostMethod::Hifo:
            return "hifo";
    }
    return "?";
}

TxnKind parse_txn_kind(std::string_view label) {
    for (int i = 0; i < 10; ++i)
        if (label == kKindLabels[i]) return static_cast<TxnKind>(i);
    fail(ErrorCode::InvalidParameter,
         "unknown transaction kind \"" + std::string(label.substr(0, 40)) + "\"");
}

bool needs_lot_slot(const PositionHeader& header, TxnKind kind) noexcept {
    if (!adds_lot(kind)) return false;
    if (header.method == CostMethod::Average && header.end > header.head) return false;  // pooled
    return header.end >= header.capacity;
}

void compact(LotBook book) noexcept {
    PositionHeader& h = *book.header;
    if (h.head == 0) return;
    std::memmove(book.lots, book.lots + h.head, (h.end - h.head) * sizeof(Lot));
    h.end -= h.head;
    h.head = 0;
}

namespace {

// A buy or transfer in: a new lot, or more of the pooled one under average cost.
void add_lot(LotBook book, const Txn& txn) {
    PositionHeader& h = *book.header;
    require_positive(txn, "quantity");
    if (!txn.has_price || txn.price.is_negative())
        fail(ErrorCode::InvalidParameter, std::string(kind_label(txn.kind)) + " on " +
                                              format_utc_day(txn.at) +
                                              " needs a price of at least 0");
    const Decimal cost = txn.quantity * txn.price + txn.fees;
    if (h.method == CostMethod::Average && h.end > h.head) {
        Lot& pool = book.lots[h.head];
        pool.quantity += txn.quantity;
        pool.cost += cost;
    } else {
        if (h.end >= h.capacity) fail(ErrorCode::Internal, "no free lot slot");
        book.lots[h.end++] = Lot{txn.at, txn.quantity, cost};
    }
    h.quantity += txn.quantity;
    h.cost_basis += cost;
}

// Takes quantity out of the lots in the cost method's order; returns the cost removed.
Decimal take_from_lots(LotBook book, Decimal quantity) {
    PositionHeader& h = *book.header;
    Decimal remaining = quantity;
    Decimal removed_cost;
    while (!remaining.is_zero()) {
        if (h.end == h.head) fail(ErrorCode::Internal, "lots hold less than the position quantity");
        const uint32_t i = next_lot_to_sell(book);
        Lot& lot = book.lots[i];
        if (lot.quantity <= remaining) {
            removed_cost += lot.cost;
            remaining -= lot.quantity;
            remove_lot(book, i);
        } else {
            const Decimal share = Decimal::mul_div(lot.cost, remaining, lot.quantity);
            lot.cost -= share;
            lot.quantity -= remaining;
            removed_cost += share;
            remaining = Decimal();
        }
    }
    return removed_cost;
}

// A sell or transfer out; an oversell changes nothing and is reported in result.
void remove_shares(LotBook book, const Txn& txn, ApplyResult& result) {
    PositionHeader& h = *book.header;
    require_positive(txn, "quantity");
    if (txn.kind == TxnKind::Sell && (!txn.has_price || txn.price.is_negative()))
        fail(ErrorCode::InvalidParameter,
             "sell on " + format_utc_day(txn.at) + " needs a price of at least 0");
    if (txn.quantity > h.quantity) {
        result.oversold = true;
        std::snprintf(result.message, sizeof result.message,
                      "%s of %s on %s exceeds the quantity held, %s", kind_label(txn.kind),
                      txn.quantity.to_string().c_str(), format_utc_day(txn.at).c_str(),
                      h.quantity.to_string().c_str());
        return;
    }
    Decimal removed_cost = take_from_lots(book, txn.quantity);
    const Decimal proceeds = (txn.has_price ? txn.quantity * txn.price : removed_cost) - txn.fees;
    h.quantity -= txn.quantity;
    // the last share out takes the whole remaining cost (no rounding residue stays behind)
    if (h.quantity.is_zero()) {
        removed_cost = h.cost_basis;
        h.cost_basis = Decimal();
    } else {
        h.cost_basis -= removed_cost;
    }
    h.realized_pl += proceeds - removed_cost;
}

void split_lots(LotBook book, const Txn& txn) {
    PositionHeader& h = *book.header;
    require_positive(txn, "split ratio (quantity = new shares per old share)");
    Decimal total;
    for (uint32_t i = h.head; i < h.end; ++i) {
        book.lots[i].quantity = book.lots[i].quantity * txn.quantity;
        total += book.lots[i].quantity;
    }
    h.quantity = total;
}

}  // namespace

ApplyResult apply(LotBook book, const Txn& txn) {
    PositionHeader& h = *book.header;
    if (h.transactions > 0 && txn.at < h.last_at)
        fail(ErrorCode::InvalidParameter,
             std::string("position_agg needs its transactions ORDER BY executed_at: ") +
                 format_utc(txn.at) + " came after " + format_utc(h.last_at));
    if (txn.fees.is_negative())
        fail(ErrorCode::InvalidParameter, std::string(kind_label(txn.kind)) + " on " +
                                              format_utc_day(txn.at) + " has negative fees " +
                                              txn.fees.to_string());
    ApplyResult result;
    switch (txn.kind) {
        case TxnKind::Buy:
        case TxnKind::TransferIn:
            add_lot(book, txn);
            break;
        case TxnKind::Sell:
        case TxnKind::TransferOut:
            remove_shares(book, txn, result);
            if (result.oversold) return result;
            break;
        case TxnKind::Dividend:
        case TxnKind::Interest:
            if (!txn.has_price)
                fail(ErrorCode::InvalidParameter, std::string(kind_label(txn.kind)) + " on " +
                                                      format_utc_day(txn.at) +
                                                      " needs an amount (price)");
            h.income += txn.has_quantity ? txn.quantity * txn.price : txn.price;
            break;
        case TxnKind::Split:
            split_lots(book, txn);
            break;
        case TxnKind::Fee:
        case TxnKind::Deposit:
        case TxnKind::Withdrawal:
            break;
    }
    h.fees += txn.fees;
    h.last_at = txn.at;
    ++h.transactions;
    return result;
}

Decimal average_cost(const PositionHeader& header) {
    return Decimal::divide(header.cost_basis, header.quantity);
}
Decimal market_value(const PositionHeader& header, Decimal price) {
    return header.quantity * price;
}
Decimal unrealized_pl(const PositionHeader& header, Decimal price) {
    return header.quantity * price - header.cost_basis;
}
Decimal lot_unit_cost(const Lot& lot) { return Decimal::divide(lot.cost, lot.quantity); }

// --- stored form ------------------------------------------------------------------------------

size_t encoded_position_size(const LotBook& book) noexcept {
    return 1 + 1 + 8 + 8 + 5 * Decimal::kEncodedSize + 8 +
           static_cast<size_t>(book.open_lots()) * (8 + 2 * Decimal::kEncodedSize);
}

void encode_position(const LotBook& book, ByteWriter& out) {
    const PositionHeader& h = *book.header;
    out.u8(kPositionFormatVersion);
    out.u8(static_cast<uint8_t>(h.method));
    out.i64(h.transactions);
    out.i64(h.last_at);
    h.quantity.encode(out);
    h.cost_basis.encode(out);
    h.realized_pl.encode(out);
    h.income.encode(out);
    h.fees.encode(out);
    out.i64(book.open_lots());
    for (uint32_t i = h.head; i < h.end; ++i) {
        out.i64(book.lots[i].opened_at);
        book.lots[i].quantity.encode(out);
        book.lots[i].cost.encode(out);
    }
}

PositionHeader decode_position_header(ByteReader& in) {
    in.expect_version(kPositionFormatVersion, "position");
    PositionHeader h;
    const uint8_t method = in.u8();
    if (method < 1 || method > 4)
        fail(ErrorCode::CorruptState, "position has an unknown cost method");
    h.method = static_cast<CostMethod>(method);
    h.transactions = in.i64();
    h.last_at = in.i64();
    h.quantity = Decimal::decode(in);
    h.cost_basis = Decimal::decode(in);
    h.realized_pl = Decimal::decode(in);
    h.income = Decimal::decode(in);
    h.fees = Decimal::decode(in);
    const int64_t lots = in.i64();
    const size_t lot_size = 8 + 2 * Decimal::kEncodedSize;
    if (lots < 0 || static_cast<size_t>(lots) > in.remaining() / lot_size)
        fail(ErrorCode::CorruptState, "position lot count does not match its size");
    h.capacity = static_cast<uint32_t>(lots);
    h.end = h.capacity;
    return h;
}

void decode_position_lots(ByteReader& in, LotBook book) {
    for (uint32_t i = 0; i < book.header->end; ++i) {
        book.lots[i].opened_at = in.i64();
        book.lots[i].quantity = Decimal::decode(in);
        book.lots[i].cost = Decimal::decode(in);
    }
}

void validate_position_lots(const LotBook& book) {
    // times the text form can write and read back (it takes years of four digits)
    auto readable_time = [](int64_t t) {
        try {
            return parse_utc(format_utc(t)) == t;
        } catch (const Error&) {
            return false;
        }
    };
    if (book.header->transactions < 0)
        fail(ErrorCode::CorruptState, "position: a negative transaction count");
    if (book.header->transactions > 0 && !readable_time(book.header->last_at))
        fail(ErrorCode::CorruptState, "position: the last transaction time is out of range");
    Decimal quantity, cost;
    for (uint32_t i = book.header->head; i < book.header->end; ++i) {
        if (!readable_time(book.lots[i].opened_at))
            fail(ErrorCode::CorruptState, "position: a lot time is out of range");
        if (book.lots[i].quantity.sign() <= 0)
            fail(ErrorCode::CorruptState, "position: a lot quantity must be positive");
        quantity += book.lots[i].quantity;
        cost += book.lots[i].cost;
    }
    if (quantity != book.header->quantity || cost != book.header->cost_basis)
        fail(ErrorCode::CorruptState,
             "position: quantity and cost_basis must equal the sums over the lots");
}

// --- text form --------------------------------------------------------------------------------

std::string format_position(const LotBook& book) {
    const PositionHeader& h = *book.header;
    std::string s =
        std::string("method=") + cost_method_name(h.method) +
        " quantity=" + h.quantity.to_string() + " cost_basis=" + h.cost_basis.to_string() +
        " realized_pl=" + h.realized_pl.to_string() + " income=" + h.income.to_string() +
        " fees=" + h.fees.to_string() + " transactions=" + std::to_string(h.transactions);
    if (h.transactions > 0) s += " last=" + format_utc(h.last_at);
    s += " lots=";
    for (uint32_t i = h.head; i < h.end; ++i) {
        if (i > h.head) s += ',';
        s += format_utc(book.lots[i].opened_at) + '/' + book.lots[i].quantity.to_string() + '/' +
             book.lots[i].cost.to_string();
    }
    return s;
}

namespace {

struct Field {
    std::string_view key, value;
};

std::vector<Field> split_fields(std::string_view text) {
    std::vector<Field> fields;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        if (i == text.size()) break;
        size_t end = text.find(' ', i);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view item = text.substr(i, end - i);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            fail(ErrorCode::DataException,
                 "position text: \"" + std::string(item.substr(0, 40)) + "\" is not key=value");
        fields.push_back({item.substr(0, eq), item.substr(eq + 1)});
        i = end;
    }
    return fields;
}

std::string_view field(const std::vector<Field>& fields, std::string_view key,
                       bool required = true) {
    for (const Field& f : fields)
        if (f.key == key) return f.value;
    if (required) fail(ErrorCode::DataException, "position text lacks " + std::string(key) + "=");
    return {};
}

}  // namespace

PositionHeader parse_position_header(std::string_view text) {
    const std::vector<Field> fields = split_fields(text);
    static constexpr const char* kKeys[] = {"method",       "quantity", "cost_basis",
                                            "realized_pl",  "income",   "fees",
                                            "transactions", "last",     "lots"};
    for (const Field& f : fields) {
        bool known = false;
        for (const char* k : kKeys) known = known || f.key == k;
        if (!known)
            fail(ErrorCode::DataException,
                 "position text: unknown key " + std::string(f.key.substr(0, 40)));
    }
    PositionHeader h;
    h.method = parse_cost_method(field(fields, "method"));
    h.quantity = Decimal::parse(field(fields, "quantity"));
    h.cost_basis = Decimal::parse(field(fields, "cost_basis"));
    h.realized_pl = Decimal::parse(field(fields, "realized_pl"));
    h.income = Decimal::parse(field(fields, "income"));
    h.fees = Decimal::parse(field(fields, "fees"));
    const std::string count(field(fields, "transactions"));
    char* end = nullptr;
    h.transactions = std::strtoll(count.c_str(), &end, 10);
    if (end == count.c_str() || *end != '\0' || h.transactions < 0)
        fail(ErrorCode::DataException, "position text: transactions must be a count");
    const std::string_view last = field(fields, "last", false);
    h.last_at = last.empty() ? 0 : parse_utc(last);
    const std::string_view lots = field(fields, "lots");
    uint32_t n = 0;
    if (!lots.empty()) {
        n = 1;
        for (char c : lots) n += c == ',';
    }
    h.capacity = h.end = n;
    return h;
}

void parse_position_lots(std::string_view text, LotBook book) {
    const std::vector<Field> fields = split_fields(text);
    std::string_view lots = field(fields, "lots");
    Decimal quantity, cost;
    for (uint32_t i = 0; i < book.header->end; ++i) {
        const size_t comma = lots.find(',');
        const std::string_view lot = lots.substr(0, comma);
        lots = comma == std::string_view::npos ? std::string_view() : lots.substr(comma + 1);
        const size_t s1 = lot.find('/');
        const size_t s2 = s1 == std::string_view::npos ? s1 : lot.find('/', s1 + 1);
        if (s2 == std::string_view::npos)
            fail(ErrorCode::DataException, "position text: a lot is opened/quantity/cost, got \"" +
                                               std::string(lot.substr(0, 60)) + "\"");
        Lot& l = book.lots[i];
        l.opened_at = parse_utc(lot.substr(0, s1));
        l.quantity = Decimal::parse(lot.substr(s1 + 1, s2 - s1 - 1));
        l.cost = Decimal::parse(lot.substr(s2 + 1));
        if (l.quantity.sign() <= 0)
            fail(ErrorCode::DataException, "position text: a lot quantity must be positive");
        quantity += l.quantity;
        cost += l.cost;
    }
    // the header's totals must be the lots' totals: a hand-edited value cannot contradict itself
    if (quantity != book.header->quantity || cost != book.header->cost_basis)
        fail(ErrorCode::DataException,
             "position text: quantity and cost_basis must equal the sums over the lots");
}

}  // namespace pgp::core
