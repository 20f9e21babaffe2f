#!/usr/bin/env bash
# `npm test`, the README's test command and what CI runs: start the real Kafka broker and
# PostgreSQL server if they are not running, then lint (module boundaries included),
# type-check, build, and run every unit and integration test in one Jest run, then the
# isolated tests (see jest.config.js) alone.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/infra/up.sh
npm run --silent lint
npm run --silent typecheck
npm run --silent build

mkdir -p test-results
rm -f test-results/jest*.json
status=0
# PGlite loads its WebAssembly through dynamic import(), which Jest's VM allows only with this flag.
export NODE_OPTIONS=--experimental-vm-modules
if [ "$#" -gt 0 ]; then
  npx jest --ci --maxWorkers=2 --json --outputFile=test-results/jest.json "$@" || status=$?
else
  npx jest --ci --maxWorkers=2 --selectProjects unit integration --json --outputFile=test-results/jest.json || status=$?
  # Tests that read a shared topic with a service's own consumers run alone, after the rest.
  npx jest --ci --runInBand --selectProjects isolated --json --outputFile=test-results/jest-isolated.json || status=$?
fi

# One plain closing line that any CI reader understands.
node -e '
  const fs = require("fs");
  const runs = ["jest.json", "jest-isolated.json"].map((f) => "./test-results/" + f).filter((f) => fs.existsSync(f)).map((f) => require(f));
  const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests") + sum("numRuntimeErrorTestSuites")} failed, ${sum("numPendingTests")} skipped`);
' || true
exit "$status"
