#!/usr/bin/env bash
# pgvault fleet benchmark: 6 real PostgreSQL servers (clusters of scripts/services.sh cluster), each with one
# pgbench database, registered with bin/pgvault servers add and backed up by bin/pgvault fleet run, first with
# --workers 1, then (under new names, so their ISO week is free again) with --workers 2.
#   bench/fleet.sh [--scale N] [--servers N]
# Per run: wall time of the process and of the drain, and each server's backup MB/s (database bytes / its backup
# seconds). Results: bench/results/<time>-fleet.json and a table on stdout. Not a test: nothing here asserts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCALE=10      # pgbench scale 10 ≈ 150 MB per server
SERVERS=6
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    *) echo "usage: $0 [--scale N] [--servers N]" >&2; exit 2 ;;
  esac
done
RUN_DIR="$(mktemp -d /tmp/pgvault-bench.XXXXXX)"
cleanup() { scripts/services.sh stop "$RUN_DIR" || true; }
trap cleanup EXIT
scripts/services.sh start "$RUN_DIR"
# shellcheck disable=SC1091
source "$RUN_DIR/env.sh"
[ -n "$(ls target/pgvault-*-runner.jar 2>/dev/null)" ] || ./mvnw -B -q -DskipTests package
export PATH="$PGVAULT_PG_BIN:$PATH" PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=$PGVAULT_PG_PASSWORD
# The settings server of env.sh is not part of the fleet under test (the scheduler leaves it to the weekly timer).
export PGVAULT_SERVER_NAME=bench-settings PGVAULT_BACKUP_COMPRESSION=zstd:1 PGVAULT_BACKUP_PARALLELISM=1
OUT="$ROOT/bench/results"; mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
now() { date +%s.%N; }

echo "== $SERVERS clusters, one pgbench database of scale $SCALE each"
PORTS=()
SIZES=()
for i in $(seq 1 "$SERVERS"); do
  port=$(scripts/services.sh cluster "$RUN_DIR" "b$i" | tail -n 1)
  PORTS+=("$port")
  createdb -p "$port" bench
  pgbench -p "$port" -i -q -s "$SCALE" bench >/dev/null 2>&1
  psql -X -q -p "$port" -d bench -c "CHECKPOINT" -c "VACUUM ANALYZE"
  SIZES+=("$(psql -X -At -p "$port" -d postgres -c "SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datallowconn")")
done

ITEMS=()
TABLE=()
fleet_run() { # fleet_run WORKERS PREFIX: registers the servers as PREFIX-1.., runs fleet run, records the result
  local workers=$1 prefix=$2 i log="$RUN_DIR/fleet-$1.log" t0 t1
  for i in $(seq 1 "$SERVERS"); do
    bin/pgvault servers add "$prefix-$i" --host 127.0.0.1 --port "${PORTS[$((i - 1))]}" --user postgres \
      --password-env PGVAULT_PG_PASSWORD --sslmode disable --day mon --hour 0 >/dev/null
  done
  t0=$(now)
  bin/pgvault fleet run --workers "$workers" --json >"$log.json" 2>"$log"
  t1=$(now)
  # fleet run --json: exact bytes and seconds per server (the table is in human units); sizes are in server order.
  local row
  row=$(python3 - "$log" "$t0" "$t1" "$workers" "$prefix" "${SIZES[@]}" <<'PY'
import json, re, sys
log, t0, t1, workers, prefix, sizes = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], [int(s) for s in sys.argv[6:]]
run = json.load(open(log + ".json"))
rates, secs, stored, committed = [], [], 0, 0
for line in run["lines"]:
    m = re.match(r"^%s-(\d+)$" % re.escape(prefix), line["server"])
    if m and line["result"] == "committed":
        committed += 1
        s = float(line["seconds"]); secs.append(s); stored += int(line["bytes"])
        rates.append(sizes[int(m.group(1)) - 1] / 1e6 / s)
wall = round(t1 - t0, 3)
item = {"case": "fleet", "servers": len(sizes), "workers": workers, "committed": committed,
        "db_bytes_total": sum(sizes), "stored_bytes": stored, "process_wall_s": wall,
        "drain_wall_s": round(float(run["wallSeconds"]), 3),
        "per_server_backup_s_mean": round(sum(secs) / len(secs), 3) if secs else None,
        "per_server_mb_s_mean": round(sum(rates) / len(rates), 1) if rates else None,
        "per_server_mb_s_min": round(min(rates), 1) if rates else None,
        "fleet_mb_s": round(sum(sizes) / 1e6 / wall, 1)}
print(json.dumps(item))
PY
)
  ITEMS+=("$row")
  TABLE+=("$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%-10s %8d %9d %10s %9s %10s %10s %9s %9s" % ("workers=%d" % d["workers"], d["servers"], d["committed"], d["process_wall_s"], d["drain_wall_s"], d["per_server_backup_s_mean"], d["per_server_mb_s_mean"], d["per_server_mb_s_min"], d["fleet_mb_s"]))' "$row")")
}

echo "== fleet run --workers 1"
fleet_run 1 w1
echo "== fleet run --workers 2"
fleet_run 2 w2

printf "\n%s servers x %s MB (database bytes per server)\n" "$SERVERS" "$((SIZES[0] / 1000000))"
printf "%-10s %8s %9s %10s %9s %10s %10s %9s %9s\n" run servers committed process_s drain_s backup_s "MB/s_mean" "MB/s_min" fleet_MB/s
printf "%s\n" "${TABLE[@]}"
(IFS=,; echo "[${ITEMS[*]}]") > "$OUT/$STAMP-fleet.json"
echo "results: $OUT/$STAMP-fleet.json"
