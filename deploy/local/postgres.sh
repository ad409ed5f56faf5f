#!/usr/bin/env bash
# Local PostgreSQL cluster for development, tests and CI (no Docker needed).
#
#   deploy/local/postgres.sh start|stop|status
#
# Data:    ${ITP_INFRA_DIR:-<repo>/.infra}/pg/data   (socket in .../pg/run, log in .../pg/postgres.log);
#          as root, if user postgres cannot traverse ITP_INFRA_DIR: /tmp/itp-pg-<cksum of ITP_INFRA_DIR>
# Listens: 127.0.0.1:${ITP_PG_PORT:-55432}
# Creates: role itp/itp (superuser, local only) and one database per service (and the gateway's API keys).
# DSN:     postgresql+asyncpg://itp:itp@127.0.0.1:55432/itp_<service>
#
# PostgreSQL refuses to run as root: when this script runs as root, initdb/pg_ctl run as the
# "postgres" OS user (created by Debian's package) and the cluster directory is chowned to it.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
INFRA_DIR="${ITP_INFRA_DIR:-$REPO_ROOT/.infra}"
PG_PORT="${ITP_PG_PORT:-55432}"
PG_ROOT="" PG_DATA="" PG_RUN="" PG_LOG="" PG_PIDFILE=""
READY_TIMEOUT_S="${ITP_PG_READY_TIMEOUT:-60}"
DATABASES=(itp_demand itp_matching itp_contracts itp_talent itp_dashboard itp_gateway)

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { printf '[postgres] ERROR: %s\n' "$*" >&2; exit 1; }

# The cluster lives in $INFRA_DIR/pg, unless we are root and the postgres user cannot traverse
# $INFRA_DIR (e.g. a clone under /root, mode 700): then in a fixed per-INFRA_DIR folder of /tmp.
resolve_paths() {
    PG_ROOT="$INFRA_DIR/pg"
    if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1 \
        && ! runuser -u postgres -- test -x "$INFRA_DIR" 2>/dev/null; then
        PG_ROOT="/tmp/itp-pg-$(printf '%s' "$INFRA_DIR" | cksum | cut -d ' ' -f 1)"
    fi
    PG_DATA="$PG_ROOT/data"
    PG_RUN="$PG_ROOT/run"
    PG_LOG="$PG_ROOT/postgres.log"
    PG_PIDFILE="$PG_ROOT/postgres.pid"
}

find_pg_bin() {
    local d
    d="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" ]]; then
        printf '%s\n' "$d"
    fi
}

ensure_installed() {
    PG_BIN="$(find_pg_bin)"
    if [[ -z "$PG_BIN" ]] || ! command -v psql >/dev/null 2>&1; then
        [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and we are not root: apt-get install postgresql"
        log "installing Debian's postgresql packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >&2
        PG_BIN="$(find_pg_bin)"
        [[ -n "$PG_BIN" ]] || die "postgresql installed but no /usr/lib/postgresql/*/bin/pg_ctl found"
    fi
}

# Run a PostgreSQL server binary as the cluster owner (never as root).
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

owner_name() { if [[ $EUID -eq 0 ]]; then echo postgres; else id -un; fi; }

psql_admin() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U "$(owner_name)" -d postgres
}

is_running() {
    [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

server_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

init_cluster() {
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (it comes with Debian's postgresql-common)"
    fi
    mkdir -p "$PG_ROOT"
    chmod 755 "$PG_ROOT"
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$PG_ROOT"
        runuser -u postgres -- test -x "$PG_ROOT" -a -w "$PG_ROOT" \
            || die "user postgres cannot reach $PG_ROOT: every parent directory needs o+x (set ITP_INFRA_DIR elsewhere, e.g. /tmp/itp-infra)"
        [[ "$PG_ROOT" == "$INFRA_DIR/pg" ]] \
            || log "user postgres cannot traverse $INFRA_DIR: cluster kept in $PG_ROOT instead"
    fi
    as_owner mkdir -p "$PG_RUN"
    # The server (running as the owner) appends to the log: create it as the owner too.
    as_owner touch "$PG_LOG"
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        local locale=C
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
        log "initdb $PG_DATA (UTF8, locale $locale)"
        rm -rf "$PG_DATA"
        as_owner "$PG_BIN/initdb" -D "$PG_DATA" -E UTF8 --locale="$locale" \
            --auth-local=trust --auth-host=scram-sha-256 -U "$(owner_name)" >>"$PG_LOG" 2>&1 \
            || { tail -n 30 "$PG_LOG" >&2; die "initdb failed (log: $PG_LOG)"; }
        # Only loopback TCP, with passwords; local socket is trusted (it lives in our private dir).
        as_owner sh -c "cat > '$PG_DATA/pg_hba.conf'" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
EOF
        as_owner sh -c "echo \"include_if_exists = 'itp.conf'\" >> '$PG_DATA/postgresql.conf'"
    fi
    # Regenerated on every start so that ITP_PG_PORT / ITP_INFRA_DIR changes take effect.
    as_owner sh -c "cat > '$PG_DATA/itp.conf'" <<EOF
# Written by deploy/local/postgres.sh on every start: do not edit.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 300
shared_buffers = 256MB
fsync = on
password_encryption = 'scram-sha-256'
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

wait_ready() {
    local deadline=$((SECONDS + READY_TIMEOUT_S))
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; do
        if ((SECONDS >= deadline)); then
            tail -n 30 "$PG_LOG" >&2 || true
            die "PostgreSQL not ready on 127.0.0.1:$PG_PORT after ${READY_TIMEOUT_S}s (log: $PG_LOG)"
        fi
        sleep 0.2
    done
}

ensure_roles_and_databases() {
    psql_admin <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'itp') THEN
    CREATE ROLE itp;
  END IF;
END
$$;
ALTER ROLE itp WITH LOGIN SUPERUSER PASSWORD 'itp';
SQL
    local list
    list="$(printf "'%s'," "${DATABASES[@]}")"
    psql_admin <<SQL
SELECT format('CREATE DATABASE %I OWNER itp', d)
FROM unnest(ARRAY[${list%,}]) AS d
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SQL
}

cmd_start() {
    ensure_installed
    mkdir -p "$INFRA_DIR"
    chmod 755 "$INFRA_DIR"
    resolve_paths
    if is_running; then
        wait_ready
        ensure_roles_and_databases
        server_pid >"$PG_PIDFILE"
        log "already running (pid $(server_pid)) on 127.0.0.1:$PG_PORT"
        return 0
    fi
    local t0=$SECONDS
    init_cluster
    log "starting PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PG_PORT"
    if ! as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$READY_TIMEOUT_S" start >/dev/null; then
        tail -n 30 "$PG_LOG" >&2 || true
        die "pg_ctl start failed (log: $PG_LOG)"
    fi
    wait_ready
    ensure_roles_and_databases
    server_pid >"$PG_PIDFILE"
    log "ready in $((SECONDS - t0))s (pid $(cat "$PG_PIDFILE")); databases: ${DATABASES[*]}"
}

cmd_stop() {
    PG_BIN="$(find_pg_bin)"
    if [[ -z "$PG_BIN" || ! -f "$PG_DATA/PG_VERSION" ]]; then
        log "no cluster at $PG_DATA: nothing to stop"
        rm -f "$PG_PIDFILE"
        return 0
    fi
    if is_running; then
        log "stopping (pid $(server_pid))"
        if ! as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null; then
            # Fall back to the recorded PID only (SIGQUIT = immediate shutdown).
            local pid
            pid="$(cat "$PG_PIDFILE" 2>/dev/null || true)"
            if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
                log "pg_ctl stop failed; sending SIGQUIT to recorded pid $pid"
                kill -QUIT "$pid"
                for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
                ! kill -0 "$pid" 2>/dev/null || die "PostgreSQL pid $pid did not exit"
            else
                die "pg_ctl stop failed (log: $PG_LOG)"
            fi
        fi
        log "stopped"
    else
        log "not running"
    fi
    rm -f "$PG_PIDFILE"
}

cmd_status() {
    PG_BIN="$(find_pg_bin)"
    if [[ -n "$PG_BIN" ]] && is_running && pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; then
        echo "postgres: running (pid $(server_pid)) on 127.0.0.1:$PG_PORT, data $PG_DATA"
        return 0
    fi
    echo "postgres: not running (data $PG_DATA)"
    return 3
}

resolve_paths
case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
