// Module entry: the magic block PostgreSQL checks when it loads pg_portfolio.so.
#include "pg/postgres_headers.hpp"

extern "C" {
PG_MODULE_MAGIC;
}
