#!/usr/bin/env bash
# `npm test`, the README's test command and what CI runs: start the real Kafka broker and
# PostgreSQL server if they are not running, then lint (module boundaries included),
# type-check, build, and run every unit and integration test in one Jest run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/infra/up.sh
npm run --silent lint
npm run --silent typecheck
npm run --silent build

mkdir -p test-results
status=0
# PGlite loads its WebAssembly through dynamic import(), which Jest's VM allows only with this flag.
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --maxWorkers=2 --json --outputFile=test-results/jest.json "$@" || status=$?

# One plain closing line that any CI reader understands.
node -e '
  const r = require("./test-results/jest.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${r.numPendingTests} skipped`);
' || true
exit "$status"
