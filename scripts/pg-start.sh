#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: its own data directory (.pgdata), trust auth, listening
# on 127.0.0.1 only, nothing in /etc touched. Idempotent. Prints the URL of its database.
# Usage: scripts/pg-start.sh [port]
set -euo pipefail
PORT="${1:-54329}"
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/.pgdata"
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
PGBIN="$(find_bin)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg-start: PostgreSQL server binaries missing, installing them with apt" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  PGBIN="$(find_bin)"
fi
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi   # initdb and postgres refuse root
if [ ! -f "$DIR/PG_VERSION" ]; then
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$DIR" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  PORT="$(sed -n 4p "$DIR/postmaster.pid")"   # the running server's port, whoever started it
else
  # Another checkout's cluster may hold the port: take the next free one.
  while port_busy "$PORT"; do PORT=$((PORT + 1)); done
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -F -c max_connections=200" start >/dev/null
fi
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atqc "select 1 from pg_database where datname='archive_test'" | grep -q 1 ||
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres archive_test
echo "postgresql://postgres@127.0.0.1:$PORT/archive_test"
