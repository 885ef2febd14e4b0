#!/usr/bin/env bash
# pgvault backup benchmark: one run, same data, same compression, on the project's own PostgreSQL + Azurite.
#   bench/run.sh [--scale N] [--bytea-mb N] [--text-rows N] [--big-scale N] [--split-mb N] [--quick] [--split-only]
# Cases:
#   a  pg_dump alone to /dev/null (stdout: pg_dump 15 cannot fsync -f /dev/null), with the same compression
#   b  pg_dump to a file, then the Azure SDK's parallel upload of that file (bin/pgvault upload-file: what a user
#      scripts by hand)
#   c  bin/pgvault backup (peak RSS by /usr/bin/time -v; the matrix preflight's share from pgvault's own log)
#   p  the shell pipeline pgvault replaces, streamed: pg_dump -Fc -Z0 | zstd -1 -T2 | the storage SDK's plain
#      uploadStream (bench/PipeUpload.java: a plain JVM, 8 MiB blocks, 4 in flight) into the same Azurite; for gzip
#      pg_dump -Fc -Z6 | uploadStream. p/c (whole processes, one JVM start each) is the goal's ratio: >= 0.90.
# Every figure is the median of 3 runs (single runs here move by up to 1.5 s).
# for compression modes gzip:6 (pg_dump's default) and zstd:1 (pgvault's default; case a = pg_dump -Z0 | zstd -1 -T2),
# on three databases: pgbench (~1 GB, very compressible), bytea-heavy (512 MB of incompressible bytea values) and
# text (6M rows of md5 text, ~800 MB: where compression speed shows);
# plus 120 small databases (2,000 rows each: peak RSS must not grow with the number of databases),
# 4 databases at parallelism 1 vs 2 (and the same with the bare tools, the machine's own ceiling), and peak RSS
# of the ~1 GB vs the ~4 GB database;
# plus one database of ~2 GB (four large tables and 200 small ones) dumped in parts from one snapshot
# (pgvault.backup.split-database-bytes = half its size) at parallelism 1 vs 2, gzip:6 and zstd:1, against the bare tool's parallel
# mode, pg_dump -Fd -j 2 to local disk (gzip:6 inside pg_dump; zstd: pg_dump 15 -Fd has no zstd, so -Z0 and then
# zstd -1 -T2 over the files), and -j 1 for the bare tool's own gain from a second job. --split-only runs only that case.
# Results: bench/results/<time>.json and a table on stdout. Not a test: nothing here asserts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCALE=70        # pgbench scale 70 ≈ 1 GB
BYTEA_MB=512    # bytea-heavy database: MB of incompressible bytea values
TEXT_ROWS=6000000 # md5-text database: rows of three md5 strings
BIG_SCALE=280   # ≈ 4 GB, memory case
MULTI_SCALE=15  # 4 databases of ≈ 230 MB each
SPLIT_MB=2000   # the split case's database: four large tables of SPLIT_MB/4.4 MB each, and 200 small ones
SPLIT_ONLY=0
MANY=120        # small databases of 2,000 rows
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --bytea-mb) BYTEA_MB=$2; shift 2 ;;
    --text-rows) TEXT_ROWS=$2; shift 2 ;;
    --big-scale) BIG_SCALE=$2; shift 2 ;;
    --split-mb) SPLIT_MB=$2; shift 2 ;;
    --quick) SCALE=10; BYTEA_MB=64; TEXT_ROWS=600000; BIG_SCALE=40; MULTI_SCALE=3; SPLIT_MB=300; MANY=30; shift ;;
    --split-only) SPLIT_ONLY=1; shift ;;
    *) echo "usage: $0 [--scale N] [--bytea-mb N] [--text-rows N] [--big-scale N] [--split-mb N] [--quick] [--split-only]" >&2; exit 2 ;;
  esac
done
command -v /usr/bin/time >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq time >/dev/null; }
RUN_DIR="$(mktemp -d /tmp/pgvault-bench.XXXXXX)"
cleanup() { scripts/services.sh stop "$RUN_DIR" || true; }
trap cleanup EXIT
scripts/services.sh start "$RUN_DIR"
# shellcheck disable=SC1091
source "$RUN_DIR/env.sh"
[ -n "$(ls target/pgvault-*-runner.jar 2>/dev/null)" ] || ./mvnw -B -q -DskipTests package
export PATH="$PGVAULT_PG_BIN:$PATH" PGHOST=127.0.0.1 PGPORT=$PGVAULT_PG_PORT PGUSER=postgres PGPASSWORD=$PGVAULT_PG_PASSWORD
OUT="$ROOT/bench/results"; mkdir -p "$OUT"
JAR=$(ls "$ROOT"/target/pgvault-*-runner.jar)
javac -d "$RUN_DIR/pipe" -cp "$JAR" bench/PipeUpload.java
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
now() { date +%s.%N; }
secs() { python3 -c "print(round($2 - $1, 3))"; }
dbsize() { psql -XAtc "SELECT pg_database_size('$1')"; }

split_data() { # one database of ~SPLIT_MB MB: 4 large tables (md5 text with a primary key) and 200 small ones
  local rows=$((SPLIT_MB * 1000000 / 4 / 165)) i
  createdb bench_split
  for i in 1 2 3 4; do
    psql -X -q -d bench_split -c "CREATE TABLE big_$i AS SELECT g AS id, md5(g::text) || md5((g * $i)::text) AS a,
      md5((g * 7)::text) AS b FROM generate_series(1, $rows) g" -c "ALTER TABLE big_$i ADD PRIMARY KEY (id)"
  done
  psql -X -q -d bench_split -c "DO \$\$BEGIN FOR i IN 1..200 LOOP EXECUTE format('CREATE TABLE small_%s AS SELECT g AS id,
      md5(g::text) AS a FROM generate_series(1, %s) g', i, $((rows / 1000 + 10))); END LOOP; END\$\$"
  psql -X -q -d postgres -c "CHECKPOINT" -c "VACUUM ANALYZE"
}

bare_fd() { # jobs compression -> FD_WALL: pg_dump -Fd -j N of bench_split to local disk (zstd: -Z0, then zstd over the files)
  local dir="$RUN_DIR/fd" t0; rm -rf "$dir"; t0=$(now)
  if [ "${2%%:*}" = zstd ]; then pg_dump -Fd -j "$1" -Z0 -d bench_split -f "$dir" && zstd -q -1 -T2 --rm -r "$dir"
  else pg_dump -Fd -j "$1" -Z6 -d bench_split -f "$dir"; fi
  FD_WALL=$(secs "$t0" "$(now)"); rm -rf "$dir"
}
# The split case: pgvault at parallelism 1 and 2 (the database always in parts), and pg_dump -Fd -j 2 to local disk.
split_case() {
  local size comp p1 p2 rss1 rss2 pre1 pre2 d1 d2 dratio anchor anchor1 bare_ratio ratio vs_anchor stream_mbs
  only bench_split; size=$(dbsize bench_split)
  for comp in gzip:6 zstd:1; do
    # split only this database (not the 8 MB postgres database), whatever its size
    PGVAULT_BACKUP_SPLIT_DATABASE_BYTES=$((size / 2)) pgvault_backup "split-$comp-p1" "$comp" 1; p1=$WALL; rss1=$RSS; pre1=${PREFLIGHT_MS:-0}
    PGVAULT_BACKUP_SPLIT_DATABASE_BYTES=$((size / 2)) pgvault_backup "split-$comp-p2" "$comp" 2; p2=$WALL; rss2=$RSS; pre2=${PREFLIGHT_MS:-0}
    bare_fd 1 "$comp"; anchor1=$FD_WALL
    bare_fd 2 "$comp"; anchor=$FD_WALL
    ratio=$(python3 -c "print(round($p2 / $p1, 3))"); vs_anchor=$(python3 -c "print(round($p2 / $anchor, 3))")
    bare_ratio=$(python3 -c "print(round($anchor / $anchor1, 3))")
    # the dump phase alone: the backup's time less its preflight (a cold JVM's first connections, seconds here)
    d1=$(python3 -c "print(round($p1 - $pre1 / 1000, 3))"); d2=$(python3 -c "print(round($p2 - $pre2 / 1000, 3))")
    dratio=$(python3 -c "print(round($d2 / $d1, 3))")
    stream_mbs=$(python3 -c "print(round($size / 1e6 / $p1, 1))")
    printf "split %s (%s MB): parallelism 1 %ss, 2 %ss, ratio %s (target <= 0.65 with gzip); without preflight %ss, %ss, ratio %s; pg_dump -Fd -j 1 %ss, -j 2 %ss (the bare tool's own ratio %s), pgvault p2 / -j 2 %s (target <= 1.10); one stream %s MB/s; peak RSS %s / %s MB\n" \
      "$comp" $((size / 1000000)) "$p1" "$p2" "$ratio" "$d1" "$d2" "$dratio" "$anchor1" "$anchor" "$bare_ratio" "$vs_anchor" "$stream_mbs" $((rss1 / 1024)) $((rss2 / 1024))
    add "{\"case\":\"split\",\"compression\":\"$comp\",\"db_bytes\":$size,\"p1_s\":$p1,\"p2_s\":$p2,\"p2_over_p1\":$ratio,\"p1_dump_s\":$d1,\"p2_dump_s\":$d2,\"p2_over_p1_dump\":$dratio,\"pg_dump_fd_j1_s\":$anchor1,\"pg_dump_fd_j2_s\":$anchor,\"fd_j2_over_j1\":$bare_ratio,\"p2_over_fd_j2\":$vs_anchor,\"p1_mb_per_s\":$stream_mbs,\"p1_peak_rss_kb\":$rss1,\"p2_peak_rss_kb\":$rss2}"
  done
}

ITEMS=()
add() { ITEMS+=("$1"); }

if [ "$SPLIT_ONLY" = 0 ]; then
echo "== building data (pgbench scale $SCALE, bytea $BYTEA_MB MB, text $TEXT_ROWS rows, big scale $BIG_SCALE, 4 x scale $MULTI_SCALE)"
createdb bench_pgbench; pgbench -i -q -s "$SCALE" bench_pgbench >/dev/null 2>&1
createdb bench_bytea
psql -X -q -d bench_bytea -c "CREATE TABLE blobs (id int PRIMARY KEY, b bytea)" \
  -c "ALTER TABLE blobs ALTER COLUMN b SET STORAGE EXTERNAL" \
  -c "INSERT INTO blobs SELECT g, (SELECT decode(string_agg(md5(g || ':' || i), ''), 'hex') FROM generate_series(1, 32768) i)
      FROM generate_series(1, $((BYTEA_MB * 2))) g"
createdb bench_text
psql -X -q -d bench_text -c "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b,
      md5((g * 13)::text) AS c FROM generate_series(1, $TEXT_ROWS) g"
for i in $(seq -w 1 "$MANY"); do
  createdb "bench_many_$i"
  psql -X -q -d "bench_many_$i" -c "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS a FROM generate_series(1, 2000) g"
done
for i in 1 2 3 4; do createdb "bench_multi_$i"; pgbench -i -q -s "$MULTI_SCALE" "bench_multi_$i" >/dev/null 2>&1; done
createdb bench_big; pgbench -i -q -s "$BIG_SCALE" bench_big >/dev/null 2>&1
psql -X -q -d postgres -c "CHECKPOINT" -c "VACUUM ANALYZE"
fi

# Each pgvault run backs up a server that holds exactly the databases under test: other databases are made
# unconnectable for the run (datallowconn=false), so the matrix excludes them.
only() {
  local db
  for db in $(psql -XAtc "SELECT datname FROM pg_database WHERE datname LIKE 'bench_%'"); do
    if [[ ",$1," == *",$db,"* ]]; then allow=true; else allow=false; fi
    psql -X -q -d postgres -c "ALTER DATABASE $db ALLOW_CONNECTIONS $allow"
  done
}
PGVAULT_RUNS=0
pgvault_backup() { # name compression parallelism -> sets WALL (in-app backup time) PROC_WALL RSS PREFLIGHT_MS STORED
  PGVAULT_RUNS=$((PGVAULT_RUNS + 1))
  local log="$RUN_DIR/pgvault-$1.log"
  local t0 t1
  t0=$(now)
  PGVAULT_SERVER_NAME="bench-$PGVAULT_RUNS" PGVAULT_BACKUP_COMPRESSION="$2" PGVAULT_BACKUP_PARALLELISM="$3" \
    /usr/bin/time -v bin/pgvault backup >"$log" 2>&1
  t1=$(now)
  PROC_WALL=$(secs "$t0" "$t1")
  # The backup's own wall time from pgvault's log: preflight to committed manifest (after the job record is created).
  # exact figures from the commit line: "... committed: ..., 1.2 GiB (1288490188 bytes) in 1m 29s (89123 ms; preflight 2210 ms)"
  WALL_MS=$(sed -n 's/.*committed: .* (\([0-9]*\) ms; preflight [0-9]* ms).*/\1/p' "$log" | head -n 1)
  WALL=${WALL_MS:+$(python3 -c "print(round($WALL_MS / 1000, 3))")}
  [ -n "$WALL" ] || { echo "pgvault backup failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
  RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  PREFLIGHT_MS=$(sed -n 's/.*committed: .*; preflight \([0-9]*\) ms).*/\1/p' "$log" | head -n 1)
  STORED=$(sed -n -e 's/.*committed: .* (\([0-9]*\) bytes) in .*/\1/p' -e 's/.*committed: .*, \([0-9]*\) B in .*/\1/p' "$log" | head -n 1)
}
pg_dump_null() { # db compression
  local t0; t0=$(now)
  if [ "${2%%:*}" = zstd ]; then pg_dump -Fc -Z0 -d "$1" | zstd -q -"${2#zstd:}" -T2 -c >/dev/null
  else pg_dump -Fc -Z"${2#gzip:}" -d "$1" >/dev/null; fi
  A_WALL=$(secs "$t0" "$(now)")
}
file_then_upload() { # db compression -> B_WALL B_UPLOAD (the upload step alone, JVM start included)
  local f="$RUN_DIR/dump.file" t0 t1; t0=$(now)
  if [ "${2%%:*}" = zstd ]; then pg_dump -Fc -Z0 -d "$1" | zstd -q -"${2#zstd:}" -T2 -o "$f"
  else pg_dump -Fc -Z"${2#gzip:}" -d "$1" -f "$f"; fi
  t1=$(now)
  bin/pgvault upload-file --file "$f" --blob "$STAMP-$1-${2%%:*}-$(date +%s%N).dump" >/dev/null # one name per run: the vault never replaces a blob
  B_WALL=$(secs "$t0" "$(now)"); B_UPLOAD=$(secs "$t1" "$(now)")
  B_BYTES=$(stat -c %s "$f"); rm -f "$f"
}

pipeline_upload() { # db compression -> P_WALL (whole pipeline, the uploader's JVM start included)
  local t0; t0=$(now)
  if [ "${2%%:*}" = zstd ]; then pg_dump -Fc -Z0 -d "$1" | zstd -q -"${2#zstd:}" -T2 -c | java -cp "$RUN_DIR/pipe:$JAR" PipeUpload "p-$(date +%s%N)"
  else pg_dump -Fc -Z"${2#gzip:}" -d "$1" | java -cp "$RUN_DIR/pipe:$JAR" PipeUpload "p-$(date +%s%N)"; fi
  P_WALL=$(secs "$t0" "$(now)")
}
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
# median3 VAR... -- COMMAND: runs COMMAND 3 times, then sets each VAR to the median of its 3 values.
median3() {
  local vars=() v; while [ "$1" != -- ]; do vars+=("$1"); shift; done; shift
  declare -A seen=()
  for _ in 1 2 3; do "$@"; for v in "${vars[@]}"; do seen[$v]+="${!v} "; done; done
  # shellcheck disable=SC2086 # the three values, split on purpose
  for v in "${vars[@]}"; do printf -v "$v" '%s' "$(median ${seen[$v]})"; done
}

if [ "$SPLIT_ONLY" = 1 ]; then
  echo "== building data (split case only: ~$SPLIT_MB MB)"
  split_data; split_case; only ""
  (IFS=,; echo "[${ITEMS[*]}]") > "$OUT/$STAMP-split.json"
  echo "results: $OUT/$STAMP-split.json"
  exit 0
fi

printf "\n%-34s %8s %8s %8s %8s %8s %6s %6s %6s %8s %10s %6s\n" case a_s b_s p_s c_s c_proc_s a/c b/c p/c "c_MB/s" peakRSS_MB pre%
for db in bench_pgbench bench_bytea bench_text; do
  size=$(dbsize "$db")
  for comp in gzip:6 zstd:1; do
    only "$db"
    median3 A_WALL -- pg_dump_null "$db" "$comp"
    median3 B_WALL B_UPLOAD B_BYTES -- file_then_upload "$db" "$comp"
    median3 P_WALL -- pipeline_upload "$db" "$comp"
    median3 WALL PROC_WALL RSS PREFLIGHT_MS STORED -- pgvault_backup "$db-$comp" "$comp" 2
    ratio_ca=$(python3 -c "print(round($A_WALL / $WALL, 3))")
    # b and c both as whole processes (each starts a JVM once)
    ratio_bc=$(python3 -c "print(round($B_WALL / $PROC_WALL, 3))")
    ratio_pc=$(python3 -c "print(round($P_WALL / $PROC_WALL, 3))")
    mbs=$(python3 -c "print(round($size / 1e6 / $WALL, 1))")
    pre=$(python3 -c "print(round(${PREFLIGHT_MS:-0} / 10 / $WALL, 2))")
    printf "%-34s %8s %8s %8s %8s %8s %6s %6s %6s %8s %10s %6s\n" "$db $comp ($((size / 1000000)) MB)" "$A_WALL" "$B_WALL" \
      "$P_WALL" "$WALL" "$PROC_WALL" "$ratio_ca" "$ratio_bc" "$ratio_pc" "$mbs" "$((RSS / 1024))" "$pre"
    eval "C_WALL_${db}_${comp%%:*}=$WALL; C_BYTES_${db}_${comp%%:*}=${STORED:-0}"
    add "{\"case\":\"$db\",\"compression\":\"$comp\",\"db_bytes\":$size,\"a_pg_dump_s\":$A_WALL,\"b_file_upload_s\":$B_WALL,\"b_upload_step_s\":$B_UPLOAD,\"b_file_bytes\":$B_BYTES,\"c_pgvault_s\":$WALL,\"c_process_s\":$PROC_WALL,\"c_stored_bytes\":${STORED:-0},\"c_over_a_throughput\":$ratio_ca,\"b_over_c_wall\":$ratio_bc,\"p_pipeline_s\":$P_WALL,\"p_over_c_wall\":$ratio_pc,\"c_peak_rss_kb\":$RSS,\"preflight_ms\":${PREFLIGHT_MS:-0}}"
  done
done

# zstd:1 (pgvault's default) against gzip:6 (pg_dump's default): speed-up of the whole backup and output size.
for db in bench_pgbench bench_bytea bench_text; do
  gz_w=$(eval echo "\$C_WALL_${db}_gzip"); zs_w=$(eval echo "\$C_WALL_${db}_zstd")
  gz_b=$(eval echo "\$C_BYTES_${db}_gzip"); zs_b=$(eval echo "\$C_BYTES_${db}_zstd")
  sp=$(python3 -c "print(round($gz_w / $zs_w, 2))"); sz=$(python3 -c "print(round($zs_b / max($gz_b, 1), 3))")
  printf "%s: zstd:1 backs up %sx faster than gzip:6 (target >= 4); output %s of gzip's (target <= 1)\n" "$db" "$sp" "$sz"
  add "{\"case\":\"$db-zstd-vs-gzip\",\"speedup\":$sp,\"size_ratio\":$sz}"
done

only "$(psql -XAtc "SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'bench_many_%'")"
median3 WALL PROC_WALL RSS -- pgvault_backup "many-$MANY" zstd:1 2
printf "\n%s small databases: backup %ss, whole process %ss, peak RSS %s MB (target <= 400, flat)\n" "$MANY" "$WALL" \
  "$PROC_WALL" $((RSS / 1024))
add "{\"case\":\"many$MANY\",\"c_pgvault_s\":$WALL,\"c_process_s\":$PROC_WALL,\"c_peak_rss_kb\":$RSS}"

only "bench_multi_1,bench_multi_2,bench_multi_3,bench_multi_4"
median3 WALL -- pgvault_backup multi-p1 zstd:1 1; P1=$WALL
median3 WALL -- pgvault_backup multi-p2 zstd:1 2; P2=$WALL
pr=$(python3 -c "print(round($P2 / $P1, 3))")
# The machine's own ceiling: the same 4 dumps with the bare tools (pg_dump -Z0 | zstd -1), one after the other
# and two at a time.
raw() { pg_dump -Fc -Z0 -d "$1" | zstd -q -1 -T2 -c >/dev/null; }
t0=$(now); for i in 1 2 3 4; do raw "bench_multi_$i"; done; R1=$(secs "$t0" "$(now)")
t0=$(now); (raw bench_multi_1; raw bench_multi_3) & (raw bench_multi_2; raw bench_multi_4) & wait; R2=$(secs "$t0" "$(now)")
rr=$(python3 -c "print(round($R2 / $R1, 3))")
printf "\n4 databases: parallelism 1 %ss, parallelism 2 %ss, ratio %s (target <= 0.65); bare tools %ss vs %ss, ratio %s\n" \
  "$P1" "$P2" "$pr" "$R1" "$R2" "$rr"
add "{\"case\":\"multi4\",\"p1_s\":$P1,\"p2_s\":$P2,\"p2_over_p1\":$pr,\"tools_p1_s\":$R1,\"tools_p2_s\":$R2,\"tools_p2_over_p1\":$rr}"

only bench_pgbench; median3 RSS -- pgvault_backup mem-1g zstd:1 2; R1=$RSS; S1=$(dbsize bench_pgbench)
only bench_big; median3 RSS -- pgvault_backup mem-4g zstd:1 2; R4=$RSS; S4=$(dbsize bench_big)
printf "memory: %s MB database peak RSS %s MB; %s MB database peak RSS %s MB\n" $((S1 / 1000000)) $((R1 / 1024)) $((S4 / 1000000)) $((R4 / 1024))
add "{\"case\":\"memory\",\"small_db_bytes\":$S1,\"small_peak_rss_kb\":$R1,\"big_db_bytes\":$S4,\"big_peak_rss_kb\":$R4}"
split_data; split_case
only ""
(IFS=,; echo "[${ITEMS[*]}]") > "$OUT/$STAMP.json"
echo "results: $OUT/$STAMP.json"
