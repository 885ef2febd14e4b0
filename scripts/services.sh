#!/usr/bin/env bash
# Installs (if missing), starts and stops the real services pgvault runs against locally:
# a PostgreSQL server from Debian's packages and the Azurite blob and queue emulators from npm.
# Both listen on 127.0.0.1 on free ports, keep their data in a temp run dir, and are stopped by PID.
#
#   scripts/services.sh start [RUN_DIR]   # prints nothing but progress; writes RUN_DIR/env.sh
#   scripts/services.sh stop  RUN_DIR
#   scripts/services.sh standby RUN_DIR   # a streaming standby of the primary (pg_basebackup -R)
#   scripts/services.sh azurite-stop  RUN_DIR  # stops Azurite gracefully (its data stays), for fault tests
#   scripts/services.sh azurite-start RUN_DIR  # starts it again on the same port with the same data dir
#   scripts/services.sh target-sas RUN_DIR CONTAINER  # makes a container in the restore-target account, prints a SAS (rcwl)
#   scripts/services.sh cluster RUN_DIR NAME  # one more empty PostgreSQL cluster (a fleet server); prints its port
#
# Without RUN_DIR, start makes a new private one (mktemp -d, mode 700) and prints its path last; the other
# commands need it (or PGVAULT_RUN_DIR). A given RUN_DIR must be a directory of ours that no one else can
# write to: env.sh in it is sourced, often by root. The PostgreSQL clusters, their sockets and logs live in a
# second private directory owned by the postgres user (RUN_DIR/pg-base names it), so the sockets (local
# connections are trusted) can be reached only by that user and root.
#
# Source RUN_DIR/env.sh to get PGVAULT_* settings that point at them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CMD="${1:-}"
RUN_DIR="${2:-${PGVAULT_RUN_DIR:-}}"
PG_PASSWORD_LOCAL="pgvault-local-secret"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# A second storage account in the same Azurite: restore targets (the vault's own account is never one).
TARGET_ACCOUNT="pgvaulttarget"
TARGET_KEY="cGd2YXVsdC10YXJnZXQtbG9jYWwta2V5LW5vdC1hLXNlY3JldC0wMTIzNDU2Nzg5YWI="
export AZURITE_ACCOUNTS="devstoreaccount1:$AZURITE_KEY;$TARGET_ACCOUNT:$TARGET_KEY"

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
  if ! command -v chromium >/dev/null 2>&1; then
    # StatusPageTest loads the fleet status page in real headless Chromium.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null; apt-get install -y -qq chromium >/dev/null
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

# The run dir: new and private when not given; a given one must be ours, not a link, and closed to others.
prepare_run_dir() {
  if [ -z "$RUN_DIR" ]; then
    RUN_DIR=$(mktemp -d /tmp/pgvault-run.XXXXXX)
  fi
  mkdir -p "$RUN_DIR"
  if [ -L "$RUN_DIR" ] || [ "$(stat -c %u "$RUN_DIR")" != "$(id -u)" ]; then
    log "refusing run dir $RUN_DIR: it is a link or belongs to another user"; exit 1
  fi
  chmod 700 "$RUN_DIR"
}

need_run_dir() {
  if [ -z "$RUN_DIR" ] || [ ! -f "$RUN_DIR/env.sh" ]; then
    log "give the run dir that 'start' printed (or set PGVAULT_RUN_DIR)"; exit 2
  fi
}

# The postgres user's private directory for clusters, sockets and logs (mode 700, made by that user).
pg_base() {
  cat "$RUN_DIR/pg-base"
}

start_azurite_queue() { # start_azurite_queue PORT: the fleet's backup queue (AzureWebJobsStorage's queues)
  nohup "$ROOT/tools/azurite/node_modules/.bin/azurite-queue" --queueHost 127.0.0.1 --queuePort "$1" \
    --location "$RUN_DIR/azurite-queue" --skipApiVersionCheck --disableTelemetry --silent >>"$RUN_DIR/azurite-queue.log" 2>&1 &
  echo $! >"$RUN_DIR/azurite-queue.pid"
  if ! wait_for 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1"; then
    log "Azurite queue did not start; see $RUN_DIR/azurite-queue.log"; exit 1
  fi
}

start_azurite() { # start_azurite PORT
  nohup "$ROOT/tools/azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$1" \
    --location "$RUN_DIR/azurite" --skipApiVersionCheck --disableTelemetry --silent >>"$RUN_DIR/azurite.log" 2>&1 &
  echo $! >"$RUN_DIR/azurite.pid"
  if ! wait_for 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1"; then
    log "Azurite did not start; see $RUN_DIR/azurite.log"; exit 1
  fi
}

init_cluster() { # init_cluster DIR: a fresh cluster, password auth over TCP so wrong credentials really fail
  local bin; bin=$(pg_bin)
  local pwfile; pwfile="$(pg_base)/pwfile"
  # shellcheck disable=SC2016 # $1 is expanded by the inner shell, on purpose
  printf '%s\n' "$PG_PASSWORD_LOCAL" | as_postgres bash -c 'umask 077; cat > "$1"' _ "$pwfile"
  as_postgres "$bin/initdb" -D "$1" -U postgres --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >>"$RUN_DIR/initdb.log" 2>&1
  as_postgres rm -f "$pwfile"
}

append_conf() { # append_conf FILE LINE...: as the postgres user, who owns the cluster
  printf '%s\n' "${@:2}" | as_postgres tee -a "$1" >/dev/null
}

start() {
  ensure_postgres
  ensure_azurite
  prepare_run_dir
  local bin; bin=$(pg_bin)
  local pg_port az_port base
  pg_port=$(free_port)
  az_port=$(free_port)
  base=$(as_postgres mktemp -d /tmp/pgvault-pg.XXXXXX)
  echo "$base" >"$RUN_DIR/pg-base"
  as_postgres mkdir -m 700 "$base/sock" "$base/log"

  init_cluster "$base/pg"
  append_conf "$base/pg/postgresql.conf" "listen_addresses = '127.0.0.1'" "port = $pg_port" \
    "unix_socket_directories = '$base/sock'" "max_connections = 200" "wal_level = replica" "max_wal_senders = 5" \
    "fsync = off" "synchronous_commit = off" "full_page_writes = off" "shared_buffers = 256MB"
  append_conf "$base/pg/pg_hba.conf" "host replication all 127.0.0.1/32 scram-sha-256"
  as_postgres "$bin/pg_ctl" -D "$base/pg" -l "$base/log/pg.log" -w -t 60 start >/dev/null
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

  # A second, empty cluster: the "fresh server" restore kits are tested against.
  local target_port; target_port=$(free_port)
  init_cluster "$base/target"
  append_conf "$base/target/postgresql.conf" "listen_addresses = '127.0.0.1'" "port = $target_port" \
    "unix_socket_directories = '$base/sock'" "fsync = off"
  as_postgres "$bin/pg_ctl" -D "$base/target" -l "$base/log/target.log" -w -t 60 start >/dev/null
  log "restore-target PostgreSQL on 127.0.0.1:$target_port"

  # Azurite blob service on loopback, data in the run dir; two accounts (vault and restore target).
  mkdir -p "$RUN_DIR/azurite"
  start_azurite "$az_port"
  log "Azurite blob on 127.0.0.1:$az_port"
  local queue_port; queue_port=$(free_port)
  mkdir -p "$RUN_DIR/azurite-queue"
  start_azurite_queue "$queue_port"
  log "Azurite queue on 127.0.0.1:$queue_port"
  write_env "$bin" "$pg_port" "$az_port" "$target_port" "$queue_port"
  echo "$RUN_DIR"
}

write_env() { # write_env PG_BIN PG_PORT AZURITE_PORT TARGET_PG_PORT QUEUE_PORT
  local blob="http://127.0.0.1:$3/devstoreaccount1"
  local queue="http://127.0.0.1:$5/devstoreaccount1"
  local target_blob="http://127.0.0.1:$3/$TARGET_ACCOUNT"
  (umask 077; cat >"$RUN_DIR/env.sh" <<EOF
# Written by scripts/services.sh start; points pgvault at the local services.
export PGVAULT_RUN_DIR='$RUN_DIR'
export PGVAULT_PG_BIN='$1'
export PGVAULT_PG_HOST=127.0.0.1
export PGVAULT_PG_PORT=$2
export PGVAULT_PG_USER=postgres
export PGVAULT_PG_PASSWORD='$PG_PASSWORD_LOCAL'
export PGVAULT_PG_SSLMODE=disable
# Registered servers may be local clusters here (Azure's default allows only *.postgres.database.azure.com).
export PGVAULT_FLEET_ALLOWED_HOSTS='*.postgres.database.azure.com,127.0.0.1,localhost'
export PGVAULT_AZURITE_PORT=$3
export PGVAULT_AZURITE_BLOB_ENDPOINT='$blob'
export PGVAULT_VAULT_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=$blob;'
export PGVAULT_VAULT_CONTAINER=pgvault
export PGVAULT_TARGET_BLOB_ENDPOINT='$target_blob'
export PGVAULT_TARGET_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$TARGET_ACCOUNT;AccountKey=$TARGET_KEY;BlobEndpoint=$target_blob;'
export PGVAULT_RESTORE_ALLOWED_ENDPOINTS='$blob,$target_blob'
export PGVAULT_TARGET_PG_PORT=$4
export PGVAULT_AZURITE_QUEUE_PORT=$5
export PGVAULT_AZURITE_QUEUE_ENDPOINT='$queue'
# The Functions host's storage (the fleet's backup queue lives here); locally the vault's account in Azurite.
export AzureWebJobsStorage='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=$blob;QueueEndpoint=$queue;'
EOF
  )
}

standby() {
  # A real streaming standby of the running primary, for the matrix's primary-only rule.
  need_run_dir
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  local bin; bin=$(pg_bin)
  local base; base=$(pg_base)
  # Idempotent: a standby that already runs is kept (tests start one when the run dir has none).
  if as_postgres test -f "$base/standby/postmaster.pid" \
      && as_postgres "$bin/pg_ctl" -D "$base/standby" status >/dev/null 2>&1; then
    log "standby already running on 127.0.0.1:${PGVAULT_STANDBY_PORT:-?}"
    return 0
  fi
  local port; port=$(free_port)
  as_postgres rm -rf "$base/standby"
  as_postgres env PGPASSWORD="$PGVAULT_PG_PASSWORD" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PGVAULT_PG_PORT" \
    -U postgres -D "$base/standby" -R -X stream >/dev/null
  as_postgres chmod 700 "$base/standby"
  append_conf "$base/standby/postgresql.conf" "port = $port"
  as_postgres "$bin/pg_ctl" -D "$base/standby" -l "$base/log/standby.log" -w -t 60 start >/dev/null
  sed -i '/^export PGVAULT_STANDBY_PORT=/d' "$RUN_DIR/env.sh"
  echo "export PGVAULT_STANDBY_PORT=$port" >>"$RUN_DIR/env.sh"
  log "standby on 127.0.0.1:$port"
}

cluster() { # cluster NAME: an extra cluster for fleet tests; idempotent; its port goes to env.sh and stdout
  need_run_dir
  local name="${1:?cluster name}"
  case "$name" in
    *[!a-z0-9]* | "") log "cluster name must be lowercase letters or digits: $name"; exit 2 ;;
  esac
  local bin; bin=$(pg_bin)
  local base; base=$(pg_base)
  local var="PGVAULT_CLUSTER_${name^^}_PORT"
  if as_postgres test -f "$base/c-$name/postmaster.pid" \
      && as_postgres "$bin/pg_ctl" -D "$base/c-$name" status >/dev/null 2>&1; then
    sed -n "s/^export $var=//p" "$RUN_DIR/env.sh"
    return 0
  fi
  local port; port=$(free_port)
  as_postgres rm -rf "$base/c-$name"
  init_cluster "$base/c-$name"
  append_conf "$base/c-$name/postgresql.conf" "listen_addresses = '127.0.0.1'" "port = $port" \
    "unix_socket_directories = '$base/sock'" "fsync = off" "synchronous_commit = off" "shared_buffers = 32MB" \
    "max_connections = 30"
  as_postgres "$bin/pg_ctl" -D "$base/c-$name" -l "$base/log/c-$name.log" -w -t 60 start >/dev/null
  sed -i "/^export $var=/d" "$RUN_DIR/env.sh"
  echo "export $var=$port" >>"$RUN_DIR/env.sh"
  log "cluster $name on 127.0.0.1:$port"
  echo "$port"
}

stop() {
  need_run_dir
  local bin; bin=$(pg_bin || true)
  local base; base=$(pg_base 2>/dev/null || true)
  if [ -n "$base" ] && [ -n "$bin" ]; then
    local d extra
    extra=$(as_postgres ls "$base" 2>/dev/null | grep '^c-' || true)
    for d in standby target pg $extra; do
      if as_postgres test -f "$base/$d/postmaster.pid"; then
        as_postgres "$bin/pg_ctl" -D "$base/$d" -m immediate -w stop >/dev/null 2>&1 || true
      fi
    done
    case "$base" in /tmp/pgvault-pg.*) as_postgres rm -rf "$base" ;; esac
  fi
  local f
  for f in azurite.pid azurite-queue.pid; do
    if [ -f "$RUN_DIR/$f" ]; then
      kill "$(cat "$RUN_DIR/$f")" 2>/dev/null || true
      rm -f "$RUN_DIR/$f"
    fi
  done
}

azurite_stop() {
  need_run_dir
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
  need_run_dir
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  if [ -f "$RUN_DIR/azurite.pid" ] && kill -0 "$(cat "$RUN_DIR/azurite.pid")" 2>/dev/null; then
    log "Azurite is already running"; return 0
  fi
  # The same command line as start: same port, same data dir, so clients and their data carry on.
  start_azurite "$PGVAULT_AZURITE_PORT"
  log "Azurite blob on 127.0.0.1:$PGVAULT_AZURITE_PORT again"
}

hmac_b64() { # hmac_b64 TEXT: HMAC-SHA256 of TEXT with the target account's key, base64, URL-encoded
  local key_hex sig
  key_hex=$(printf '%s' "$TARGET_KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  sig=$(printf '%s' "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64 -w0)
  printf '%s' "$sig" | sed -e 's/+/%2B/g' -e 's/\//%2F/g' -e 's/=/%3D/g'
}

target_sas() { # target_sas CONTAINER: creates the container in the target account if missing, prints a SAS on it
  need_run_dir
  # shellcheck disable=SC1091
  source "$RUN_DIR/env.sh"
  local container="${1:?container name}"
  local version="2020-12-06" expiry to_sign
  expiry=$(date -u -d '+4 hours' +%Y-%m-%dT%H:%M:%SZ)
  # An account SAS that may only create containers, to make this one (string-to-sign of version 2020-12-06).
  printf -v to_sign '%s\n' "$TARGET_ACCOUNT" "c" "b" "c" "" "$expiry" "" "https,http" "$version" "" ""
  to_sign=${to_sign%$'\n'}
  curl -fsS -o /dev/null -X PUT -H "Content-Length: 0" \
    "$PGVAULT_TARGET_BLOB_ENDPOINT/$container?restype=container&sv=$version&ss=b&srt=c&sp=c&spr=https,http&se=${expiry//:/%3A}&sig=$(hmac_b64 "$to_sign")" \
    2>/dev/null || true # 409: it exists already
  # The container SAS a user would give a restore: read, create, write, list (service SAS, 2020-12-06).
  printf -v to_sign '%s\n' "rcwl" "" "$expiry" "/blob/$TARGET_ACCOUNT/$container" "" "" "https,http" "$version" \
    "c" "" "" "" "" "" "" ""
  to_sign=${to_sign%$'\n'} # the fields are joined by newlines; none follows the last
  printf 'sv=%s&spr=https,http&se=%s&sr=c&sp=rcwl&sig=%s\n' "$version" "${expiry//:/%3A}" "$(hmac_b64 "$to_sign")"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  standby) standby ;;
  azurite-stop) azurite_stop ;;
  azurite-start) azurite_start ;;
  target-sas) target_sas "${3:-}" ;;
  cluster) cluster "${3:-}" ;;
  *) echo "usage: $0 start|stop|standby|azurite-stop|azurite-start|target-sas|cluster [RUN_DIR] [CONTAINER|NAME]" >&2; exit 2 ;;
esac
