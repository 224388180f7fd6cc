-- Period helpers: the first day of a day's month or year. Used for monthly and yearly figures;
-- on a coordinator they push down to the shards (docs/scale-out.md).
-- date_trunc('month', day) is not shipped by postgres_fdw (nor extract(), with its text field
-- argument); a function of this extension is, when the server lists the extension. In C, so the
-- planner does not inline it back into those (src/pg/periods.cpp).
CREATE FUNCTION portfolio.month_start(day date) RETURNS date
    AS 'MODULE_PATHNAME', 'pgp_month_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.month_start(date) IS 'the first day of the month of day (shippable by postgres_fdw)';
CREATE FUNCTION portfolio.year_start(day date) RETURNS date
    AS 'MODULE_PATHNAME', 'pgp_year_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.year_start(date) IS 'the first day of the year of day (shippable by postgres_fdw)';
