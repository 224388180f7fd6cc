-- Equality of the stored types: = and <> with a hash operator class each, so DISTINCT, UNION,
-- GROUP BY, IN and hash joins work on return_summary, pair_summary, quantile_sketch and position.
-- Two values are equal when their canonical encodings are the same bytes (src/core/canonical.hpp):
-- -0 = 0 and NaN = NaN as for float8, the compensated growth sum compared by its exact value, a
-- sketch's confidence field (the aggregate's parameter, not part of the value) ignored; positions
-- are exact fixed point and compared as stored. No btree class: a summary has no meaningful order
-- (no <, ORDER BY or btree index on one). The functions raise nothing that depends on their
-- arguments (a value that does not decode is compared by its raw bytes): LEAKPROOF.
-- The operators live in schema portfolio: write OPERATOR(portfolio.=) when portfolio is not on the
-- search_path; DISTINCT, UNION and GROUP BY find the operator class whatever the search_path.

CREATE FUNCTION portfolio.return_summary_eq(portfolio.return_summary, portfolio.return_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_return_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.return_summary_ne(portfolio.return_summary, portfolio.return_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_return_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.return_summary_hash(portfolio.return_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_return_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.return_summary, RIGHTARG = portfolio.return_summary, FUNCTION = portfolio.return_summary_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.return_summary, RIGHTARG = portfolio.return_summary, FUNCTION = portfolio.return_summary_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.return_summary_hash_ops DEFAULT FOR TYPE portfolio.return_summary USING hash AS
    OPERATOR 1 portfolio.= (portfolio.return_summary, portfolio.return_summary),
    FUNCTION 1 portfolio.return_summary_hash(portfolio.return_summary);
CREATE FUNCTION portfolio.pair_summary_eq(portfolio.pair_summary, portfolio.pair_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.pair_summary_ne(portfolio.pair_summary, portfolio.pair_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.pair_summary_hash(portfolio.pair_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.pair_summary, RIGHTARG = portfolio.pair_summary, FUNCTION = portfolio.pair_summary_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.pair_summary, RIGHTARG = portfolio.pair_summary, FUNCTION = portfolio.pair_summary_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.pair_summary_hash_ops DEFAULT FOR TYPE portfolio.pair_summary USING hash AS
    OPERATOR 1 portfolio.= (portfolio.pair_summary, portfolio.pair_summary),
    FUNCTION 1 portfolio.pair_summary_hash(portfolio.pair_summary);
CREATE FUNCTION portfolio.quantile_sketch_eq(portfolio.quantile_sketch, portfolio.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.quantile_sketch_ne(portfolio.quantile_sketch, portfolio.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.quantile_sketch_hash(portfolio.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.quantile_sketch, RIGHTARG = portfolio.quantile_sketch, FUNCTION = portfolio.quantile_sketch_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.quantile_sketch, RIGHTARG = portfolio.quantile_sketch, FUNCTION = portfolio.quantile_sketch_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.quantile_sketch_hash_ops DEFAULT FOR TYPE portfolio.quantile_sketch USING hash AS
    OPERATOR 1 portfolio.= (portfolio.quantile_sketch, portfolio.quantile_sketch),
    FUNCTION 1 portfolio.quantile_sketch_hash(portfolio.quantile_sketch);
CREATE FUNCTION portfolio.position_eq(portfolio.position, portfolio.position) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_position_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.position_ne(portfolio.position, portfolio.position) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_position_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.position_hash(portfolio.position) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_position_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.position, RIGHTARG = portfolio.position, FUNCTION = portfolio.position_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.position, RIGHTARG = portfolio.position, FUNCTION = portfolio.position_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.position_hash_ops DEFAULT FOR TYPE portfolio.position USING hash AS
    OPERATOR 1 portfolio.= (portfolio.position, portfolio.position),
    FUNCTION 1 portfolio.position_hash(portfolio.position);
COMMENT ON OPERATOR portfolio.= (portfolio.return_summary, portfolio.return_summary) IS
    'same summary: equal canonical encodings (-0 = 0, NaN = NaN)';
COMMENT ON OPERATOR portfolio.= (portfolio.pair_summary, portfolio.pair_summary) IS
    'same summary: equal canonical encodings (-0 = 0, NaN = NaN)';
COMMENT ON OPERATOR portfolio.= (portfolio.quantile_sketch, portfolio.quantile_sketch) IS
    'same sketch: the same counts in the same buckets';
COMMENT ON OPERATOR portfolio.= (portfolio.position, portfolio.position) IS
    'same position: method, totals, transaction count, last time and open lots all equal (exact)';
