#!/usr/bin/env bash
# pgvault restore kit: restores the roles, then every database of this backup (RESTORE.md says which), into
# the PostgreSQL server named by the usual libpq variables:
#   PGHOST=... PGPORT=5432 PGUSER=... PGPASSWORD=... PGSSLMODE=require ./restore.sh
#
# Options:  --jobs N           parallel pg_restore jobs per database, and data parts of a split database
#                              restored at once (default 4)
#           --skip-roles       do not create the roles
#           --keep-superuser   keep SUPERUSER/REPLICATION/BYPASSRLS attributes (self-managed targets only):
#                              runs roles.keep-superuser.sql instead of roles.managed.sql
#           --into-existing    restore into databases that exist already (default: refuse them)
# Needs psql and pg_restore (major >= the dump's), base64, and zstd for .zst files.
#
# This script is the same for every backup. What it restores is data in restore-data.tsv (one database a
# line, or one a part of a database dumped in parts; names base64-encoded), checked line by line before anything
# is changed. A database in parts is restored as its schema (pre-data), then its data parts at once (at most
# --jobs), then indexes, constraints and the rest (post-data). The roles files were made
# from roles.sql by pgvault, which read it statement by statement (see RESTORE.md); this script runs them
# as they are and never edits SQL.
#
# Run by a non-superuser admin (Azure's: CREATEROLE, CREATEDB), the roles file makes the admin a member of the
# roles, and each database is restored in runs of consecutive archive entries (pg_restore -L): with their owners
# where the admin can act as the owner, with --no-owner where it cannot (the source's superuser, roles missing
# here), so those objects are the admin's. It prints which owners it mapped; RESTORE.md explains.
set -euo pipefail
cd "$(dirname "$0")"
JOBS=4; SKIP_ROLES=0; KEEP_SUPERUSER=0; INTO_EXISTING=0
DATA=restore-data.tsv
die() { printf 'restore.sh: %s\n' "$@" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; JOBS="$2"; shift 2 ;;
    --skip-roles) SKIP_ROLES=1; shift ;;
    --keep-superuser) KEEP_SUPERUSER=1; shift ;;
    --into-existing) INTO_EXISTING=1; shift ;;
    *) die "unknown option $(printf '%q' "$1")" "HINT: use --jobs N, --skip-roles, --keep-superuser or --into-existing." ;;
  esac
done
[[ "$JOBS" =~ ^[1-9][0-9]{0,2}$ ]] || die "--jobs wants a number from 1 to 999, not $(printf '%q' "$JOBS")"
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is needed but not installed"; }
need psql; need pg_restore; need base64
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d postgres)
FAILED=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# base64 of whole lines: one or more groups of four, padded.
B64_RE='^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$'
FILE_RE='^databases/[0-9]{4}_[A-Za-z0-9_-]+(\.(pre-data|post-data|data-[1-9][0-9]{0,3}))?\.dump(\.zst)?$'
PART_RE='^(-|pre-data|post-data|data-[1-9][0-9]{0,3})$'
COMP_RE='^((zstd|gzip)(:[0-9]{1,2})?|none)$'

# decode VAR BASE64: sets VAR; the trailing x keeps newlines at the end of a name, which $(...) would strip.
decode() {
  local out
  out=$(printf '%s' "$2" | base64 -d; printf x)
  printf -v "$1" '%s' "${out%x}"
}

bad_line() {
  die "line $1 of $DATA is not valid: $2" \
    "HINT: $DATA is written by pgvault and listed in SHA256SUMS; run 'sha256sum -c SHA256SUMS', and restore the backup again with pgvault if it was changed."
}

# next_part PREVIOUS PART: whether PART may follow PREVIOUS (the line before's part, "" at the start or after a
# whole database, or after post-data): "-" or pre-data, then data-1, data-2 ... in order, then post-data.
next_part() {
  case "$1:$2" in
    :-|:pre-data|pre-data:data-1|data-*:post-data) return 0 ;;
    data-*:data-*) [ "${2#data-}" = "$((${1#data-} + 1))" ] ;;
    *) return 1 ;;
  esac
}

# Reads and checks every line of the data file before anything is restored.
NAMES=(); FILES=(); COMPS=(); OWNERS=(); PARTS=()
read_data() {
  local n=0 line name64 file comp owner64 part rest name owner prev=""
  [ -f "$DATA" ] || die "$DATA is missing: this folder is not a complete restore kit" \
    "HINT: copy every file of the backup's folder (azcopy copy ... --recursive), or restore it again with pgvault."
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case "$line" in ''|'#'*) continue ;; esac
    IFS=$'\t' read -r name64 file comp owner64 part rest <<<"$line"
    [[ -n "$name64" && "$name64" =~ $B64_RE ]] || bad_line "$n" "the database name is not base64"
    [[ "$file" =~ $FILE_RE ]] || bad_line "$n" "the file name $(printf '%q' "$file") is not a database dump of this folder"
    [[ "$comp" =~ $COMP_RE ]] || bad_line "$n" "the compression $(printf '%q' "$comp") is unknown"
    [[ "$owner64" = - || ( -n "$owner64" && "$owner64" =~ $B64_RE ) ]] || bad_line "$n" "the owner is not base64 or -"
    [[ "$part" =~ $PART_RE ]] || bad_line "$n" "the part $(printf '%q' "$part") is unknown"
    [ -z "$rest" ] || bad_line "$n" "it has more than five fields"
    [[ "$part" = - || "$file" == *".$part.dump"* ]] || bad_line "$n" "the part $part does not fit $file"
    next_part "$prev" "$part" || bad_line "$n" "the part $part does not follow ${prev:-the start} (pre-data, data-1 ... data-N, post-data)"
    [[ -z "$prev" || "$prev" = - || "$prev" = post-data ]] || [ "$name64" = "${last64:-}" ] \
      || bad_line "$n" "a part of another database comes before this database's post-data"
    case "$part" in -|post-data) prev="" ;; *) prev=$part ;; esac
    last64=$name64
    case "$file:$comp" in
      *.zst:zstd*|*.dump:gzip*|*.dump:none) ;;
      *) bad_line "$n" "the compression $comp does not fit $file" ;;
    esac
    [ -f "$file" ] || die "$file (line $n of $DATA) is missing" \
      "HINT: copy every file of the backup's folder, then run restore.sh again."
    decode name "$name64"
    owner=""
    if [ "$owner64" != - ]; then decode owner "$owner64"; fi
    [ -n "$name" ] || bad_line "$n" "the database name is empty"
    NAMES+=("$name"); FILES+=("$file"); COMPS+=("$comp"); OWNERS+=("$owner"); PARTS+=("$part")
  done <"$DATA"
  [ -z "$prev" ] || die "$DATA ends before the post-data part of its last database" \
    "HINT: $DATA is written by pgvault and listed in SHA256SUMS; restore the backup again with pgvault."
}

create_roles() {
  local roles=roles.managed.sql
  if [ "$KEEP_SUPERUSER" = 1 ]; then roles=roles.keep-superuser.sql; fi
  [ -f "$roles" ] || die "$roles is missing: this folder is not a complete restore kit" \
    "HINT: restore the backup again with pgvault, or pass --skip-roles and create the roles by hand."
  echo "restore.sh: creating roles ($roles)"
  # Roles that exist already are altered, not created; an error is reported, the databases are still restored,
  # and the run ends "finished with errors" so that a lost role or membership is never silent.
  local errors=0
  psql -X -q -d postgres -f "$roles" 2>"$WORK/roles.err" || errors=1
  if [ -s "$WORK/roles.err" ]; then cat "$WORK/roles.err" >&2; fi
  if grep -q 'ERROR:' "$WORK/roles.err"; then errors=1; fi
  if [ "$errors" = 1 ]; then
    echo "restore.sh: the roles step reported errors (above); the databases are restored next" >&2
    FAILED=1
  fi
}

# Who restores: SUPERUSER (t/f), CAN (the pg_has_role privilege that lets ALTER ... OWNER TO a role: MEMBER on
# 15, SET from 16) and ME (the role's name, for messages).
SUPERUSER=t; CAN=MEMBER; ME=""
who_restores() {
  local row
  row=$(printf '%s\n' "SELECT rolsuper, CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' \
ELSE 'MEMBER' END, current_user FROM pg_roles WHERE rolname = current_user;" | "${PSQL[@]}" -At -F $'\t')
  IFS=$'\t' read -r SUPERUSER CAN ME <<<"$row"
  if [ "$SUPERUSER" != t ]; then
    echo "restore.sh: connected as $(printf '%q' "$ME"), not a superuser: it joins the roles it restores, and objects" \
      "whose owner it cannot act as here are restored owned by $(printf '%q' "$ME") (RESTORE.md, 'Restoring as a" \
      "non-superuser admin')"
  fi
}

# A conninfo string with the name quoted, so a name like 'a=b' or '-h' stays a database name.
conninfo() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "dbname='%s'" "$s"; }

# The roles of the server as pg_restore -l shows owners (line breaks as spaces; bytes as stored, hence
# SQL_ASCII, which turns encoding conversion off): USABLE, those this login can act as in database $1; OTHERS,
# the rest.
USABLE=(); OTHERS=()
load_roles() {
  local row
  USABLE=(); OTHERS=()
  while IFS= read -r -d '' row; do
    if [ "${row%%$'\t'*}" = t ]; then USABLE+=("${row#*$'\t'}"); else OTHERS+=("${row#*$'\t'}"); fi
  done < <(printf '%s\n' "SELECT pg_has_role(current_user, oid, :'can'), translate(rolname, E'\\n\\r', '  ') FROM pg_roles;" \
    | PGCLIENTENCODING=SQL_ASCII psql -X -q -v ON_ERROR_STOP=1 -At -0 -F $'\t' -v can="$CAN" -d "$(conninfo "$1")")
}

# owner_in LINE ROLE...: the longest ROLE that a pg_restore -l line ends with (its owner field), else fails.
owner_in() {
  local line=$1 r best="" found=1
  shift
  for r in "$@"; do
    if [[ "$line" == *" $r" ]] && [ "${#r}" -ge "${#best}" ]; then best=$r; found=0; fi
  done
  OWNER=$best
  return $found
}

# pg_restore -l: "ID; TABLEOID OID DESC SCHEMA NAME OWNER". Entries of these kinds never set an owner, so they
# run in whichever run they fall into; a DEFAULT ACL is ALTER DEFAULT PRIVILEGES FOR ROLE owner.
NEUTRAL_RE='^[0-9]+; [0-9]+ [0-9]+ (TABLE DATA|SEQUENCE SET|SEQUENCE OWNED BY|BLOBS|LARGE OBJECTS|ACL|COMMENT|SECURITY LABEL|INDEX|INDEX ATTACH|CONSTRAINT|CHECK CONSTRAINT|FK CONSTRAINT|TRIGGER|RULE|POLICY|ROW SECURITY|DEFAULT|MATERIALIZED VIEW DATA|CAST) '
DEFAULT_ACL_RE='^[0-9]+; [0-9]+ [0-9]+ DEFAULT ACL '

# mapped_owner LINE: the owner of an entry this login cannot act as, for the report.
mapped_owner() {
  if owner_in "$1" "${OTHERS[@]}"; then printf '%s' "$OWNER"; else printf '%s' "${1##* }"; fi
}

# restore_as_admin NAME SRC SHOWN: the archive's entries in order, split into runs of consecutive entries: with their
# owners, or with --no-owner where this login cannot act as the owner (so they are its own); default privileges
# of such an owner are left out (only that owner may set them). Says what it mapped.
restore_as_admin() {
  local name=$1 src=$2 shown=$3 line kind cur="" n=0 i rc=0 r
  local LC_ALL=C # names compared byte for byte
  local -a kinds=()
  local -A mapped=() skipped=()
  load_roles "$name"
  pg_restore -l "$src" >"$WORK/toc" || return 1
  rm -f "$WORK"/list.*
  while IFS= read -r line; do
    [[ "$line" =~ ^[0-9]+\; ]] || continue
    if [[ "$line" =~ $DEFAULT_ACL_RE ]] && ! owner_in "$line" "${USABLE[@]}"; then
      skipped["$(mapped_owner "$line")"]=1; continue
    fi
    if [[ "$line" == *' ' || "$line" =~ $NEUTRAL_RE ]]; then kind=${cur:-owned}
    elif owner_in "$line" "${USABLE[@]}"; then kind=owned
    else kind=mapped; mapped["$(mapped_owner "$line")"]=1
    fi
    if [ "$kind" != "$cur" ]; then n=$((n + 1)); kinds[n]=$kind; cur=$kind; fi
    printf '%s\n' "$line" >>"$WORK/list.$n"
  done <"$WORK/toc"
  for r in "${!mapped[@]}"; do
    echo "restore.sh: database $shown: objects owned by $(printf '%q' "$r") are restored owned by" \
      "$(printf '%q' "$ME") (it cannot act as $(printf '%q' "$r") on this server)"
  done
  for r in "${!skipped[@]}"; do
    echo "restore.sh: database $shown: the default privileges of $(printf '%q' "$r") (ALTER DEFAULT" \
      "PRIVILEGES FOR ROLE) are not restored: only $(printf '%q' "$r") may set them"
  done
  for ((i = 1; i <= n; i++)); do
    if [ "${kinds[i]}" = mapped ]; then set -- --no-owner; else set --; fi
    pg_restore --jobs "$JOBS" "$@" -L "$WORK/list.$i" --dbname "$(conninfo "$name")" "$src" || rc=1
  done
  return $rc
}

# set_owner NAME OWNER CREATED: the database's owner as in the source; a login that cannot act as it keeps a
# database it created (and says so) and leaves an existing one as it is.
set_owner() {
  local can
  if [ "$SUPERUSER" != t ]; then
    can=$(printf "SELECT count(*) FROM pg_roles WHERE rolname = :'owner' AND pg_has_role(current_user, oid, :'can');\n" \
      | "${PSQL[@]}" -At -v owner="$2" -v can="$CAN")
    if [ "$can" != 1 ]; then
      if [ "$3" = 1 ]; then
        echo "restore.sh: database $(printf '%q' "$1"): its owner $(printf '%q' "$2") is mapped to $(printf '%q' "$ME")" \
          "(it cannot act as $(printf '%q' "$2") on this server)"
      fi
      return 0
    fi
  fi
  printf 'ALTER DATABASE :"db" OWNER TO :"owner";\n' | "${PSQL[@]}" -v db="$1" -v owner="$2" || true
}

# prepare_db NAME OWNER: creates the database (or, with --into-existing, takes it as it is) and sets its owner;
# fails if it must not be restored into.
prepare_db() {
  local name=$1 owner=$2 exists shown
  shown=$(printf '%q' "$name")
  exists=$(printf "SELECT count(*) FROM pg_database WHERE datname = :'db';\n" | "${PSQL[@]}" -At -v db="$name")
  if [ "$exists" = 1 ] && [ "$name" != postgres ] && [ "$INTO_EXISTING" = 0 ]; then
    echo "restore.sh: database $shown exists already; drop it or pass --into-existing" >&2
    return 1
  fi
  # 'postgres' exists on every server: its objects are restored into it.
  if [ "$exists" = 0 ] && ! printf 'CREATE DATABASE :"db" TEMPLATE template0;\n' | "${PSQL[@]}" -v db="$name"; then
    echo "restore.sh: could not create $shown" >&2; return 1
  fi
  if [ -n "$owner" ]; then set_owner "$name" "$owner" "$((1 - exists))"; fi
  return 0
}

# restore_file NAME FILE COMPRESSION JOBS: one archive into the database; fails if pg_restore reported errors.
restore_file() {
  local name=$1 file=$2 comp=$3 src=$2 rc=0 shown JOBS=$4
  shown=$(printf '%q' "$name")
  case "$comp" in
    zstd*) src=$(mktemp -p "$WORK"); zstd -d -q -f -o "$src" "$file" || rc=1 ;;
  esac
  if [ "$rc" = 0 ] && [ "$SUPERUSER" = t ]; then
    pg_restore --jobs "$JOBS" --dbname "$(conninfo "$name")" "$src" || rc=1
  elif [ "$rc" = 0 ]; then
    restore_as_admin "$name" "$src" "$shown" || rc=1
  fi
  if [ "$src" != "$file" ]; then rm -f "$src"; fi
  if [ "$rc" != 0 ]; then echo "restore.sh: pg_restore reported errors for $shown ($file)" >&2; fi
  return $rc
}

restore_db() { # index of a whole database's line
  local i=$1
  echo "restore.sh: database $(printf '%q' "${NAMES[$i]}") from ${FILES[$i]}"
  prepare_db "${NAMES[$i]}" "${OWNERS[$i]}" || { FAILED=1; return 0; }
  restore_file "${NAMES[$i]}" "${FILES[$i]}" "${COMPS[$i]}" "$JOBS" || FAILED=1
  return 0
}

# restore_split FIRST LAST: the lines of one database in parts (pre-data ... post-data): the schema, then the data
# parts at once (at most --jobs, each a pg_restore of its own in its own work folder), then post-data.
restore_split() {
  local first=$1 last=$2 i name=${NAMES[$1]} marks
  echo "restore.sh: database $(printf '%q' "$name") in $((last - first + 1)) parts: pre-data, $((last - first - 1))" \
    "data part(s) at most $JOBS at once, post-data"
  prepare_db "$name" "${OWNERS[$first]}" || { FAILED=1; return 0; }
  restore_file "$name" "${FILES[$first]}" "${COMPS[$first]}" 1 || FAILED=1
  marks=$(mktemp -d -p "$WORK")
  for ((i = first + 1; i < last; i++)); do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    ( WORK=$(mktemp -d -p "$WORK") && restore_file "$name" "${FILES[$i]}" "${COMPS[$i]}" 1 ) || touch "$marks/$i" &
  done
  wait
  if [ -n "$(ls -A "$marks")" ]; then FAILED=1; fi
  restore_file "$name" "${FILES[$last]}" "${COMPS[$last]}" "$JOBS" || FAILED=1
  return 0
}

read_data
for c in "${COMPS[@]}"; do
  if [[ "$c" == zstd* ]]; then need zstd; break; fi
done
who_restores
if [ "$SKIP_ROLES" = 0 ] && [ -f roles.sql ]; then create_roles; fi
i=0
while [ "$i" -lt "${#NAMES[@]}" ]; do
  if [ "${PARTS[$i]}" = - ]; then restore_db "$i"; i=$((i + 1)); continue; fi
  last=$i
  while [ "${PARTS[$last]}" != post-data ]; do last=$((last + 1)); done
  restore_split "$i" "$last"
  i=$((last + 1))
done
if [ "$FAILED" = 0 ]; then echo "restore.sh: done"; else echo "restore.sh: finished with errors" >&2; exit 1; fi
