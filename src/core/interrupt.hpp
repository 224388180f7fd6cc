// Cooperative cancellation for long core computations (Monte Carlo, big sorts).
// The host passes a function that reads its own "interrupt pending" flag; the core polls it in
// its loops and unwinds with Cancelled, so every destructor runs before the host reports.
#pragma once

#include "core/error.hpp"

namespace pgp::core {

struct InterruptCheck {
    bool (*pending)() noexcept = nullptr;

    void poll() const {
        if (pending != nullptr && pending()) throw Cancelled{};
    }
};

}  // namespace pgp::core
