#!/usr/bin/env bash
# Stops local Kafka (controlled shutdown) and the local PostgreSQL cluster. Data is kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

rc=0
bash scripts/infra/kafka.sh stop || rc=1
bash scripts/infra/postgres.sh stop || rc=1
[[ $rc -eq 0 ]] && echo "[infra] down" || echo "[infra] down: some services did not stop cleanly" >&2
exit $rc
