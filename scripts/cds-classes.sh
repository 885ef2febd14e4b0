#!/usr/bin/env bash
# Writes src/main/cds/classes.txt: the classes real commands load, which the package build's class-data-sharing
# training run loads so that target/app-cds.jsa holds them (docs/performance.md, "Class-data sharing").
# Runs preflight, backup, list, jobs, verify (with a test restore), a restore as files and a restore into a server
# against the local services, each with -XX:DumpLoadedClassList, and merges the lists: binary names, sorted, without
# lambda, hidden and proxy classes and without the classes the JDK's own archive already holds (its lib/classlist).
#   scripts/services.sh start RUN_DIR && source RUN_DIR/env.sh && ./mvnw -B -DskipTests package
#   scripts/cds-classes.sh
# Run it again when dependencies change; a stale list only makes the archive smaller, never the build fail.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${PGVAULT_PG_HOST:?source the env.sh of scripts/services.sh start first}"
: "${PGVAULT_RUN_DIR:?source the env.sh of scripts/services.sh start first}"
WORK="$(mktemp -d /tmp/pgvault-cds-classes.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
OUT="$ROOT/src/main/cds/classes.txt"
run=0

# One command with the class list of its JVM written to WORK/<n>.lst (the archive off, so every class is listed).
traced() {
  run=$((run + 1))
  echo "cds-classes: bin/pgvault $1" >&2
  PGVAULT_NO_CDS=1 PGVAULT_JAVA_OPTS="-XX:DumpLoadedClassList=$WORK/$run.lst" "$ROOT/bin/pgvault" "$@" >"$WORK/$run.out" 2>&1 ||
    { cat "$WORK/$run.out" >&2; echo "cds-classes: bin/pgvault $1 failed" >&2; exit 1; }
}

# A small database of its own, so the dump, zstd and the test restore see rows, not only the catalog.
PGPASSWORD="$PGVAULT_PG_PASSWORD" "$PGVAULT_PG_BIN/psql" -q -h "$PGVAULT_PG_HOST" -p "$PGVAULT_PG_PORT" \
  -U "$PGVAULT_PG_USER" -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT 'CREATE DATABASE pgvault_cds_training' WHERE NOT EXISTS
  (SELECT FROM pg_database WHERE datname = 'pgvault_cds_training')\gexec
\c pgvault_cds_training
CREATE TABLE IF NOT EXISTS t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g;
SQL

container="cds-classes-$(date +%s)"
# A vault container of its own: one backup per week and container, so the backup always runs.
export PGVAULT_VAULT_CONTAINER="$container"
traced preflight
traced backup
traced list
traced jobs
PGVAULT_VERIFY_SCRATCH_DATABASE=pgvault_cds_scratch traced verify --backup latest --test-restore
traced restore --backup latest \
  --target-container-url "${PGVAULT_TARGET_BLOB_ENDPOINT}/${container}?$("$ROOT/scripts/services.sh" target-sas "$PGVAULT_RUN_DIR" "$container")"
PGVAULT_RESTORE_PRIVATE_SERVER_HOSTS=127.0.0.1 traced restore --backup latest \
  --target-server "127.0.0.1:${PGVAULT_TARGET_PG_PORT}" --target-user "$PGVAULT_PG_USER" \
  --password-env PGVAULT_PG_PASSWORD --sslmode disable --recovery-option Overwrite

# First token of each class line, '/' → '.'; '@' lines (lambda proxies, method handles), hidden classes and
# dynamic proxies (named by number, not loadable by name) dropped.
jdk_list="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/classlist"
cat "$WORK"/*.lst | awk '$1 !~ /^@/ && $1 !~ /\$\$Lambda|LambdaForm\$|\+0x|^jdk\/proxy|^com\/sun\/proxy|\$Proxy/ { print $1 }' | sort -u >"$WORK/all"
grep -v '^@' "$jdk_list" | awk '{ print $1 }' | sort -u >"$WORK/jdk"
{
  echo "# Classes real commands load (scripts/cds-classes.sh; $(java -version 2>&1 | head -1))."
  echo "# The package build's class-data-sharing training run loads them (io.pgvault.cli.CdsTraining)."
  comm -23 "$WORK/all" "$WORK/jdk" | tr '/' '.'
} >"$OUT"
echo "cds-classes: $(grep -vc '^#' "$OUT") classes in $OUT (from $(wc -l <"$WORK/all") loaded)" >&2
