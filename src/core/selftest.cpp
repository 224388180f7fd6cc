#include "core/selftest.hpp"

#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"

namespace pgp::core {

namespace {

std::atomic<int64_t> probes_destroyed{0};

// Owns heap memory, like any real core object, and counts its destruction.
class DestructorProbe {
  public:
    // 1 MiB: enough that a skipped destructor shows up in the backend's memory (sql/boundary.sql).
    DestructorProbe() : payload_(131072, 1.0) {}
    ~DestructorProbe() { probes_destroyed.fetch_add(1, std::memory_order_relaxed); }
    DestructorProbe(const DestructorProbe&) = delete;
    DestructorProbe& operator=(const DestructorProbe&) = delete;

  private:
    std::vector<double> payload_;
};

struct ForeignException {};  // not derived from std::exception

std::string throw_requested(const std::string& kind, const InterruptCheck& interrupts,
                            double max_seconds) {
    DestructorProbe probe;
    if (kind == "ok") return "ok";
    if (kind == "invalid_parameter") fail(ErrorCode::InvalidParameter, "selftest: bad parameter");
    if (kind == "data") fail(ErrorCode::DataException, "selftest: bad data");
    if (kind == "bad_alloc") throw std::bad_alloc();
    if (kind == "length") throw std::length_error("selftest: too long");
    if (kind == "overflow") throw std::overflow_error("selftest: overflow");
    if (kind == "internal") throw std::logic_error("selftest: broken invariant");
    if (kind == "foreign") throw ForeignException{};
    if (kind == "spin") {
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(max_seconds);
        while (std::chrono::steady_clock::now() < deadline) interrupts.poll();
        return "not cancelled";
    }
    fail(ErrorCode::InvalidParameter, "selftest: unknown kind \"" + kind + "\"");
}

std::string middle_frame(const std::string& kind, const InterruptCheck& interrupts, double s) {
    DestructorProbe probe;
    return throw_requested(kind, interrupts, s);
}

}  // namespace

std::string run_boundary_selftest(const std::string& kind, const InterruptCheck& interrupts,
                                  double max_seconds) {
    DestructorProbe probe;
    return middle_frame(kind, interrupts, max_seconds);
}

int64_t boundary_probes_destroyed() noexcept {
    return probes_destroyed.load(std::memory_order_relaxed);
}

}  // namespace pgp::core
