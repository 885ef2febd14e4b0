#!/usr/bin/env bash
# Installs (if missing), starts and stops the real services pgvault runs against locally:
# a PostgreSQL server from Debian's packages and the Azurite blob emulator from npm.
# Both listen on 127.0.0.1 on free ports, keep their data in a temp run dir, and are stopped by PID.
#
#   scripts/services.sh start [RUN_DIR]   # prints nothing but progress; writes RUN_DIR/env.sh
#   scripts/services.sh stop  [RUN_DIR]
#   scripts/services.sh standby [RUN_DIR] # a streaming standby of the primary (pg_basebackup -R)
#   scripts/services.sh azurite-stop  [RUN_DIR]  # stops Azurite gracefully (its data stays), for fault tests
#   scripts/services.sh azurite-start [RUN_DIR]  # starts it again on the same port with the same data dir
#
# Source RUN_DIR/env.sh to get PGVAULT_* settings that point at them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CMD="${1:-}"
RUN_DIR="${2:-${PGVAULT_RUN_DIR:-/tmp/pgvault-run}}"
PG_PASSWORD_LOCAL="pgvault-local-secret"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

log() { echo "[services] $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

ensure_postgres() {
  if [ -z "$(pg_bin)" ]; then
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  fi
  if ! command -v zstd >/dev/null 2>&1; then
    # The restore kit decompresses .zst dumps with the zstd tool.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null; apt-get install -y -qq zstd >/dev/null
  fi
  if ! command -v shellcheck >/dev/null 2>&1; then
    # ShellcheckTest checks restore.sh and scripts/*.sh with it.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null; apt-get install -y -qq shellcheck >/dev/null
  fi
  # The Debian package may start its own cluster on 5432; pgvault never uses it.
}

ensure_azurite() {
  if [ ! -x "$ROOT/tools/azurite/node_modules/.bin/azurite-blob" ]; then
    log "installing Azurite from npm (package-lock.json pins it)"
    (cd "$ROOT/tools/azurite" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

wait_for() { # wait_for SECONDS CMD...
  local limit=$1; shift
  local i
  for ((i = 0; i < limit * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

start() {
  ensure_postgres
  ensure_azurite
  mkdir -p "$RUN_DIR"
  chmod 755 "$RUN_DIR"
  local bin; bin=$(pg_bin)
  local pg_port az_port
  pg_port=$(free_port)
  az_port=$(free_port)

  # PostgreSQL: a fresh cluster, password auth over TCP so wrong credentials really fail.
  rm -rf "$RUN_DIR/pg" "$RUN_DIR/pgsock" "$RUN_DIR/pglog"
  mkdir -p "$RUN_DIR/pg" "$RUN_DIR/pgsock" "$RUN_DIR/pglog"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$RUN_DIR/pg" "$RUN_DIR/pgsock" "$RUN_DIR/pglog"
  echo "$PG_PASSWORD_LOCAL" > "$RUN_DIR/pwfile"
  [ "$(id -u)" = "0" ] && chown postgres "$RUN_DIR/pwfile"
  as_postgres "$bin/initdb" -D "$RUN_DIR/pg" -U postgres --pwfile="$RUN_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$RUN_DIR/initdb.log" 2>&1
  rm -f "$RUN_DIR/pwfile"
  cat >>"$RUN_DIR/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$RUN_DIR/pgsock'
max_connections = 200
wal_level = replica
max_wal_senders = 5
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
EOF
  echo "host replication all 127.0.0.1/32 scram-sha-256" >>"$RUN_DIR/pg/pg_hba.conf"
  as_postgres "$bin/pg_ctl" -D "$RUN_DIR/pg" -l "$RUN_DIR/pglog/pg.log" -w -t 60 start >/dev/null
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

  # A second, empty cluster: the "fresh server" restore kits are tested against.
  local target_port; target_port=$(free_port)
  rm -rf "$RUN_DIR/target"; mkdir -p "$RUN_DIR/target"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$RUN_DIR/target"
  echo "$PG_PASSWORD_LOCAL" > "$RUN_DIR/pwfile"; [ "$(id -u)" = "0" ] && chown postgres "$RUN_DIR/pwfile"
  as_postgres "$bin/initdb" -D "$RUN_DIR/target" -U postgres --pwfile="$RUN_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >>"$RUN_DIR/initdb.log" 2>&1
  rm -f "$RUN_DIR/pwfile"
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\n" \
    "$target_port" "$RUN_DIR/pgsock" >>"$RUN_DIR/target/postgresql.conf"
  as_postgres "$bin/pg_ctl" -D "$RUN_DIR/target" -l "$RUN_DIR/pglog/target.log" -w -t 60 start >/dev/null
  log "restore-target PostgreSQL on 127.0.0.1:$target_port"

  # Azurite blob service only, on loopback, data in the run dir.
  mkdir -p "$RUN_DIR/azurite"
  nohup "$ROOT/tools/azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$az_port" \
    --location "$RUN_DIR/azurite" --skipApiVersionCheck --silent >"$RUN_DIR/azurite.log" 2>&1 &
  echo $! >"$RUN_DIR/azurite.pid"
  if ! wait_for 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$az_port"; then
    log "Azurite did not start; see $RUN_DIR/azurite.log"; exit 1
  fi
  log "Azurite blob on 127.0.0.1:$az_port"

  local blob="http://127.0.0.1:$az_port/devstoreaccount1"
  cat >"$RUN_DIR/env.sh" <<EOF
# Written by scripts/services.sh start; points pgvault at the local services.
export PGVAULT_RUN_DIR='$RUN_DIR'
export PGVAULT_PG_BIN='$bin'
export PGVAULT_PG_HOST=127.0.0.1
export PGVAULT_PG_PORT=$pg_port
export PGVAULT_PG_USER=postgres
export PGVAULT_PG_PASSWORD='$PG_PASSWORD_LOCAL'
export PGVAULT_PG_SSLMODE=disable
export PGVAULT_AZURITE_PORT=$az_port
export PGVAULT_AZURITE_BLOB_ENDPOINT='$blob'
export PGVAULT_VAULT_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=$blob;'
export PGVAULT_VAULT_CONTAINER=pgvault
export PGVAULT_RESTORE_ALLOWED_ENDPOINTS='$blob'
export PGVAULT_TARGET_PG_PORT=$target_port
EOF
}

standby() {
  # A real streaming standby of the running primary, for the matrix's primary-only rule.
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  local bin; bin=$(pg_bin)
  # Idempotent: a standby that already runs is kept (tests start one when the run dir has none).
  if [ -f "$RUN_DIR/standby/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$RUN_DIR/standby" status >/dev/null 2>&1; then
    log "standby already running on 127.0.0.1:${PGVAULT_STANDBY_PORT:-?}"
    return 0
  fi
  local port; port=$(free_port)
  rm -rf "$RUN_DIR/standby"; mkdir -p "$RUN_DIR/standby"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$RUN_DIR/standby"
  as_postgres env PGPASSWORD="$PGVAULT_PG_PASSWORD" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PGVAULT_PG_PORT" \
    -U postgres -D "$RUN_DIR/standby" -R -X stream >/dev/null
  chmod 700 "$RUN_DIR/standby"
  cat >>"$RUN_DIR/standby/postgresql.conf" <<EOF
port = $port
EOF
  as_postgres "$bin/pg_ctl" -D "$RUN_DIR/standby" -l "$RUN_DIR/pglog/standby.log" -w -t 60 start >/dev/null
  sed -i '/^export PGVAULT_STANDBY_PORT=/d' "$RUN_DIR/env.sh"
  echo "export PGVAULT_STANDBY_PORT=$port" >>"$RUN_DIR/env.sh"
  log "standby on 127.0.0.1:$port"
}

stop() {
  local bin; bin=$(pg_bin || true)
  for d in standby target pg; do
    if [ -f "$RUN_DIR/$d/postmaster.pid" ] && [ -n "$bin" ]; then
      as_postgres "$bin/pg_ctl" -D "$RUN_DIR/$d" -m immediate -w stop >/dev/null 2>&1 || true
    fi
  done
  if [ -f "$RUN_DIR/azurite.pid" ]; then
    kill "$(cat "$RUN_DIR/azurite.pid")" 2>/dev/null || true
    rm -f "$RUN_DIR/azurite.pid"
  fi
}

azurite_stop() {
  # SIGTERM, not SIGKILL: Azurite saves its metadata on a graceful stop, so committed blobs survive the restart.
  local pid
  pid=$(cat "$RUN_DIR/azurite.pid" 2>/dev/null || true)
  if [ -z "$pid" ]; then log "Azurite is not running (no $RUN_DIR/azurite.pid)"; return 0; fi
  kill "$pid" 2>/dev/null || true
  if ! wait_for 30 bash -c "! kill -0 $pid"; then
    log "Azurite ($pid) did not stop within 30 s"; exit 1
  fi
  rm -f "$RUN_DIR/azurite.pid"
  log "Azurite stopped"
}

azurite_start() {
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  local port=$PGVAULT_AZURITE_PORT
  if [ -f "$RUN_DIR/azurite.pid" ] && kill -0 "$(cat "$RUN_DIR/azurite.pid")" 2>/dev/null; then
    log "Azurite is already running"; return 0
  fi
  # The same command line as start: same port, same data dir, so clients and their data carry on.
  nohup "$ROOT/tools/azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
    --location "$RUN_DIR/azurite" --skipApiVersionCheck --silent >>"$RUN_DIR/azurite.log" 2>&1 &
  echo $! >"$RUN_DIR/azurite.pid"
  if ! wait_for 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"; then
    log "Azurite did not start again; see $RUN_DIR/azurite.log"; exit 1
  fi
  log "Azurite blob on 127.0.0.1:$port again"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  standby) standby ;;
  azurite-stop) azurite_stop ;;
  azurite-start) azurite_start ;;
  *) echo "usage: $0 start|stop|standby|azurite-stop|azurite-start [RUN_DIR]" >&2; exit 2 ;;
esac
