-- Extension tables added after 0.1 whose user data pg_dump keeps. Registered last, in the order
-- they were added: pg_extension.extconfig lists tables in the order of registration, and the
-- upgrade from 0.1 (src/sql/upgrades) can only append to the list of 0.1's tables, so a fresh
-- install must register them after those too (test/suites/upgrade.sh compares the two).
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests', '');       -- 59_reference_data.sql
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.quote_partition_log', '');       -- 30_quotes.sql
SELECT pg_catalog.pg_extension_config_dump('portfolio.shards', '');                    -- 70_scale_out.sql
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log_id_seq', '');
