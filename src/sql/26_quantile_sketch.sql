-- var_historical_approx / cvar_historical_approx: bounded memory (a fixed 32 KiB sketch per group,
-- whatever the row count), mergeable across workers and partitions. Each order statistic is
-- estimated within 1 % of its value (plus 1e-9 absolute); see docs/metrics.md.

-- portfolio.quantile_sketch: the approximate-VaR sketch as a storable value. Build it with
-- quantile_sketch(r), store it (e.g. one per symbol and day in a materialized view), merge stored
-- sketches exactly with rollup(quantile_sketch), and read VaR/ES at any confidence from it.
-- Text form: n=<count>;zero=<count>;neg=<first bucket>:<counts...>;pos=<first bucket>:<counts...>

-- The type is declared in 26_quantile_sketch.types, the functions in 26_quantile_sketch.functions
-- and the aggregates in 26_quantile_sketch.aggregates (scripts/build_sql.py writes them out).
