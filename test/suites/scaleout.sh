#!/usr/bin/env bash
# Scale-out on PostgreSQL's own machinery (docs/scale-out.md), on loopback: a coordinator that is
# also the node the quotes are loaded into and published from, three shards holding portfolios by
# id range and subscribing to the reference data, and a hot standby of the first shard; all made
# from the private install tree in a work folder and removed afterwards. The suite's own database
# (on the shared test cluster) is the single node holding the same data, for comparison.
# Proves: ids unique across shards; analytics grouped by portfolio pushed down whole (Remote SQL
# with the aggregate, Async Foreign Scan) and equal to the single node; the two-step rollup across
# shards within 1e-12; row-level security held through the coordinator and a shared mapping
# refused; writes through the coordinator refused (no atomic cross-shard transfer); replication
# surviving a quote for a new month, marking the shards' valuation queues and notifying a listener
# on a subscriber; refresh of all shards from the coordinator with one log; the standby's reads
# equal the primary's and its refresh error. Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SINGLE_DB=${PGDATABASE:-suite_scaleout}
source scripts/lib.sh
source test/suites/lib.sh
set +e

source scripts/scaleout_nodes.sh
nodes_init
# the single node: the suite's own database on the shared test cluster
PORTS[single]=$PGPORT HOSTS[single]=$PGHOST DBS[single]=$SINGLE_DB

# qs NODE SQL: as the superuser; qa ROLE NODE SQL [psql options]: as ROLE.
qs() { node_psql postgres "$1" "$2"; }
qa() { node_psql "$@"; }
wait_for() { node_wait "$@"; }
# the suite's roles, on a node made here
node_roles() {
  qs "$1" "CREATE ROLE alice LOGIN IN ROLE portfolio_user; CREATE ROLE bob LOGIN IN ROLE portfolio_user;
      CREATE ROLE grafana LOGIN IN ROLE portfolio_reader; CREATE ROLE mallory LOGIN IN ROLE portfolio_user" >/dev/null
}


started=$SECONDS
for n in coord s1 s2 s3; do
  node_create "$n" && node_roles "$n" || bail "node $n starts" "$(tail -5 "$WORK/$n.log" 2>/dev/null)"
done
ok "a coordinator and 3 shards run on loopback from the private install tree"

# --- the same data on the single node and across the shards -------------------------------------
# The single node gets roles of its own (the suite's database lives on the shared test cluster).
qs single "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'alice') THEN CREATE ROLE alice LOGIN IN ROLE portfolio_user; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bob') THEN CREATE ROLE bob LOGIN IN ROLE portfolio_user; END IF;
END \$\$" >/dev/null

# Reference data: 3 instruments, 126 weekdays of closes in the first half of 2025.
REFERENCE_SQL="
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('AAA', 'USD'), ('BBB', 'USD'), ('CCC', 'USD');
SELECT portfolio.ensure_quote_partitions('2025-01-01', '2025-06-30');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s.symbol, d::timestamp AT TIME ZONE 'UTC',
       round((100 + 20 * s.k + 8 * sin(k.i / (5.0 + s.k)) + k.i * (s.k - 1) * 0.05)::numeric, 4), 'scaleout'
FROM (VALUES ('AAA', 1), ('BBB', 2), ('CCC', 3)) s(symbol, k)
CROSS JOIN LATERAL (SELECT d, row_number() OVER (ORDER BY d) AS i
                    FROM generate_series(date '2025-01-01', date '2025-06-30', interval '1 day') d
                    WHERE extract(isodow FROM d) < 6) k;"
r=$(qs coord "$REFERENCE_SQL") && qs single "$REFERENCE_SQL" >/dev/null \
  || bail "reference data loads" "$r"

# Each portfolio i: a deposit, buys of two symbols, a sell of part of one; owner alice or bob.
ledger_sql() {  # ledger_sql PORTFOLIO_ID I
  local id=$1 i=$2
  cat <<SQL
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
  ($id, NULL, '2025-01-02 15:00+00', 'deposit', NULL, NULL, $((50000 + 1000 * i))),
  ($id, '$(echo AAA BBB CCC | cut -d' ' -f$((i % 3 + 1)))', '2025-01-03 15:00+00', 'buy', $((20 + i)), 121.5, NULL),
  ($id, '$(echo AAA BBB CCC | cut -d' ' -f$(((i + 1) % 3 + 1)))', '2025-02-10 15:00+00', 'buy', $((10 + 2 * i)), 140.25, NULL),
  ($id, '$(echo AAA BBB CCC | cut -d' ' -f$((i % 3 + 1)))', '2025-04-15 15:00+00', 'sell', $((5 + i % 4)), 125, NULL);
SQL
}

# Shard k draws ids from [k * 10^9 + 1, (k + 1) * 10^9] and subscribes to the reference data
# (partitions for the months already published made first, as docs/scale-out.md says).
for k in 1 2 3; do
  r=$(qs "s$k" "SELECT portfolio.set_node_id_range($(shard_range $k))") || bail "shard s$k set up" "$r"
done
r=$(qs coord "SELECT portfolio.publish_reference_data()") || bail "publication" "$r"
for k in 1 2 3; do
  r=$(node_subscribe "s$k" coord 2025-01-01 2025-06-30) || bail "subscription on s$k" "$r"
done
for k in 1 2 3; do
  got=$(wait_for "s$k" "SELECT (SELECT count(*) FROM portfolio.quotes) || '/' ||
       (SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r')" "387/0")
  check "s$k received the reference data (quotes/tables not yet in sync)" "387/0" "$got"
done

# 12 portfolios, 4 per shard; alice owns i = 1, 2 of every shard, bob the others.
declare -A PID
for k in 1 2 3; do
  for j in 1 2 3 4; do
    i=$((4 * (k - 1) + j)); owner=$([[ $j -le 2 ]] && echo alice || echo bob)
    PID[$i]=$(qs "s$k" "INSERT INTO portfolio.portfolios (name, owner) VALUES ('p$i', '$owner') RETURNING id" | head -1)
    r=$(qs "s$k" "$(ledger_sql "${PID[$i]}" "$i")") || bail "ledger of p$i on s$k" "$r"
    r=$(qs single "INSERT INTO portfolio.portfolios (id, name, owner) VALUES (${PID[$i]}, 'p$i', '$owner');
        $(ledger_sql "${PID[$i]}" "$i")") || bail "ledger of p$i on the single node" "$r"
  done
done
in_range=0
for k in 1 2 3; do
  in_range=$((in_range + $(qs "s$k" "SELECT count(*) FROM portfolio.portfolios WHERE id BETWEEN $(shard_range $k | sed 's/,/ AND/')")))
done
check "every shard's portfolios have ids of its own range" 12 "$in_range"
for n in s1 s2 s3; do r=$(qs "$n" "CALL portfolio.refresh()") || fail "refresh on $n" "$r"; done
qs single "CALL portfolio.refresh()" >/dev/null

# --- the coordinator -----------------------------------------------------------------------------
COORD_SQL="CREATE EXTENSION postgres_fdw; CREATE EXTENSION dblink;"
for k in 1 2 3; do COORD_SQL+=$(coordinator_sql "s$k" "$k" alice bob grafana); done
r=$(qs coord "$COORD_SQL") || bail "coordinator set up" "$r"
check "ids are unique across the shards, seen from the coordinator" "12|12" \
  "$(qs coord "SELECT count(*), count(DISTINCT id) FROM portfolio_all.portfolios")"
check "shard_attach set the pushdown options of every server" 3 \
  "$(qs coord "SELECT count(*) FROM pg_foreign_server WHERE srvoptions @> '{extensions=pg_portfolio,async_capable=true}'")"

# Inputs in day order: a sum of floats depends on its order, and the shard's plan (another scan
# order after a refresh) need not feed rows as the single node's does; ordered, they are bit-identical.
ANALYTICS="SELECT portfolio_id, portfolio.sharpe(daily_return ORDER BY day), portfolio.volatility(daily_return ORDER BY day),
  portfolio.var_historical(daily_return, 0.95), portfolio.max_drawdown(daily_return ORDER BY day),
  portfolio.twr(daily_return ORDER BY day), count(*)
  FROM %s WHERE daily_return IS NOT NULL GROUP BY portfolio_id ORDER BY portfolio_id"
plan=$(qs coord "EXPLAIN (VERBOSE, COSTS OFF) $(printf "$ANALYTICS" portfolio_all.daily)")
check "grouped by portfolio, the analytics run on the shards: 3 async foreign scans" 3 \
  "$(grep -c 'Async Foreign Scan' <<<"$plan")"
check "... and the Remote SQL holds the aggregates (sharpe, var_historical, max_drawdown)" 3 \
  "$(grep 'Remote SQL' <<<"$plan" | grep -c 'portfolio.sharpe(.*portfolio.var_historical(.*portfolio.max_drawdown(')"
single_rows=$(qs single "$(printf "$ANALYTICS" portfolio.portfolio_daily)")
coord_rows=$(qs coord "$(printf "$ANALYTICS" portfolio_all.daily)")
check "the coordinator's per-portfolio analytics equal the single node's (12 portfolios)" \
  "12 $(md5sum <<<"$single_rows")" "$(wc -l <<<"$coord_rows") $(md5sum <<<"$coord_rows")"
for rel in positions performance pnl_monthly; do
  key=$([[ $rel == positions ]] && echo "portfolio_id, instrument" || echo "1, 2")
  a=$(qs single "SELECT * FROM portfolio.$rel ORDER BY $key")
  b=$(qs coord "SELECT * FROM portfolio_all.$rel ORDER BY $key")
  check "portfolio_all.$rel equals the single node's $rel ($(wc -l <<<"$a") rows)" "$(md5sum <<<"$a")" "$(md5sum <<<"$b")"
done

MONTHLY="SELECT portfolio_id, portfolio.month_start(day) AS month, sum(net_flow), portfolio.twr(daily_return ORDER BY day)
  FROM %s GROUP BY 1, 2 ORDER BY 1, 2"
plan=$(qs coord "EXPLAIN (VERBOSE, COSTS OFF) $(printf "$MONTHLY" portfolio_all.daily)")
check "month_start() pushes down: GROUP BY month in every shard's Remote SQL" 3 \
  "$(grep 'Remote SQL' <<<"$plan" | grep -c 'SELECT portfolio_id, portfolio.month_start(day), .* GROUP BY 1, 2$')"
check "monthly figures through the coordinator equal the single node's" \
  "$(qs single "$(printf "$MONTHLY" portfolio.portfolio_daily)" | md5sum)" \
  "$(qs coord "$(printf "$MONTHLY" portfolio_all.daily)" | md5sum)"

# Two steps: per-portfolio summaries on the shards, rolled up on the coordinator.
plan=$(qs coord "EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM portfolio_all.return_summary")
check "return_summary's summaries are computed on the shards" 3 \
  "$(grep 'Remote SQL' <<<"$plan" | grep -c 'portfolio.return_stats(')"
one=$(qs single "SELECT portfolio.n(s), portfolio.mean(s), portfolio.stddev(s), portfolio.skewness(s)
  FROM (SELECT portfolio.return_stats(daily_return) s FROM portfolio.portfolio_daily WHERE daily_return IS NOT NULL) x" \
  | tr '|' ',')
rel=$(qs coord "SELECT c.n = o.n AND c.n > 1000,
         greatest(abs(c.m - o.m) / abs(o.m), abs(c.s - o.s) / o.s, abs(c.k - o.k) / abs(o.k)) <= 1e-12
  FROM (SELECT portfolio.n(stats) n, portfolio.mean(stats) m, portfolio.stddev(stats) s, portfolio.skewness(stats) k
        FROM portfolio_all.return_summary) c,
       (VALUES ($one)) o(n, m, s, k)")
check "the rollup across shards equals one node's return_stats (n, mean, stddev, skewness to 1e-12)" "t|t" "$rel"

# --- row-level security through the coordinator ---------------------------------------------------
check "alice sees her 6 portfolios through the coordinator" "6|6" \
  "$(qa alice coord "SELECT count(*), count(*) FILTER (WHERE owner = 'alice') FROM portfolio_all.portfolios")"
check "alice's daily rows through the coordinator equal hers on the single node" \
  "$(qa alice single "SELECT count(*), sum(market_value) FROM portfolio.portfolio_daily")" \
  "$(qa alice coord "SELECT count(*), sum(market_value) FROM portfolio_all.daily")"
check "the BI role sees all 12" 12 "$(qa grafana coord "SELECT count(DISTINCT portfolio_id) FROM portfolio_all.performance")"
r=$(qs coord "CREATE USER MAPPING FOR mallory SERVER s1 OPTIONS (user 'postgres', password_required 'false')")
check "a mapping of mallory to a shared remote login is refused" 1 "$(grep -c 'would bypass row-level security' <<<"$r")"
r=$(qs coord "CREATE USER MAPPING FOR PUBLIC SERVER s2 OPTIONS (user 'grafana')")
check "a PUBLIC mapping to a shard is refused" 1 "$(grep -c 'a PUBLIC mapping makes every local role one remote role' <<<"$r")"
r=$(qs coord "ALTER USER MAPPING FOR alice SERVER s3 OPTIONS (SET user 'bob')")
check "re-pointing alice's mapping to bob is refused" 1 "$(grep -c 'role alice is mapped to remote role bob' <<<"$r")"
check "mallory has no way to the shards" "0" "$(qs coord "SELECT count(*) FROM pg_user_mappings WHERE usename = 'mallory'")"

r=$(qa alice coord "INSERT INTO portfolio_all.transactions (portfolio_id, executed_at, kind, amount)
    VALUES (${PID[1]}, '2025-05-01', 'deposit', 10)" -v VERBOSITY=verbose)
check "writes through the coordinator are refused (no atomic cross-shard transfer): 0A000" 1 \
  "$(grep -c 'ERROR:  0A000: portfolio_all.transactions: write on the shard that holds the portfolio' <<<"$r")"

# --- replication: a quote for a month the subscribers have no partition for ----------------------
check "before: s2 has no July partition" "" "$(qs s2 "SELECT to_regclass('portfolio.quotes_2025_07')")"
/usr/bin/python3 - "$WORK" "${PORTS[s2]}" >"$WORK/listen.out" 2>&1 <<'PY' &
import select, sys, psycopg2
conn = psycopg2.connect(host=sys.argv[1], port=sys.argv[2], user="postgres", dbname="portfolio")
conn.autocommit = True
conn.cursor().execute("LISTEN portfolio_quotes")
print("listening", flush=True)
if select.select([conn], [], [], 60) != ([], [], []):
    conn.poll()
    for n in conn.notifies:
        print(n.payload, flush=True)
PY
LISTENER=$!
for ((i = 0; i < 50; i++)); do grep -q listening "$WORK/listen.out" && break; sleep 0.1; done
r=$(qs coord "BEGIN;
  SELECT portfolio.ensure_quote_partitions('2025-07-01', '2025-07-01');
  INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES
    ('AAA', '2025-07-01 00:00+00', 131.5, 'scaleout'), ('BBB', '2025-07-01 00:00+00', 150.25, 'scaleout'),
    ('CCC', '2025-07-01 00:00+00', 171, 'scaleout');
  COMMIT;
  INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('AAA', '2025-07-02 00:00+00', 132, 'scaleout');
  INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2025-07-02', 'EUR', 'USD', 1.17)")
for n in s1 s2 s3; do
  check "$n applied the July quotes and the one after them" 4 \
    "$(wait_for "$n" "SELECT count(*) FROM portfolio.quotes WHERE ts >= '2025-07-01'" 4)"
done
check "every subscriber applied the FX rate too" "1 1 1" \
  "$(for n in s1 s2 s3; do wait_for "$n" "SELECT count(*) FROM portfolio.fx_rates" 1 10; echo; done | paste -sd' ')"
check "no subscriber has an apply or sync error" 0 \
  "$(for n in s1 s2 s3; do qs "$n" "SELECT sum(apply_error_count + sync_error_count) FROM pg_stat_subscription_stats"; done | awk "{ s += \$1 } END { print s + 0 }")"
wait "$LISTENER"
check "a listener on subscriber s2 got portfolio_quotes with the 3 July quotes" 1 \
  "$(grep -c '"rows": 3, .*"symbols": \[{"rows": 1, "latest": "2025-07-01' "$WORK/listen.out")"
check "the replicated quotes queued every shard portfolio for revaluation" 12 \
  "$(for n in s1 s2 s3; do qs "$n" "SELECT count(*) FROM portfolio.valuation_queue"; done | awk "{ s += \$1 } END { print s + 0 }")"
qs single "SELECT portfolio.ensure_quote_partitions('2025-07-01', '2025-07-01');
  INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES
    ('AAA', '2025-07-01 00:00+00', 131.5, 'scaleout'), ('BBB', '2025-07-01 00:00+00', 150.25, 'scaleout'),
    ('CCC', '2025-07-01 00:00+00', 171, 'scaleout'), ('AAA', '2025-07-02 00:00+00', 132, 'scaleout');
  CALL portfolio.refresh()" >/dev/null

# --- refresh of every shard from the coordinator ----------------------------------------------------
r=$(qs coord "CALL portfolio.refresh_shards()") || fail "refresh_shards runs" "$r"
check "one log row per shard, none failed, 12 portfolios refreshed" "3|0|12" \
  "$(qs coord "SELECT count(*), count(*) FILTER (WHERE error IS NOT NULL OR failed > 0), sum(portfolios)
               FROM portfolio.shard_refresh_log WHERE run_started = (SELECT max(run_started) FROM portfolio.shard_refresh_log)")"
check "after it, every portfolio's series through the coordinator ends on 2 July, as on the single node" \
  "$(qs single "$(printf "$ANALYTICS" portfolio.portfolio_daily)" | md5sum) 2025-07-02" \
  "$(qs coord "$(printf "$ANALYTICS" portfolio_all.daily)" | md5sum) $(qs coord "SELECT max(day) FROM portfolio_all.daily")"
check "the shards' health shows their subscription" "ok ok ok" \
  "$(for n in s1 s2 s3; do qs "$n" "SELECT status FROM portfolio.health WHERE area = 'replication' AND item = 'subscription portfolio_reference_$n'"; done | paste -sd' ')"
check "the publisher's health shows the 3 slots" "3 active" \
  "$(qs coord "SELECT count(*) || ' ' || min(split_part(detail, ',', 1)) FROM portfolio.health WHERE area = 'replication' AND item LIKE 'slot portfolio_reference_s_' AND status = 'ok'")"

# --- a hot standby of shard s1 ----------------------------------------------------------------------
PORTS[sb]=$(free_port)
r=$(as_cluster_user "$PG_BIN/pg_basebackup" -h "$WORK" -p "${PORTS[s1]}" -U postgres -D "$WORK/sb" -R -X stream -c fast 2>&1) \
  || bail "pg_basebackup of s1" "$r"
node_settings sb
node_start sb || bail "the standby starts" "$(tail -5 "$WORK/sb.log")"
NODES+=(sb)
lsn=$(qs s1 "SELECT pg_current_wal_lsn()")
check "the standby replays up to the primary's position" t \
  "$(wait_for sb "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn" t)"
for rel in portfolio_daily positions; do
  check "the standby's $rel equals the primary's" "$(qs s1 "SELECT * FROM portfolio.$rel ORDER BY 1, 2" | md5sum)" \
    "$(qs sb "SELECT * FROM portfolio.$rel ORDER BY 1, 2" | md5sum)"
done
r=$(qa postgres sb "CALL portfolio.refresh()" -v VERBOSITY=verbose)
check "refresh() on the standby: 25006, run it on the primary" 1 \
  "$(grep -c 'ERROR:  25006: portfolio.refresh(): this server is a read-only standby; run it on the primary' <<<"$r")"
check "health reads on the standby" t "$(qs sb "SELECT count(*) > 0 FROM portfolio.health")"

echo "# the five nodes were made, tested and are removed in $((SECONDS - started)) s"
finish
