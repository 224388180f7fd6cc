// Glue for the position type and position_agg (lot accounting, src/core/lots.hpp).
//
// The aggregate state is one flat block in the aggregate memory context: core::PositionHeader
// followed by its lots, grown with repalloc here (never inside the core). The stored type is a
// varlena holding the versioned little-endian encoding. numeric values cross into the core
// exactly (pg/decimal_numeric.hpp); a value the core's Decimal cannot hold is SQLSTATE 22003.
#include "pg/aggregate_support.hpp"
#include "pg/binary_io.hpp"
#include "pg/decimal_numeric.hpp"
#include "pg/position_support.hpp"
#include "pg/sql_function.hpp"
#include "core/lots.hpp"

namespace core = pgp::core;
using pgp::pg::call_core;
using pgp::pg::numeric_from_decimal;

namespace {

// Selling more than is held: SQLSTATE PF001 (class PF, pg_portfolio's own; see docs/errors.md).
constexpr int kInsufficientHoldings = MAKE_SQLSTATE('P', 'F', '0', '0', '1');
constexpr uint32_t kInitialLots = 4;

// A stored position decoded into a palloc'd block (header + lots).
core::LotBook decode_stored(Datum datum) {
    bytea* stored = reinterpret_cast<bytea*>(PG_DETOAST_DATUM(datum));
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(stored));
    const size_t size = VARSIZE_ANY_EXHDR(stored);
    const core::PositionHeader header = call_core([&] {
        core::ByteReader reader(bytes, size);
        return core::decode_position_header(reader);
    });
    void* block = palloc(core::position_block_size(header.capacity));
    core::LotBook book = core::lot_book(block);
    *book.header = header;
    call_core([&] {
        core::ByteReader reader(bytes, size);
        (void)core::decode_position_header(reader);
        core::decode_position_lots(reader, book);
        reader.expect_end("position");
    });
    return book;
}

Datum store(const core::LotBook& book) {
    const size_t size = core::encoded_position_size(book);
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    call_core([&] {
        core::ByteWriter writer(bytes, size);
        core::encode_position(book, writer);
    });
    return PointerGetDatum(out);
}

core::PositionHeader stored_header(FunctionCallInfo fcinfo) {
    bytea* stored = PG_GETARG_BYTEA_PP(0);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(stored));
    const size_t size = VARSIZE_ANY_EXHDR(stored);
    return call_core([&] {
        core::ByteReader reader(bytes, size);
        return core::decode_position_header(reader);
    });
}

core::TxnKind kind_from_enum(Datum value) {
    char* label = DatumGetCString(DirectFunctionCall1(enum_out, value));
    const auto kind = call_core([&] { return core::parse_txn_kind(label); });
    pfree(label);
    return kind;
}

}  // namespace

// --- type I/O -------------------------------------------------------------------------------

PGP_FUNCTION(pgp_position_in) {
    const char* text = PG_GETARG_CSTRING(0);
    const core::PositionHeader header =
        call_core([&] { return core::parse_position_header(text); });
    void* block = palloc(core::position_block_size(header.capacity));
    core::LotBook book = core::lot_book(block);
    *book.header = header;
    call_core([&] { core::parse_position_lots(text, book); });
    return store(book);
}

PGP_FUNCTION(pgp_position_out) {
    core::LotBook book = decode_stored(PG_GETARG_DATUM(0));
    // a lot is at most ~110 characters and the header fields ~400: room for all, checked below
    const size_t capacity = 512 + static_cast<size_t>(book.open_lots()) * 128;
    char* out = static_cast<char*>(palloc(capacity));
    call_core([&] {
        const std::string text = core::format_position(book);
        if (text.size() + 1 > capacity)
            core::fail(core::ErrorCode::Internal, "position text too long");
        std::memcpy(out, text.c_str(), text.size() + 1);
    });
    PG_RETURN_CSTRING(out);
}

PGP_FUNCTION(pgp_position_recv) {
    bytea* raw = pgp::pg::received_bytea(fcinfo);
    // validate by decoding (and by the text form's rules), then store the canonical encoding
    core::LotBook book = decode_stored(PointerGetDatum(raw));
    call_core([&] { core::validate_position_lots(book); });
    return store(book);
}

Datum pgp::pg::position_from_bytes(const uint8_t* bytes, size_t size) {
    bytea* raw = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(raw, VARHDRSZ + size);
    memcpy(VARDATA(raw), bytes, size);
    core::LotBook book = decode_stored(PointerGetDatum(raw));
    call_core([&] { core::validate_position_lots(book); });
    return PointerGetDatum(raw);
}

PGP_FUNCTION(pgp_position_send) {
    bytea* stored = PG_GETARG_BYTEA_P_COPY(0);
    PG_RETURN_BYTEA_P(stored);
}

// --- the aggregate --------------------------------------------------------------------------
// position_trans(state, executed_at, kind, quantity, price, fees [, method [, label]])

// (declared in pg/position_support.hpp: position_agg and ledger_days_agg replay the same lots)
void* pgp::pg::position_apply(FunctionCallInfo fcinfo, MemoryContext context, void* block,
                              int base) {
    const int nargs = PG_NARGS();
    if (block == nullptr) {
        core::CostMethod method = core::CostMethod::Fifo;
        if (nargs > base + 5 && !PG_ARGISNULL(base + 5)) {
            char* name = text_to_cstring(PG_GETARG_TEXT_PP(base + 5));
            method = call_core([&] { return core::parse_cost_method(name); });
        }
        block = MemoryContextAllocZero(context, core::position_block_size(kInitialLots));
        core::LotBook book = core::lot_book(block);
        *book.header = core::PositionHeader();
        book.header->method = method;
        book.header->capacity = kInitialLots;
    }
    if (PG_ARGISNULL(base) || PG_ARGISNULL(base + 1))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("position_agg: executed_at and kind must not be NULL")));
    core::Txn txn;
    txn.at = PG_GETARG_TIMESTAMPTZ(base);
    txn.kind = kind_from_enum(PG_GETARG_DATUM(base + 1));
    txn.has_quantity = !PG_ARGISNULL(base + 2);
    if (txn.has_quantity) txn.quantity = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(base + 2));
    txn.has_price = !PG_ARGISNULL(base + 3);
    if (txn.has_price) txn.price = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(base + 3));
    if (!PG_ARGISNULL(base + 4))
        txn.fees = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(base + 4));

    core::LotBook book = core::lot_book(block);
    if (core::needs_lot_slot(*book.header, txn.kind)) {
        if (book.header->head > 0) {
            core::compact(book);
        } else {
            const uint32_t capacity = book.header->capacity * 2;
            if (core::position_block_size(capacity) > MaxAllocSize)
                ereport(ERROR,
                        (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                         errmsg("position_agg: too many open lots (%u)", book.header->capacity)));
            block = repalloc(block, core::position_block_size(capacity));
            book = core::lot_book(block);
            book.header->capacity = capacity;
        }
    }
    const core::ApplyResult result = call_core([&] { return core::apply(book, txn); });
    if (result.oversold) {
        if (nargs > base + 6 && !PG_ARGISNULL(base + 6)) {
            char* label = text_to_cstring(PG_GETARG_TEXT_PP(base + 6));
            ereport(
                ERROR,
                (errcode(kInsufficientHoldings), errmsg("%s: %s", label, result.message),
                 errhint("Record the missing buy or transfer_in, or correct the quantity sold.")));
        }
        ereport(ERROR,
                (errcode(kInsufficientHoldings), errmsg("%s", result.message),
                 errhint("Record the missing buy or transfer_in, or correct the quantity sold.")));
    }
    return block;
}

PGP_FUNCTION(pgp_position_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "position_trans");
    void* block = PG_ARGISNULL(0) ? nullptr : PG_GETARG_POINTER(0);
    PG_RETURN_POINTER(pgp::pg::position_apply(fcinfo, context, block, 1));
}

PGP_FUNCTION(pgp_position_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    core::LotBook book = core::lot_book(PG_GETARG_POINTER(0));
    return store(book);
}

// --- accessors ------------------------------------------------------------------------------

PGP_FUNCTION(pgp_position_quantity) { return numeric_from_decimal(stored_header(fcinfo).quantity); }
PGP_FUNCTION(pgp_position_cost_basis) {
    return numeric_from_decimal(stored_header(fcinfo).cost_basis);
}
PGP_FUNCTION(pgp_position_realized_pl) {
    return numeric_from_decimal(stored_header(fcinfo).realized_pl);
}
PGP_FUNCTION(pgp_position_income) { return numeric_from_decimal(stored_header(fcinfo).income); }
PGP_FUNCTION(pgp_position_fees) { return numeric_from_decimal(stored_header(fcinfo).fees); }
PGP_FUNCTION(pgp_position_transactions) { PG_RETURN_INT64(stored_header(fcinfo).transactions); }

PGP_FUNCTION(pgp_position_cost_method) {
    PG_RETURN_TEXT_P(cstring_to_text(core::cost_method_name(stored_header(fcinfo).method)));
}

// NULL when nothing is held (no shares, no average).
PGP_FUNCTION(pgp_position_average_cost) {
    const core::PositionHeader h = stored_header(fcinfo);
    if (h.quantity.is_zero()) PG_RETURN_NULL();
    return numeric_from_decimal(call_core([&] { return core::average_cost(h); }));
}

PGP_FUNCTION(pgp_position_market_value) {
    const core::PositionHeader h = stored_header(fcinfo);
    const core::Decimal price = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(1));
    return numeric_from_decimal(call_core([&] { return core::market_value(h, price); }));
}

PGP_FUNCTION(pgp_position_unrealized_pl) {
    const core::PositionHeader h = stored_header(fcinfo);
    const core::Decimal price = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(1));
    return numeric_from_decimal(call_core([&] { return core::unrealized_pl(h, price); }));
}

// open_lots(position) -> SETOF (opened_at timestamptz, quantity numeric, unit_cost numeric)
PGP_FUNCTION(pgp_position_open_lots) {
    core::LotBook book = decode_stored(PG_GETARG_DATUM(0));
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (uint32_t i = book.header->head; i < book.header->end; ++i) {
        const core::Lot lot = book.lots[i];
        const core::Decimal unit_cost = call_core([&] { return core::lot_unit_cost(lot); });
        Datum values[4] = {TimestampTzGetDatum(lot.opened_at), numeric_from_decimal(lot.quantity),
                           numeric_from_decimal(unit_cost), numeric_from_decimal(lot.cost)};
        bool nulls[4] = {false, false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return static_cast<Datum>(0);
}
