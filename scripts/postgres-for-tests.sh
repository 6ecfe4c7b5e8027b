#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster that this script starts
# and always stops and removes afterwards, even when the command fails:
#
#     scripts/postgres-for-tests.sh .venv/bin/python -m pytest -q
#
# The command sees VLEDGER_TEST_POSTGRES=postgresql+psycopg://... (what
# tests/conftest.py reads) and VLEDGER_TEST_POSTGRES_REPLICA, a hot standby of
# it made with `pg_basebackup -R` that streams its WAL (the read-replica tests,
# docs/decisions/0057). Both listen on 127.0.0.1 only, on free ports, with a
# random password; their data lives in one temporary folder. The primary runs
# with fsync off: it is thrown away, and the tests kill vledger processes, never
# the database server. PostgreSQL is installed from Debian packages when missing
# (CI runs as root on a clean Debian machine, with no standard input).
set -euo pipefail

log() { echo "postgres-for-tests: $*" >&2; }

find_bindir() {
    local candidate
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return 0
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

install_postgres() {
    if [ "$(id -u)" != 0 ]; then
        log "PostgreSQL is not installed and this is not root; install the 'postgresql' package first"
        exit 1
    fi
    log "installing PostgreSQL from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null
    apt-get install -y -q --no-install-recommends postgresql </dev/null
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [ "$#" -eq 0 ]; then
    log "usage: $0 COMMAND [ARGUMENTS...]"
    exit 2
fi

BINDIR="$(find_bindir)" || { install_postgres; BINDIR="$(find_bindir)"; }

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/vledger-postgres.XXXXXX")"
PORT="$(free_port)"
PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
USER_NAME=vledger
DATABASE=vledger_test

# initdb and postgres refuse to run as root: as root, run them as `postgres`.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$WORKDIR"
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi

STARTED=0
REPLICA_STARTED=0
cleanup() {
    local status=$?
    if [ "$REPLICA_STARTED" = 1 ]; then
        as_server "$BINDIR/pg_ctl" -D "$WORKDIR/replica" -m immediate -w stop >/dev/null 2>&1 || true
        log "stopped the replica on 127.0.0.1:$REPLICA_PORT"
    fi
    if [ "$STARTED" = 1 ]; then
        as_server "$BINDIR/pg_ctl" -D "$WORKDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        log "stopped the cluster on 127.0.0.1:$PORT"
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "$PASSWORD" >"$WORKDIR/password"
chmod 600 "$WORKDIR/password"
[ "$(id -u)" = 0 ] && chown postgres "$WORKDIR/password"
as_server "$BINDIR/initdb" --pgdata="$WORKDIR/data" --username="$USER_NAME" --pwfile="$WORKDIR/password" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$WORKDIR/initdb.log" 2>&1 \
    || { cat "$WORKDIR/initdb.log" >&2; exit 1; }
rm -f "$WORKDIR/password"

# POSTGRES_DURABLE=1 keeps PostgreSQL's own defaults (fsync, synchronous_commit and full_page_writes on):
# what `vledger bench` measures, so that its commits cost what SQLite's do.
DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${POSTGRES_DURABLE:-0}" = 1 ] && DURABILITY="" && log "fsync, synchronous_commit and full_page_writes on"
as_server "$BINDIR/pg_ctl" -D "$WORKDIR/data" -l "$WORKDIR/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='$WORKDIR' -c max_connections=200 $DURABILITY" \
    >/dev/null || { cat "$WORKDIR/server.log" >&2; exit 1; }
STARTED=1
log "started PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($WORKDIR)"

PGPASSWORD="$PASSWORD" "$BINDIR/createdb" --host=127.0.0.1 --port="$PORT" --username="$USER_NAME" "$DATABASE"

# The replica: a base backup of the primary over its replication connection
# (127.0.0.1, the same user; the password in a passfile only the server user
# reads, never on a command line), started as a hot standby that follows it.
REPLICA_PORT="$(free_port)"
echo "127.0.0.1:$PORT:*:$USER_NAME:$PASSWORD" >"$WORKDIR/pgpass"
chmod 600 "$WORKDIR/pgpass"
[ "$(id -u)" = 0 ] && chown postgres "$WORKDIR/pgpass"
as_server env PGPASSFILE="$WORKDIR/pgpass" "$BINDIR/pg_basebackup" --host=127.0.0.1 --port="$PORT" \
    --username="$USER_NAME" --pgdata="$WORKDIR/replica" --write-recovery-conf --wal-method=stream \
    --checkpoint=fast --no-sync >"$WORKDIR/basebackup.log" 2>&1 \
    || { cat "$WORKDIR/basebackup.log" >&2; exit 1; }
as_server "$BINDIR/pg_ctl" -D "$WORKDIR/replica" -l "$WORKDIR/replica.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $REPLICA_PORT -c unix_socket_directories='$WORKDIR' -c max_connections=200 -c hot_standby=on -c max_standby_streaming_delay=1s -c fsync=off" \
    >/dev/null || { cat "$WORKDIR/replica.log" >&2; exit 1; }
REPLICA_STARTED=1
log "started its streaming replica on 127.0.0.1:$REPLICA_PORT"

export VLEDGER_TEST_POSTGRES="postgresql+psycopg://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
export VLEDGER_TEST_POSTGRES_REPLICA="postgresql+psycopg://$USER_NAME:$PASSWORD@127.0.0.1:$REPLICA_PORT/$DATABASE"
"$@"
