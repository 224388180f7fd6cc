// Diagnostics for the C++/PostgreSQL boundary, used by the boundary tests (sql/boundary.sql).
// run_boundary_selftest throws the requested kind of exception three frames deep, each frame
// holding an object whose destructor counts itself, so a test can prove every destructor ran
// before PostgreSQL reported the error.
#pragma once

#include <cstdint>
#include <string>

#include "core/interrupt.hpp"

namespace pgp::core {

// kind: "ok", "invalid_parameter", "data", "bad_alloc", "length", "overflow", "internal",
// "foreign" (a non-std exception), "spin" (loop polling for cancellation, at most max_seconds).
// Returns a short text on success.
std::string run_boundary_selftest(const std::string& kind, const InterruptCheck& interrupts,
                                  double max_seconds);

// How many probe objects have been destroyed in this process (monotonic).
int64_t boundary_probes_destroyed() noexcept;

}  // namespace pgp::core
