#!/usr/bin/env bash
# The test command: starts the real services (PostgreSQL from Debian's packages, Azurite from npm) on
# loopback, runs every test against them, and stops them again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUN_DIR="$(mktemp -d /tmp/pgvault-test.XXXXXX)"
cleanup() { scripts/services.sh stop "$RUN_DIR" || true; }
trap cleanup EXIT
scripts/services.sh start "$RUN_DIR"
# shellcheck disable=SC1091
source "$RUN_DIR/env.sh"
./mvnw -B -ntp verify "$@"
