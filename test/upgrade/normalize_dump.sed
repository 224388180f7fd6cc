# Normalises `pg_dump --schema-only --binary-upgrade` output so two databases holding the same
# objects dump the same text (test/suites/upgrade.sh). --binary-upgrade is what makes pg_dump
# print an extension's member objects at all; what it adds for pg_upgrade is per-database noise:
# object ids, transaction ids, the random \restrict key, dropped columns (below). Nothing else is
# touched, so any difference left is a real difference in the objects.
/^\\(un)?restrict /d
/binary_upgrade_set_next_/d
# the config tables' ids (their names are compared separately, from pg_extension.extconfig)
s/(binary_upgrade_create_empty_extension\('pg_portfolio', 'portfolio', false, '[^']*', )'\{[0-9,]*\}'/\1'{config table ids}'/
s/relfrozenxid = '[0-9]+', relminmxid = '[0-9]+'/relfrozenxid = <xid>, relminmxid = <mxid>/
s/WHERE oid = '[0-9]+'/WHERE oid = <oid>/
# A column an upgrade script dropped is still in the table's row format: pg_dump --binary-upgrade
# recreates it as a dummy and drops it again. Users never see it, so neither does the comparison
# (the caller squeezes the blank line the block leaves, with cat -s). Not handled: a dummy that is
# the last column leaves a trailing comma on the line before it.
/^-- For binary upgrade, recreate dropped column\.$/,/ DROP COLUMN "\.{8}pg\.dropped\.[0-9]+\.{8}";$/d
/^ *"\.{8}pg\.dropped\.[0-9]+\.{8}" .* \/\* dummy \*\/,?$/d
# the valuation queue's generation counter is run-time state (how many marks were made), not a
# definition: it differs between a database loaded under 0.2 and one upgraded after its load
s/(setval\('portfolio\.valuation_queue_generation', )[0-9]+, (true|false)\)/\1<n>)/
