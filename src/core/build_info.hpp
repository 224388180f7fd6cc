// What this build is: reported by portfolio.build_info() so a bug report can say exactly.
#pragma once

#include <string>

namespace pgp::core {

// A JSON object with version, compiler, C++ standard and library versions.
std::string build_info_json(const char* extension_version, const char* postgres_version);

}  // namespace pgp::core
