// The C++/PostgreSQL boundary.
//
// Every call from glue into the core goes through call_core(). It runs the core function inside a
// try block, converts any exception into a SQLSTATE and a message copied into a plain stack buffer,
// lets the try block end (so every C++ destructor and the exception object itself are gone), and
// only then raises the PostgreSQL error. A longjmp therefore never crosses a live C++ object.
//
// Two rules keep this true:
//  1. The lambda given to call_core calls only core code, never a PostgreSQL function that can
//     ereport (no palloc, no detoasting): glue prepares inputs before and stores results after.
//  2. What the lambda returns must be trivially destructible (checked at compile time), so glue
//     can call PostgreSQL afterwards without a destructor pending.
#pragma once

#include <exception>
#include <new>
#include <stdexcept>
#include <type_traits>

#include "pg/postgres_headers.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"

namespace pgp::pg {

// Filled only when something was thrown: the message buffer is deliberately left uninitialised so
// that the common, error-free call costs nothing (zero-filling 1 KiB per row was measurable).
struct CapturedError {
    int sqlstate = 0;
    bool cancelled = false;
    char message[1024];
};

void capture_error(CapturedError& err, int sqlstate, const char* message) noexcept;
int sqlstate_for(core::ErrorCode code) noexcept;
// The SQLSTATE of any other standard exception, by its class (XX000 for a class not mapped).
int sqlstate_for(const std::exception& e) noexcept;
[[noreturn]] void raise_captured(const CapturedError& err);

// Lets long core loops notice statement_timeout and query cancel (see core/interrupt.hpp).
core::InterruptCheck postgres_interrupts() noexcept;

template <typename Fn>
auto call_core(Fn&& fn) -> decltype(fn()) {
    using Result = decltype(fn());
    static_assert(std::is_void_v<Result> || std::is_trivially_destructible_v<Result>,
                  "a core result must not own resources: glue calls PostgreSQL after it");
    CapturedError err;
    try {
        return fn();
    } catch (const core::Error& e) {
        capture_error(err, sqlstate_for(e.code()), e.what());
    } catch (const core::Cancelled&) {
        err.cancelled = true;
    } catch (const std::bad_alloc&) {
        capture_error(err, ERRCODE_OUT_OF_MEMORY, "out of memory in pg_portfolio");
    } catch (const std::exception& e) {
        capture_error(err, sqlstate_for(e), e.what());
    } catch (...) {
        capture_error(err, ERRCODE_INTERNAL_ERROR, "unknown C++ exception in pg_portfolio");
    }
    raise_captured(err);
}

}  // namespace pgp::pg
