// For unit tests: the ErrorCode a core call fails with (Internal when it does not fail, which no
// test expects, so a call that should fail and does not is a failed test).
#pragma once

#include "core/error.hpp"

namespace pgp::test {

template <typename Fn>
core::ErrorCode code_of(Fn fn) {
    try {
        fn();
    } catch (const core::Error& e) {
        return e.code();
    }
    return core::ErrorCode::Internal;
}

}  // namespace pgp::test
