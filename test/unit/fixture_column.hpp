// For unit tests: one column of a fixture CSV in test/fixtures (published return series such as
// PerformanceAnalytics' managers and edhec data sets).
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pgp::test {

// Column `col` (1-based after the date) of a fixture CSV, one value a row below the header;
// empty cells become NaN.
inline std::vector<double> fixture_column(const std::string& file, int col) {
    std::ifstream in(std::string(PGP_FIXTURES_DIR) + "/" + file);
    std::string line;
    std::getline(in, line);  // header
    std::vector<double> out;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string cell;
        for (int i = 0; i <= col; ++i) std::getline(ss, cell, ',');
        out.push_back(cell.empty() ? std::nan("") : std::stod(cell));
    }
    return out;
}

}  // namespace pgp::test
