// portfolio.version(), portfolio.build_info() and the boundary diagnostics.
#include <string>

#include "pg/boundary.hpp"
#include "pg/sql_function.hpp"
#include "core/build_info.hpp"
#include "core/selftest.hpp"

#ifndef PGP_EXTENSION_VERSION
#error "the Makefile defines PGP_EXTENSION_VERSION from pg_portfolio.control"
#endif

namespace {

// Copies a core string into palloc'd text. The std::string lives inside call_core only.
struct TextBuffer {
    char data[4096];
    size_t length;
};

}  // namespace

PGP_FUNCTION(pgp_version) { PG_RETURN_TEXT_P(cstring_to_text(PGP_EXTENSION_VERSION)); }

PGP_FUNCTION(pgp_build_info) {
    const TextBuffer json = pgp::pg::call_core([] {
        const std::string s = pgp::core::build_info_json(PGP_EXTENSION_VERSION, PG_VERSION_STR);
        TextBuffer b{};
        b.length = s.copy(b.data, sizeof(b.data) - 1);
        return b;
    });
    Datum result = DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
    PG_RETURN_DATUM(result);
}

PGP_FUNCTION(pgp_boundary_selftest) {
    char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
    const double max_seconds = PG_GETARG_FLOAT8(1);
    const pgp::core::InterruptCheck interrupts = pgp::pg::postgres_interrupts();
    const TextBuffer outcome = pgp::pg::call_core([&] {
        const std::string s = pgp::core::run_boundary_selftest(kind, interrupts, max_seconds);
        TextBuffer b{};
        b.length = s.copy(b.data, sizeof(b.data) - 1);
        return b;
    });
    PG_RETURN_TEXT_P(cstring_to_text_with_len(outcome.data, static_cast<int>(outcome.length)));
}

PGP_FUNCTION(pgp_boundary_probes_destroyed) {
    PG_RETURN_INT64(pgp::pg::call_core([] { return pgp::core::boundary_probes_destroyed(); }));
}
