// Glue for the two-step summaries: the types portfolio.return_summary and portfolio.pair_summary
// (text and binary I/O), the aggregates that build them (return_stats, pair_stats), rollup() over
// stored summaries, and the accessors.
//
// On disk a summary is a varlena whose payload is the core's versioned little-endian encoding; the
// binary send/recv format is the same payload. Accessors decode (and so validate) the value.
#include <optional>

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

}  // namespace

// --- return_summary: I/O ------------------------------------------------------------------------
PGP_FUNCTION(pgp_return_summary_in) {
    return summary_in<ReturnSummary>(fcinfo, &pgp::core::parse_return_summary);
}
PGP_FUNCTION(pgp_return_summary_out) {
    return summary_out<ReturnSummary>(fcinfo, "return_summary");
}
PGP_FUNCTION(pgp_return_summary_recv) {
    return summary_recv<ReturnSummary>(fcinfo, "return_summary");
}
PGP_FUNCTION(pgp_return_summary_send) { return summary_send(fcinfo); }

// --- return_stats(r) and rollup(return_summary) -------------------------------------------------
namespace {
Datum return_stats_step(FunctionCallInfo fcinfo, bool inverse) {
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    const double r = PG_GETARG_FLOAT8(1);
    auto* state = pgp::pg::state_or_new<ReturnSummary>(fcinfo, "return_stats");
    const bool accurate = call_core([&] {
        if (!inverse) {
            state->add(r);
            return true;
        }
        return state->remove(r);
    });
    if (!accurate) PG_RETURN_NULL();  // recompute the frame
    PG_RETURN_POINTER(state);
}
}  // namespace

PGP_FUNCTION(pgp_return_stats_trans) { return return_stats_step(fcinfo, false); }
PGP_FUNCTION(pgp_return_stats_inv) { return return_stats_step(fcinfo, true); }

PGP_FUNCTION(pgp_return_summary_rollup_trans) {
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    const ReturnSummary part = summary_arg<ReturnSummary>(fcinfo, 1, "return_summary");
    auto* state = pgp::pg::state_arg_or_new<ReturnSummary>(fcinfo, 0, "rollup");
    call_core([&] { state->merge(part); });
    PG_RETURN_POINTER(state);
}

// rollup over a moving window: take a summary that left the frame back out
PGP_FUNCTION(pgp_return_summary_rollup_inv) {
    if (PG_ARGISNULL(1)) return pgp::pg::unchanged_state(fcinfo);
    const ReturnSummary part = summary_arg<ReturnSummary>(fcinfo, 1, "return_summary");
    auto* state = pgp::pg::state_or_new<ReturnSummary>(fcinfo, "rollup");
    if (!call_core([&] { return state->unmerge(part); })) PG_RETURN_NULL();  // recompute the frame
    PG_RETURN_POINTER(state);
}

PGP_FUNCTION(pgp_return_stats_combine) {
    return pgp::pg::combine_fixed_states<ReturnSummary>(fcinfo, "return_stats_combine");
}
PGP_FUNCTION(pgp_return_stats_serialize) {
    const auto* state = reinterpret_cast<const ReturnSummary*>(PG_GETARG_POINTER(0));
    PG_RETURN_BYTEA_P(pgp::pg::serialize_fixed_state(*state));
}
PGP_FUNCTION(pgp_return_stats_deserialize) {
    PG_RETURN_POINTER(
        pgp::pg::deserialize_fixed_state<ReturnSummary>(fcinfo, "return_stats_deserialize"));
}
// An empty set gives NULL, as every aggregate here.
PGP_FUNCTION(pgp_return_stats_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const ReturnSummary*>(PG_GETARG_POINTER(0));
    if (state->moments.n == 0) PG_RETURN_NULL();
    PG_RETURN_POINTER(to_varlena(*state));
}

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
    const ReturnSummary s = rs(fcinfo);
    return optional_float8(fcinfo, pgp::core::annualized_return(s.growth, ppy_arg(fcinfo, 1)));
}
PGP_FUNCTION(pgp_return_summary_volatility) {
    const ReturnSummary s = rs(fcinfo);
    return optional_float8(fcinfo, pgp::core::volatility(s.moments, ppy_arg(fcinfo, 1)));
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
    const ReturnSummary s = rs(fcinfo);
    const double c = PG_GETARG_FLOAT8(1);
    return optional_float8(fcinfo,
                           call_core([&] { return pgp::core::var_gaussian(s.moments, c); }));
}
PGP_FUNCTION(pgp_return_summary_cvar_gaussian) {
    const ReturnSummary s = rs(fcinfo);
    const double c = PG_GETARG_FLOAT8(1);
    return optional_float8(fcinfo,
                           call_core([&] { return pgp::core::cvar_gaussian(s.moments, c); }));
}
PGP_FUNCTION(pgp_return_summary_var_cornish_fisher) {
    const ReturnSummary s = rs(fcinfo);
    const double c = PG_GETARG_FLOAT8(1);
    return optional_float8(fcinfo,
                           call_core([&] { return pgp::core::var_cornish_fisher(s.moments, c); }));
}

// --- pair_summary ----------------------------------------------------------------------------
PGP_FUNCTION(pgp_pair_summary_in) {
    return summary_in<PairSummary>(fcinfo, &pgp::core::parse_pair_summary);
}
PGP_FUNCTION(pgp_pair_summary_out) { return summary_out<PairSummary>(fcinfo, "pair_summary"); }
PGP_FUNCTION(pgp_pair_summary_recv) { return summary_recv<PairSummary>(fcinfo, "pair_summary"); }
PGP_FUNCTION(pgp_pair_summary_send) { return summary_send(fcinfo); }

namespace {
Datum pair_stats_step(FunctionCallInfo fcinfo, bool inverse) {
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    const double r = PG_GETARG_FLOAT8(1);
    const double rb = PG_GETARG_FLOAT8(2);
    auto* state = pgp::pg::state_or_new<PairSummary>(fcinfo, "pair_stats");
    const bool accurate = call_core([&] {
        if (!inverse) {
            state->add(r, rb);
            return true;
        }
        return state->remove(r, rb);
    });
    if (!accurate) PG_RETURN_NULL();
    PG_RETURN_POINTER(state);
}
}  // namespace

PGP_FUNCTION(pgp_pair_stats_trans) { return pair_stats_step(fcinfo, false); }
PGP_FUNCTION(pgp_pair_stats_inv) { return pair_stats_step(fcinfo, true); }
PGP_FUNCTION(pgp_pair_summary_rollup_trans) {
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    const PairSummary part = summary_arg<PairSummary>(fcinfo, 1, "pair_summary");
    auto* state = pgp::pg::state_arg_or_new<PairSummary>(fcinfo, 0, "rollup");
    call_core([&] { state->merge(part); });
    PG_RETURN_POINTER(state);
}
PGP_FUNCTION(pgp_pair_summary_rollup_inv) {
    if (PG_ARGISNULL(1)) return pgp::pg::unchanged_state(fcinfo);
    const PairSummary part = summary_arg<PairSummary>(fcinfo, 1, "pair_summary");
    auto* state = pgp::pg::state_or_new<PairSummary>(fcinfo, "rollup");
    if (!call_core([&] { return state->unmerge(part); })) PG_RETURN_NULL();
    PG_RETURN_POINTER(state);
}

PGP_FUNCTION(pgp_pair_stats_combine) {
    return pgp::pg::combine_fixed_states<PairSummary>(fcinfo, "pair_stats_combine");
}
PGP_FUNCTION(pgp_pair_stats_serialize) {
    const auto* state = reinterpret_cast<const PairSummary*>(PG_GETARG_POINTER(0));
    PG_RETURN_BYTEA_P(pgp::pg::serialize_fixed_state(*state));
}
PGP_FUNCTION(pgp_pair_stats_deserialize) {
    PG_RETURN_POINTER(
        pgp::pg::deserialize_fixed_state<PairSummary>(fcinfo, "pair_stats_deserialize"));
}
PGP_FUNCTION(pgp_pair_stats_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const PairSummary*>(PG_GETARG_POINTER(0));
    if (state->moments.n == 0) PG_RETURN_NULL();
    PG_RETURN_POINTER(to_varlena(*state));
}

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
    const PairSummary s = ps(fcinfo);
    return optional_float8(fcinfo, pgp::core::tracking_error(s.moments, ppy_arg(fcinfo, 1)));
}
PGP_FUNCTION(pgp_pair_summary_information_ratio) {
    const PairSummary s = ps(fcinfo);
    return optional_float8(fcinfo, pgp::core::information_ratio(s.moments, ppy_arg(fcinfo, 1)));
}
