#!/usr/bin/env bash
# Local PostgreSQL for dev and tests, using Debian's packaged cluster (pg_ctlcluster).
# Usage: scripts/infra/postgres.sh {start|stop|status}
#   start   if a server already answers on DATABASE_URL: only ensure role + database (best effort);
#           else install postgresql (apt) if needed, start the cluster, create role + database
#   stop    stop the local cluster (data kept; `start` brings it back)
#   status  exit 0 when a server answers on DATABASE_URL
# Env: DATABASE_URL (default postgres://connector_events:connector_events@127.0.0.1:5432/connector_events),
#      PG_CLUSTER (the Debian cluster name, default main; another name and port in DATABASE_URL give
#      a second, private server, e.g. to try fault tests without disturbing tests that use the main one)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

export DATABASE_URL="${DATABASE_URL:-postgres://connector_events:connector_events@127.0.0.1:5432/connector_events}"

log() { echo "[infra] postgres: $*"; }
die() { echo "[infra] postgres: $*" >&2; exit 1; }

# WHATWG URL parsing handles percent-encoding; node is always there (npm project).
eval "$(node -e '
  const u = new URL(process.env.DATABASE_URL);
  const q = (s) => "\x27" + String(s).replace(/\x27/g, "\x27\\\x27\x27") + "\x27";
  const v = { PGH: u.hostname.replace(/^\[|\]$/g, ""), PGP: u.port || "5432",
    PGU: decodeURIComponent(u.username), PGPW: decodeURIComponent(u.password),
    PGD: decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) };
  for (const [k, x] of Object.entries(v)) console.log(`${k}=${q(x)}`);
')" || die "cannot parse DATABASE_URL"
SAFE_URL="postgres://$PGU:***@$PGH:$PGP/$PGD"   # for messages: never print the password
CLUSTER="${PG_CLUSTER:-main}"

answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PGH" -p "$PGP" -t 2
  else
    (exec 3<>"/dev/tcp/$PGH/$PGP") 2>/dev/null
  fi
}

is_local() { case "$PGH" in 127.0.0.1|localhost|::1) return 0 ;; *) return 1 ;; esac; }

# Password login over TCP, exactly as the application will connect.
can_login() {
  command -v psql >/dev/null || return 1
  PGPASSWORD="$PGPW" PGCONNECT_TIMEOUT=5 psql -X -q -tA -h "$PGH" -p "$PGP" -U "$PGU" -d "$PGD" \
    -c 'select 1' >/dev/null 2>&1
}

# Superuser psql over the local socket (peer auth as the postgres OS user).
as_postgres() {
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PGP" -d postgres "$@"
}

# Create role + database if missing; `reset_password` also (re)sets the password (our own cluster only).
ensure_role_db() {
  local reset_password="$1"
  can_login && return 0
  if ! id postgres >/dev/null 2>&1 || ! command -v psql >/dev/null; then
    log "warning: cannot log in as $SAFE_URL and no local superuser access to create it"
    return 1
  fi
  local alter=""
  [[ "$reset_password" == yes ]] && alter="ALTER ROLE %I WITH LOGIN CREATEDB PASSWORD %L"
  # psql variables (:'u') are quoted by psql itself; format(%I/%L) quotes identifiers/literals.
  as_postgres -v u="$PGU" -v p="$PGPW" -v d="$PGD" -v alter="$alter" -f - >/dev/null <<'SQL' || return 1
SELECT format('CREATE ROLE %I WITH LOGIN CREATEDB PASSWORD %L', :'u', :'p')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format(:'alter', :'u', :'p') WHERE :'alter' <> '' \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'d', :'u')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d') \gexec
SQL
  can_login
}

# Highest installed server major version, e.g. 15.
pg_version() { ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed 's:/usr/lib/postgresql/\([0-9]*\)/.*:\1:' | sort -n | tail -n1; }

install_server() {
  command -v pg_ctlcluster >/dev/null && [[ -n "$(pg_version)" ]] && return 0
  [[ $EUID -eq 0 ]] || die "PostgreSQL server is not installed; run as root or: sudo apt-get install postgresql"
  log "installing postgresql with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null </dev/null
}

start() {
  if answers; then
    # Our own Debian cluster: we may also reset the password. Any other server: only create what is missing.
    local ours=no
    is_local && pg_lsclusters -h 2>/dev/null | awk -v p="$PGP" '$3 == p && $4 == "online" { f = 1 } END { exit !f }' && ours=yes
    ensure_role_db "$ours" || die "a server answers on $PGH:$PGP but login as $SAFE_URL fails (wrong password or no such role/database?)"
    log "ready on $SAFE_URL (already running)"
    return 0
  fi
  is_local || die "no server answers on $PGH:$PGP (not a local address, so not starting one)"
  install_server
  local ver
  ver="$(pg_version)"
  if ! pg_lsclusters -h | awk -v v="$ver" -v c="$CLUSTER" '$1 == v && $2 == c { f = 1 } END { exit !f }'; then
    log "creating cluster $ver/$CLUSTER on port $PGP"
    pg_createcluster "$ver" "$CLUSTER" -p "$PGP" >/dev/null
  fi
  # The cluster must listen on the port DATABASE_URL names (Debian may have picked 5433 etc.).
  if [[ "$(pg_conftool -s "$ver" "$CLUSTER" show port 2>/dev/null || echo 5432)" != "$PGP" ]]; then
    pg_conftool "$ver" "$CLUSTER" set port "$PGP"
  fi
  log "starting cluster $ver/$CLUSTER"
  pg_ctlcluster "$ver" "$CLUSTER" start || true   # "already running" is fine; pg_isready decides
  for _ in $(seq 60); do answers && break; sleep 0.5; done
  answers || die "cluster $ver/$CLUSTER did not come up; see /var/log/postgresql/postgresql-$ver-$CLUSTER.log"
  ensure_role_db yes || die "could not create/log in as role '$PGU' (database '$PGD')"
  log "ready on $SAFE_URL"
}

stop() {
  local ver
  ver="$(pg_version)"
  if [[ -z "$ver" ]] || ! command -v pg_ctlcluster >/dev/null; then log "no local cluster"; return 0; fi
  if pg_lsclusters -h | awk -v v="$ver" -v c="$CLUSTER" '$1 == v && $2 == c && $4 == "online" { f = 1 } END { exit !f }'; then
    pg_ctlcluster "$ver" "$CLUSTER" stop
    log "cluster $ver/$CLUSTER stopped"
  else
    log "cluster $ver/$CLUSTER not running"
  fi
}

status() {
  if answers; then log "running on $PGH:$PGP"; else log "nothing answers on $PGH:$PGP"; return 3; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
