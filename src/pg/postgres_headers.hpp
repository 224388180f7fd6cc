// The one place the glue includes PostgreSQL's C headers. Core headers (src/core) never include
// this file: the core is compiled without PostgreSQL's include path at all (see CMakeLists.txt).
#pragma once

// PostgreSQL's headers are C: silence what C++17 says of them, and only of them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "postgres.h"

#include "fmgr.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop

// postgres.h defines these as macros; they break the C++ standard library headers.
#undef gettext
#undef dgettext
#undef ngettext
#undef dngettext
