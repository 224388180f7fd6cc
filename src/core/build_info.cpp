#include "core/build_info.hpp"

#include <Eigen/Core>

namespace pgp::core {

namespace {
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}
}  // namespace

std::string build_info_json(const char* extension_version, const char* postgres_version) {
    const std::string eigen = std::to_string(EIGEN_WORLD_VERSION) + "." +
                              std::to_string(EIGEN_MAJOR_VERSION) + "." +
                              std::to_string(EIGEN_MINOR_VERSION);
    std::string json = "{";
    json += "\"version\": " + quoted(extension_version);
    json += ", \"postgres\": " + quoted(postgres_version);
    json += ", \"compiler\": " + quoted(__VERSION__);
    json += ", \"cplusplus\": " + std::to_string(__cplusplus);
    json += ", \"eigen\": " + quoted(eigen);
    json += "}";
    return json;
}

}  // namespace pgp::core
