#include "core/return_summary.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "core/error.hpp"

namespace pgp::core {

void ReturnSummary::add(double r) {
    growth.add(r);  // validates: finite and >= -1
    moments.add(r);
}

bool ReturnSummary::remove(double r) {
    growth.remove(r);
    return moments.remove(r);
}

void ReturnSummary::merge(const ReturnSummary& other) noexcept {
    moments.merge(other.moments);
    growth.merge(other.growth);
}

bool ReturnSummary::unmerge(const ReturnSummary& other) noexcept {
    growth.n -= other.growth.n;
    growth.total_losses -= other.growth.total_losses;
    growth.log_growth.subtract(other.growth.log_growth.sum);
    growth.log_growth.subtract(other.growth.log_growth.compensation);
    if (growth.n <= 0 || growth.total_losses < 0) {
        const bool exact = growth.n == 0 && growth.total_losses == 0;
        *this = ReturnSummary{};  // all removed (or an impossible removal: recompute)
        return exact;
    }
    return moments.unmerge(other.moments);
}

void ReturnSummary::encode(ByteWriter& out) const {
    out.u8(kFormatVersion);
    out.i64(moments.n);
    out.f64(moments.mean);
    out.f64(moments.m2);
    out.f64(moments.m3);
    out.f64(moments.m4);
    growth.log_growth.encode(out);
    out.i64(growth.total_losses);
}

void ReturnSummary::check_consistent() const {
    moments.check_consistent();
    if (growth.n != moments.n || growth.total_losses < 0 || growth.total_losses > growth.n ||
        !std::isfinite(growth.log_growth.sum) || !std::isfinite(growth.log_growth.compensation))
        fail(ErrorCode::CorruptState,
             "return summary is inconsistent (growth and moments disagree)");
}

ReturnSummary ReturnSummary::decode(ByteReader& in) {
    in.expect_version(kFormatVersion, "return_summary");
    ReturnSummary s;
    s.moments.n = in.i64();
    s.moments.mean = in.f64();
    s.moments.m2 = in.f64();
    s.moments.m3 = in.f64();
    s.moments.m4 = in.f64();
    s.growth.n = s.moments.n;
    s.growth.log_growth = CompensatedSum::decode(in);
    s.growth.total_losses = in.i64();
    s.check_consistent();
    s.moments.reset_bookkeeping();
    return s;
}

std::optional<double> twr(const ReturnSummary& s) noexcept {
    if (s.growth.n == 0) return std::nullopt;
    return s.growth.compounded_return();
}

std::optional<double> annualized_return(const GrowthState& g, double ppy) noexcept {
    if (g.n == 0) return std::nullopt;
    if (g.total_losses > 0) return -1.0;
    return std::expm1(g.log_growth.value() * ppy / static_cast<double>(g.n));
}

void PairSummary::add(double r, double rb) {
    check_simple_return(r);
    check_simple_return(rb);
    moments.add(r, rb);
}

bool PairSummary::remove(double r, double rb) {
    check_simple_return(r);
    check_simple_return(rb);
    return moments.remove(r, rb);
}

// --- text ------------------------------------------------------------------------------------
// "(version:1,n:3,mean:0.1,...)": key:value pairs in a fixed order, doubles with %.17g.
namespace {

struct Field {
    const char* key;
    bool integer;
};

// Parses "(k1:v1,k2:v2,...)" with exactly the given keys in order; whitespace allowed around
// tokens. Integers go to ints[i], doubles to reals[i]. Throws Error on any mismatch.
void parse_fields(const char* text, const Field* fields, size_t count, int64_t* ints,
                  double* reals) {
    const char* p = text;
    auto skip = [&] {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
    };
    auto expect = [&](char c) {
        skip();
        if (*p != c)
            fail(ErrorCode::DataException,
                 std::string("expected '") + c + "' at \"" + std::string(p).substr(0, 20) + "\"");
        ++p;
    };
    expect('(');
    for (size_t i = 0; i < count; ++i) {
        if (i > 0) expect(',');
        skip();
        const size_t len = std::strlen(fields[i].key);
        if (std::strncmp(p, fields[i].key, len) != 0)
            fail(ErrorCode::DataException, std::string("expected field \"") + fields[i].key + "\"");
        p += len;
        expect(':');
        skip();
        char* end = nullptr;
        errno = 0;
        if (fields[i].integer) {
            ints[i] = std::strtoll(p, &end, 10);
        } else {
            reals[i] = std::strtod(p, &end);
            if (end != p && !std::isfinite(reals[i]))
                fail(ErrorCode::DataException,
                     std::string("field \"") + fields[i].key + "\" is not finite");
        }
        // strtod reports ERANGE for a subnormal result too, which %.17g prints and reads back
        // exactly (a fourth moment of returns near 1e-80 is one): like PostgreSQL's float8in,
        // only an underflow to zero is out of range (an overflow is caught as not finite above).
        const bool out_of_range =
            errno == ERANGE && (fields[i].integer || (end != p && reals[i] == 0.0));
        if (end == p || out_of_range)
            fail(ErrorCode::DataException,
                 std::string("invalid number for field \"") + fields[i].key + "\"");
        p = end;
    }
    expect(')');
    skip();
    if (*p != '\0') fail(ErrorCode::DataException, "unexpected text after the closing parenthesis");
}

// The values of the nine fields of a summary's text form: ints[i] where fields[i] is an integer,
// else reals[i].
struct SummaryFields {
    int64_t ints[9] = {};
    double reals[9] = {};
};

// Parses a summary's text form; its version (the first field) must be T's.
template <typename T>
SummaryFields parse_summary_fields(const char* text, const Field (&fields)[9]) {
    SummaryFields f;
    parse_fields(text, fields, 9, f.ints, f.reals);
    if (f.ints[0] != T::kFormatVersion)
        fail(ErrorCode::DataException, "unsupported version " + std::to_string(f.ints[0]));
    return f;
}

template <typename T, typename Fn>
ParsedSummary<T> guarded_parse(const char* what, Fn&& fn) noexcept {
    ParsedSummary<T> out{};
    try {
        out.value = fn();
        out.ok = true;
    } catch (const std::exception& e) {
        out.ok = false;
        std::snprintf(out.message, sizeof out.message, "invalid input syntax for type %s: %s", what,
                      e.what());
    }
    return out;
}

}  // namespace

SummaryText to_text(const ReturnSummary& s) noexcept {
    SummaryText out{};
    std::snprintf(out.text, sizeof out.text,
                  "(version:%d,n:%lld,mean:%.17g,m2:%.17g,m3:%.17g,m4:%.17g,log_growth:%.17g,"
                  "log_growth_error:%.17g,total_losses:%lld)",
                  int(ReturnSummary::kFormatVersion), static_cast<long long>(s.moments.n),
                  s.moments.mean, s.moments.m2, s.moments.m3, s.moments.m4, s.growth.log_growth.sum,
                  s.growth.log_growth.compensation, static_cast<long long>(s.growth.total_losses));
    return out;
}

SummaryText to_text(const PairSummary& s) noexcept {
    const PairMoments& p = s.moments;
    SummaryText out{};
    std::snprintf(out.text, sizeof out.text,
                  "(version:%d,n:%lld,mean_r:%.17g,mean_rb:%.17g,mean_diff:%.17g,m2_r:%.17g,"
                  "m2_rb:%.17g,m2_diff:%.17g,c_r_rb:%.17g)",
                  int(PairSummary::kFormatVersion), static_cast<long long>(p.n), p.mean_x, p.mean_y,
                  p.mean_d, p.m2_x, p.m2_y, p.m2_d, p.c_xy);
    return out;
}

ParsedSummary<ReturnSummary> parse_return_summary(const char* text) noexcept {
    return guarded_parse<ReturnSummary>("return_summary", [&] {
        static constexpr Field fields[] = {{"version", true},     {"n", true},
                                           {"mean", false},       {"m2", false},
                                           {"m3", false},         {"m4", false},
                                           {"log_growth", false}, {"log_growth_error", false},
                                           {"total_losses", true}};
        const SummaryFields f = parse_summary_fields<ReturnSummary>(text, fields);
        ReturnSummary s;
        s.moments.n = f.ints[1];
        s.moments.mean = f.reals[2];
        s.moments.m2 = f.reals[3];
        s.moments.m3 = f.reals[4];
        s.moments.m4 = f.reals[5];
        s.growth.n = f.ints[1];
        s.growth.log_growth.sum = f.reals[6];
        s.growth.log_growth.compensation = f.reals[7];
        s.growth.total_losses = f.ints[8];
        s.check_consistent();
        s.moments.reset_bookkeeping();
        return s;
    });
}

ParsedSummary<PairSummary> parse_pair_summary(const char* text) noexcept {
    return guarded_parse<PairSummary>("pair_summary", [&] {
        static constexpr Field fields[] = {
            {"version", true},  {"n", true},          {"mean_r", false},
            {"mean_rb", false}, {"mean_diff", false}, {"m2_r", false},
            {"m2_rb", false},   {"m2_diff", false},   {"c_r_rb", false}};
        const SummaryFields f = parse_summary_fields<PairSummary>(text, fields);
        PairSummary s;
        PairMoments& p = s.moments;
        p.n = f.ints[1];
        p.mean_x = f.reals[2];
        p.mean_y = f.reals[3];
        p.mean_d = f.reals[4];
        p.m2_x = f.reals[5];
        p.m2_y = f.reals[6];
        p.m2_d = f.reals[7];
        p.c_xy = f.reals[8];
        p.check_consistent();
        p.reset_bookkeeping();
        return s;
    });
}

}  // namespace pgp::core
