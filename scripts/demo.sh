#!/usr/bin/env bash
# The main job end to end, locally, with no cloud account:
#   starts PostgreSQL + Azurite → creates a sample server with a few databases → runs the weekly backup's
#   code path (bin/pgvault backup) → restores it as files into another container (bin/pgvault restore) →
#   fetches the files and runs the restore kit (restore.sh → pg_restore) into a fresh PostgreSQL server →
#   compares pg_dump of every source and restored database.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="$(mktemp -d /tmp/pgvault-demo.XXXXXX)"
cleanup() { scripts/services.sh stop "$RUN_DIR" || true; }
trap cleanup EXIT
scripts/services.sh start "$RUN_DIR"
# shellcheck disable=SC1091
source "$RUN_DIR/env.sh"
export PGVAULT_SERVER_NAME=demo-pg
export PATH="$PGVAULT_PG_BIN:$PATH" PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD="$PGVAULT_PG_PASSWORD"
[ -n "$(ls target/pgvault-*-runner.jar 2>/dev/null)" ] || ./mvnw -B -q -DskipTests package

echo "== 1. a sample server: databases shop, analytics and 'sales eu', a role with grants"
PGPORT=$PGVAULT_PG_PORT pgbench -i -s 2 -q postgres >/dev/null 2>&1 || true
for db in shop analytics "sales eu"; do PGPORT=$PGVAULT_PG_PORT createdb "$db"; done
PGPORT=$PGVAULT_PG_PORT psql -q -X -v ON_ERROR_STOP=1 -d shop <<'SQL'
CREATE ROLE shop_reader LOGIN;
CREATE TYPE status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE orders (id bigserial PRIMARY KEY, customer text, items jsonb, st status, receipt bytea, tags text[]);
INSERT INTO orders (customer, items, st, receipt, tags)
SELECT 'customer ' || g, jsonb_build_object('qty', g % 7), (ARRAY['new','paid','shipped'])[1 + g % 3]::status,
       decode(md5(g::text), 'hex'), ARRAY['t' || g % 5] FROM generate_series(1, 50000) g;
CREATE VIEW paid AS SELECT * FROM orders WHERE st = 'paid';
GRANT SELECT ON orders, paid TO shop_reader;
SQL
PGPORT=$PGVAULT_PG_PORT pgbench -i -s 3 -q analytics >/dev/null 2>&1
PGPORT=$PGVAULT_PG_PORT psql -q -X -d "sales eu" -c "CREATE TABLE t AS SELECT g, md5(g::text) FROM generate_series(1,10000) g"

echo "== 2. preflight (the support matrix)"
bin/pgvault preflight
echo "== 3. the weekly backup, now"
bin/pgvault backup
bin/pgvault list
echo "== 4. restore as files into container 'restored' of another storage account, through a SAS"
# As in Azure: the target is another account (never the vault's), reached with a SAS the user generated.
TARGET="$PGVAULT_TARGET_BLOB_ENDPOINT/restored?$(scripts/services.sh target-sas "$RUN_DIR" restored)"
BACKUP=$(bin/pgvault list | awk 'NR==2 {print $1}')
bin/pgvault restore --backup latest --target-container-url "$TARGET"
echo "== 5. fetch the files and run the restore kit into a fresh PostgreSQL server"
DIR="$RUN_DIR/restored"
bin/pgvault fetch --container-url "$TARGET" --server demo-pg --backup "$BACKUP" --to "$DIR"
ls "$DIR" "$DIR/databases"
(cd "$DIR" && PGPORT=$PGVAULT_TARGET_PG_PORT bash restore.sh --jobs 2)
echo "== 6. compare pg_dump of every database, source vs restored"
ok=1
for db in shop analytics "sales eu" postgres; do
  a=$(PGPORT=$PGVAULT_PG_PORT pg_dump -d "$db" | grep -v '^\\\(un\)\?restrict')
  b=$(PGPORT=$PGVAULT_TARGET_PG_PORT pg_dump -d "$db" | grep -v '^\\\(un\)\?restrict')
  if [ "$a" = "$b" ]; then echo "  $db: identical ($(printf '%s' "$a" | wc -c) bytes of dump)"; else echo "  $db: DIFFERS"; ok=0; fi
done
if [ "$ok" = 1 ]; then echo "pgvault demo: the restored data matched the source."; else echo "pgvault demo: MISMATCH"; exit 1; fi
