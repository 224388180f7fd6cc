// Numbers in error messages: shortest round-trip form, not std::to_string's six decimals.
#pragma once

#include <cstdio>
#include <string>

namespace pgp::core {

inline std::string show(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", x);
    for (int precision = 1; precision < 17; ++precision) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, x);
        double back = 0;
        if (std::sscanf(shorter, "%lf", &back) == 1 && back == x) return shorter;
    }
    return buffer;
}

}  // namespace pgp::core
