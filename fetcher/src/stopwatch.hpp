// Seconds since construction on the steady clock: the run's elapsed time and its progress rate.
#pragma once

#include <chrono>

namespace pgp::fetch {

struct Stopwatch {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
};

}  // namespace pgp::fetch
