#!/usr/bin/env bash
# Start a throwaway PostgreSQL on loopback, run the given command with DATABASE_URL
# pointing at it, then stop it. Runs the server as the `postgres` user when root.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=${KEHU_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
PGDATA=$(mktemp -d /tmp/kehu-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap cleanup EXIT
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres kehu
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/kehu"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on $DATABASE_URL"
"$@"
