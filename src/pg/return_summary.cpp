// Glue for the two-step summaries: the types portfolio.return_summary and portfolio.pair_summary
// (text and binary I/O), the aggregates that build them (return_stats, pair_stats), rollup() over
// stored summaries, and the accessors.
//
// On disk a summary is a varlena whose payload is the core's versioned little-endian encoding; the
// binary send/recv format is the same payload. Accessors decode (and so validate) the value.
#include <array>
#include <optional>
#include <tuple>

#include "pg/moment_support.hpp"
#include "pg/sql_function.hpp"
#include "core/parameters.hpp"
#include "core/return_summary.hpp"

using pgp::core::PairSummary;
using pgp::core::ReturnSummary;
using pgp::pg::call_core;
using pgp::pg::optional_float8;

namespace {

template <typename Summary>
struct varlena* to_varlena(const Summary& s) {
    auto* out = static_cast<struct varlena*>(palloc(VARHDRSZ + Summary::kEncodedSize));
    SET_VARSIZE(out, VARHDRSZ + Summary::kEncodedSize);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    call_core([&] {
        pgp::core::ByteWriter writer(bytes, Summary::kEncodedSize);
        s.encode(writer);
    });
    return out;
}

template <typename Summary>
Summary decode_bytes(const uint8_t* bytes, size_t size, const char* what) {
    return call_core([&] {
        pgp::core::ByteReader reader(bytes, size);
        Summary s = Summary::decode(reader);
        reader.expect_end(what);
        return s;
    });
}

template <typename Summary>
Summary summary_arg(FunctionCallInfo fcinfo, int argno, const char* what) {
    struct varlena* v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
    return decode_bytes<Summary>(reinterpret_cast<const uint8_t*>(VARDATA_ANY(v)),
                                 VARSIZE_ANY_EXHDR(v), what);
}

template <typename Summary, typename Parsed>
Datum summary_in(FunctionCallInfo fcinfo, Parsed (*parse)(const char*) noexcept) {
    const char* text = PG_GETARG_CSTRING(0);
    const Parsed parsed = parse(text);
    if (!parsed.ok)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), errmsg("%s", parsed.message)));
    PG_RETURN_POINTER(to_varlena(parsed.value));
}

template <typename Summary>
Datum summary_out(FunctionCallInfo fcinfo, const char* what) {
    const Summary s = summary_arg<Summary>(fcinfo, 0, what);
    const pgp::core::SummaryText text = pgp::core::to_text(s);
    PG_RETURN_CSTRING(pstrdup(text.text));
}

template <typename Summary>
Datum summary_recv(FunctionCallInfo fcinfo, const char* what) {
    StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
    const int size = buf->len - buf->cursor;
    const auto* bytes = reinterpret_cast<const uint8_t*>(pq_getmsgbytes(buf, size));
    const Summary s = decode_bytes<Summary>(bytes, static_cast<size_t>(size), what);
    PG_RETURN_POINTER(to_varlena(s));
}

Datum summary_send(FunctionCallInfo fcinfo) {
    struct varlena* v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
    StringInfoData buf;
    pq_begintypsend(&buf);
    pq_sendbytes(&buf, VARDATA_ANY(v), static_cast<int>(VARSIZE_ANY_EXHDR(v)));
    PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

// One row of return_stats(r) (kReturns 1) or pair_stats(r, rb) (kReturns 2): a row with a NULL
// return is skipped; an inverse that may have lost accuracy gives NULL (recompute the frame).
template <typename Summary, size_t kReturns>
Datum stats_step(FunctionCallInfo fcinfo, const char* name, bool inverse) {
    std::array<double, kReturns> row{};
    for (size_t i = 0; i < kReturns; ++i) {
        const int argno = static_cast<int>(i) + 1;
        if (PG_ARGISNULL(argno)) return pgp::pg::unchanged_state(fcinfo);
        row[i] = PG_GETARG_FLOAT8(argno);
    }
    auto* state = pgp::pg::state_or_new<Summary>(fcinfo, name);
    const bool accurate = call_core([&] {
        if (inverse) return std::apply([&](auto... r) { return state->remove(r...); }, row);
        std::apply([&](auto... r) { state->add(r...); }, row);
        return true;
    });
    if (!accurate) PG_RETURN_NULL();
    PG_RETURN_POINTER(state);
}

// rollup(summary): merges each stored summary into the state; the inverse, over a moving window,
// takes a summary that left the frame back out (NULL when that may have lost accuracy).
template <typename Summary>
Datum rollup_step(FunctionCallInfo fcinfo, const char* type_name, bool inverse) {
    if (PG_ARGISNULL(1)) return pgp::pg::unchanged_state(fcinfo);
    const Summary part = summary_arg<Summary>(fcinfo, 1, type_name);
    if (!inverse) {
        auto* state = pgp::pg::state_arg_or_new<Summary>(fcinfo, 0, "rollup");
        call_core([&] { state->merge(part); });
        PG_RETURN_POINTER(state);
    }
    auto* state = pgp::pg::state_or_new<Summary>(fcinfo, "rollup");
    if (!call_core([&] { return state->unmerge(part); })) PG_RETURN_NULL();
    PG_RETURN_POINTER(state);
}

// The stored summary of an aggregate; an empty set gives NULL, as every aggregate here.
template <typename Summary>
Datum summary_final(FunctionCallInfo fcinfo) {
    const Summary* state = pgp::pg::state_or_null<Summary>(fcinfo);
    if (state == nullptr || state->moments.n == 0) PG_RETURN_NULL();
    PG_RETURN_POINTER(to_varlena(*state));
}

}  // namespace

// Every SQL function of a summary type and of the aggregate that builds it: text and binary I/O,
// the aggregate's transition, inverse, parallel and final functions, and rollup's. kReturns is how
// many returns a row of the aggregate has.
#define PGP_SUMMARY_FUNCTIONS(type, stats, Summary, kReturns)                                      \
    PGP_FUNCTION(pgp_##type##_in) {                                                                \
        return summary_in<Summary>(fcinfo, &pgp::core::parse_##type);                              \
    }                                                                                              \
    PGP_FUNCTION(pgp_##type##_out) { return summary_out<Summary>(fcinfo, #type); }                 \
    PGP_FUNCTION(pgp_##type##_recv) { return summary_recv<Summary>(fcinfo, #type); }               \
    PGP_FUNCTION(pgp_##type##_send) { return summary_send(fcinfo); }                               \
    PGP_FUNCTION(pgp_##stats##_trans) {                                                            \
        return stats_step<Summary, kReturns>(fcinfo, #stats, false);                               \
    }                                                                                              \
    PGP_FUNCTION(pgp_##stats##_inv) {                                                              \
        return stats_step<Summary, kReturns>(fcinfo, #stats, true);                                \
    }                                                                                              \
    PGP_FIXED_STATE_PARALLEL_FUNCTIONS(stats, Summary)                                             \
    PGP_FUNCTION(pgp_##stats##_final) { return summary_final<Summary>(fcinfo); }                   \
    PGP_FUNCTION(pgp_##type##_rollup_trans) { return rollup_step<Summary>(fcinfo, #type, false); } \
    PGP_FUNCTION(pgp_##type##_rollup_inv) { return rollup_step<Summary>(fcinfo, #type, true); }

PGP_SUMMARY_FUNCTIONS(return_summary, return_stats, ReturnSummary, 1)
PGP_SUMMARY_FUNCTIONS(pair_summary, pair_stats, PairSummary, 2)

// --- return_summary accessors ------------------------------------------------------------------
namespace {
ReturnSummary rs(FunctionCallInfo fcinfo) {
    return summary_arg<ReturnSummary>(fcinfo, 0, "return_summary");
}
double ppy_arg(FunctionCallInfo fcinfo, int argno) {
    const double ppy = static_cast<double>(PG_GETARG_INT32(argno));
    call_core([&] { pgp::core::check_periods_per_year(ppy); });
    return ppy;
}
// An accessor with a ppy argument: formula(part of the summary, ppy), the ppy checked first.
template <typename Part, typename Formula>
Datum at_ppy(FunctionCallInfo fcinfo, const Part& part, Formula formula) {
    return optional_float8(fcinfo, formula(part, ppy_arg(fcinfo, 1)));
}
// var_gaussian(s, c) and its kin: the formula validates the confidence c and may raise.
Datum at_confidence(FunctionCallInfo fcinfo,
                    std::optional<double> (*formula)(const pgp::core::Moments&, double)) {
    const ReturnSummary s = rs(fcinfo);
    const double c = PG_GETARG_FLOAT8(1);
    return optional_float8(fcinfo, call_core([&] { return formula(s.moments, c); }));
}
}  // namespace

PGP_FUNCTION(pgp_return_summary_n) { PG_RETURN_INT64(rs(fcinfo).moments.n); }
PGP_FUNCTION(pgp_return_summary_mean) {
    const ReturnSummary s = rs(fcinfo);
    if (s.moments.n == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(s.moments.mean);
}
PGP_FUNCTION(pgp_return_summary_stddev) {
    return optional_float8(fcinfo, pgp::core::stddev_sample(rs(fcinfo).moments));
}
PGP_FUNCTION(pgp_return_summary_skewness) {
    return optional_float8(fcinfo, pgp::core::skewness(rs(fcinfo).moments));
}
PGP_FUNCTION(pgp_return_summary_kurtosis) {
    return optional_float8(fcinfo, pgp::core::excess_kurtosis(rs(fcinfo).moments));
}
PGP_FUNCTION(pgp_return_summary_twr) { return optional_float8(fcinfo, pgp::core::twr(rs(fcinfo))); }
PGP_FUNCTION(pgp_return_summary_annualized_return) {
    return at_ppy(fcinfo, rs(fcinfo).growth, &pgp::core::annualized_return);
}
PGP_FUNCTION(pgp_return_summary_volatility) {
    return at_ppy(fcinfo, rs(fcinfo).moments, &pgp::core::volatility);
}
// sharpe with a constant rf: the excess mean over the (shift-invariant) sample stddev
PGP_FUNCTION(pgp_return_summary_sharpe) {
    ReturnSummary s = rs(fcinfo);
    const double rf = PG_GETARG_FLOAT8(1);
    const double ppy = ppy_arg(fcinfo, 2);
    call_core([&] { pgp::core::check_rate(rf, "rf"); });
    s.moments.mean -= rf;
    return optional_float8(fcinfo, pgp::core::sharpe_ratio(s.moments, ppy));
}
PGP_FUNCTION(pgp_return_summary_var_gaussian) {
    return at_confidence(fcinfo, &pgp::core::var_gaussian);
}
PGP_FUNCTION(pgp_return_summary_cvar_gaussian) {
    return at_confidence(fcinfo, &pgp::core::cvar_gaussian);
}
PGP_FUNCTION(pgp_return_summary_var_cornish_fisher) {
    return at_confidence(fcinfo, &pgp::core::var_cornish_fisher);
}

// --- pair_summary accessors ---------------------------------------------------------------------
namespace {
PairSummary ps(FunctionCallInfo fcinfo) {
    return summary_arg<PairSummary>(fcinfo, 0, "pair_summary");
}
}  // namespace

PGP_FUNCTION(pgp_pair_summary_n) { PG_RETURN_INT64(ps(fcinfo).moments.n); }
PGP_FUNCTION(pgp_pair_summary_beta) {
    return optional_float8(fcinfo, pgp::core::beta(ps(fcinfo).moments));
}
PGP_FUNCTION(pgp_pair_summary_correlation) {
    return optional_float8(fcinfo, pgp::core::correlation(ps(fcinfo).moments));
}
PGP_FUNCTION(pgp_pair_summary_alpha) {
    const PairSummary s = ps(fcinfo);
    const double rf = PG_GETARG_FLOAT8(1);
    const double ppy = ppy_arg(fcinfo, 2);
    call_core([&] { pgp::core::check_rate(rf, "rf"); });
    return optional_float8(fcinfo, pgp::core::alpha(s.moments, rf, ppy));
}
PGP_FUNCTION(pgp_pair_summary_tracking_error) {
    return at_ppy(fcinfo, ps(fcinfo).moments, &pgp::core::tracking_error);
}
PGP_FUNCTION(pgp_pair_summary_information_ratio) {
    return at_ppy(fcinfo, ps(fcinfo).moments, &pgp::core::information_ratio);
}
