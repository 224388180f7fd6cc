# Demo stage: schedule portfolio.refresh() with pg_cron (every minute here) and wait for its first
# run to finish, read from cron.job_run_details.
say "scheduling portfolio.refresh() with pg_cron and waiting for its first run"
since=$(psql_cluster -d "$DB_NAME" -Atc "SELECT now()")
psql_cluster -d "$DB_NAME" -q -c "SELECT * FROM portfolio.schedule_refresh('* * * * *')"
for _ in $(seq 1 150); do
  status=$(psql_cluster -d "$DB_NAME" -Atc "
    SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
    WHERE j.jobname = 'pg_portfolio_refresh' AND d.start_time >= '$since' AND d.status IN ('succeeded', 'failed')
    ORDER BY d.start_time DESC LIMIT 1")
  [[ -n $status ]] && break
  sleep 1
done
psql_cluster -d "$DB_NAME" -q <<SQL
SELECT j.jobname, d.status, d.start_time::timestamp(0) AS started, (d.end_time - d.start_time) AS took, d.return_message
FROM cron.job_run_details d JOIN cron.job j USING (jobid)
WHERE j.jobname = 'pg_portfolio_refresh' AND d.start_time >= '$since'
ORDER BY d.start_time DESC LIMIT 1;
SELECT view_name, rows, finished_at - started_at AS took, error FROM portfolio.refresh_log
ORDER BY id DESC LIMIT 1;
SQL
if [[ $status != succeeded ]]; then
  say "the scheduled refresh did not succeed (status: ${status:-none after 150 s})"
  exit 1
fi
