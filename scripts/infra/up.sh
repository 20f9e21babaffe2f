#!/usr/bin/env bash
# Starts local PostgreSQL and Kafka (concurrently) and waits until both answer. Idempotent:
# a second run only checks that both answer. Callable from any directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
t0=$SECONDS

# Both scripts block until their service answers, so waiting on them is waiting on the services.
bash scripts/infra/postgres.sh start &
pg_pid=$!
bash scripts/infra/kafka.sh start &
kafka_pid=$!

rc=0
wait "$pg_pid" || { echo "[infra] postgres failed to start" >&2; rc=1; }
wait "$kafka_pid" || { echo "[infra] kafka failed to start" >&2; rc=1; }
[[ $rc -eq 0 ]] || exit 1

db_url="${DATABASE_URL:-postgres://connector_events:connector_events@127.0.0.1:5432/connector_events}"
broker="${KAFKA_BROKERS:-127.0.0.1:9092}"
# Mask the password (user:pass@ -> user:***@) before printing.
echo "[infra] up in $((SECONDS - t0)) s"
echo "[infra] postgres answers on $(sed -E 's#^([a-z]+://[^:/@]*):[^@]*@#\1:***@#' <<<"$db_url")"
broker="${broker%%,*}"
echo "[infra] kafka answers on 127.0.0.1:${broker##*:}"
