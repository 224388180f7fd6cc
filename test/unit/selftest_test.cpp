// The core half of the boundary: exceptions thrown deep down unwind every frame.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

#include "core/error.hpp"
#include "core/selftest.hpp"

using pgp::core::boundary_probes_destroyed;
using pgp::core::InterruptCheck;
using pgp::core::run_boundary_selftest;

TEST(BoundarySelftest, EveryFrameIsDestroyedOnThrow) {
    const int64_t before = boundary_probes_destroyed();
    EXPECT_THROW(run_boundary_selftest("bad_alloc", {}, 1), std::bad_alloc);
    EXPECT_EQ(boundary_probes_destroyed() - before, 3);
    EXPECT_THROW(run_boundary_selftest("invalid_parameter", {}, 1), pgp::core::Error);
    EXPECT_THROW(run_boundary_selftest("length", {}, 1), std::length_error);
    EXPECT_EQ(boundary_probes_destroyed() - before, 9);
}

TEST(BoundarySelftest, SpinStopsWhenInterrupted) {
    InterruptCheck always;
    always.pending = []() noexcept { return true; };
    EXPECT_THROW(run_boundary_selftest("spin", always, 30), pgp::core::Cancelled);
    EXPECT_EQ(run_boundary_selftest("spin", {}, 0.01), "not cancelled");
    EXPECT_EQ(run_boundary_selftest("ok", {}, 1), "ok");
}
