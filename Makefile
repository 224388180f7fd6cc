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
# NN_family.{types,functions,equality,aggregates} tables declare (scripts/build_sql.py). The
# upgrade script to the current version is written by hand in src/sql/upgrades/ and names the
# current definitions it needs (-- @include / -- @replace), which scripts/upgrade_sql.py writes
# in. Released versions' scripts are frozen, compressed, in src/sql/released/ (its README.md) and
# installed too, so `CREATE EXTENSION pg_portfolio VERSION '0.1'` still works and the upgrade path
# can be tested.
SQL_PARTS   = $(sort $(wildcard src/sql/*.sql))
SQL_TABLES  = $(wildcard src/sql/*.types src/sql/*.functions src/sql/*.equality src/sql/*.aggregates)
UPGRADES    = $(notdir $(wildcard src/sql/upgrades/$(EXTENSION)--*--*.sql))
RELEASED    = $(patsubst %.gz,%,$(notdir $(wildcard src/sql/released/$(EXTENSION)--*.sql.gz)))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADES) $(RELEASED)

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

$(UPGRADES): $(EXTENSION)--%.sql: src/sql/upgrades/$(EXTENSION)--%.sql $(SQL_PARTS) $(SQL_TABLES) \
             scripts/upgrade_sql.py scripts/sql_statements.py scripts/build_sql.py
	python3 scripts/upgrade_sql.py $< > $@

$(RELEASED): %: src/sql/released/%.gz
	gzip -dc $< > $@

# Objects depend on every header: the project is small and stale objects are worse than a rebuild.
$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)
# The version is compiled in from the control file (PGP_EXTENSION_VERSION): a new version rebuilds it.
src/pg/build_info.o: $(EXTENSION).control

.PHONY: print-extversion print-regress
print-extversion:
	@echo $(EXTVERSION)
print-regress:
	@echo $(REGRESS)
