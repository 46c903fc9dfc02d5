#!/usr/bin/env bash
# Stops the throwaway test cluster started by pg-start.sh (the data directory stays for reuse).
set -euo pipefail
DIR="$(cd "$(dirname "$0")/.." && pwd)/.pgdata"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi
[ -f "$DIR/PG_VERSION" ] && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
