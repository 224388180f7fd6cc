// Declares a SQL-callable C function: C linkage and the V1 calling-convention record.
#pragma once

#include "pg/postgres_headers.hpp"

#define PGP_FUNCTION(name)     \
    extern "C" {               \
    PG_FUNCTION_INFO_V1(name); \
    }                          \
    extern "C" Datum name(PG_FUNCTION_ARGS)
