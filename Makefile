# pg_portfolio, built with PGXS.
#   make                      build pg_portfolio.so and the install script
#   make install              install into the PostgreSQL that pg_config names
#   make installcheck         pg_regress suites in sql/ against a running server (PGHOST/PGPORT)
# The pure C++ core, unit tests, benchmarks and the fetcher are built by CMake (CMakeLists.txt).

EXTENSION   = pg_portfolio
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)
MODULE_big  = pg_portfolio

CORE_SRCS   = $(sort $(wildcard src/core/*.cpp))
GLUE_SRCS   = $(sort $(wildcard src/pg/*.cpp))
OBJS        = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)

# The install script is assembled from src/sql/*.sql in name order, each followed by what its
# NN_family.{types,functions,equality,aggregates} tables declare (scripts/build_sql.py); upgrade
# scripts are by hand.
# Released versions' install scripts are installed too, frozen (src/sql/released/README.md), so
# `CREATE EXTENSION pg_portfolio VERSION '0.1'` still works and the upgrade path can be tested.
SQL_PARTS   = $(sort $(wildcard src/sql/*.sql))
SQL_TABLES  = $(wildcard src/sql/*.types src/sql/*.functions src/sql/*.equality src/sql/*.aggregates)
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(wildcard src/sql/released/$(EXTENSION)--*.sql) \
              $(wildcard src/sql/upgrades/$(EXTENSION)--*--*.sql)

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CONFIG  ?= pg_config
EIGEN_INC  ?= /usr/include/eigen3
PG_CPPFLAGS = -I$(CURDIR)/src -isystem $(EIGEN_INC) -DPGP_EXTENSION_VERSION='"$(EXTVERSION)"'
PG_CXXFLAGS = -std=c++17 -fPIC -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-cast-function-type
SHLIB_LINK += -lstdc++ -lm

# No LLVM bitcode: it would need clang, and JIT inlining of C++ buys nothing here.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(SQL_TABLES) scripts/build_sql.py $(EXTENSION).control
	python3 scripts/build_sql.py $(SQL_PARTS) > $@

# Objects depend on every header: the project is small and stale objects are worse than a rebuild.
$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)
# The version is compiled in from the control file (PGP_EXTENSION_VERSION): a new version rebuilds it.
src/pg/build_info.o: $(EXTENSION).control

.PHONY: print-extversion print-regress
print-extversion:
	@echo $(EXTVERSION)
print-regress:
	@echo $(REGRESS)
