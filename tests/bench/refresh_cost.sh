#!/usr/bin/env bash
# Starts a lab, runs bench_refresh against it (console refresh vs `patronictl list`, idle CPU),
# and stops the lab. Usage: tests/bench/refresh_cost.sh BUILD_DIR [REFRESHES] [CTL_RUNS] [IDLE_S]
set -euo pipefail
BUILD="${1:?build dir}"
export PGHA_LAB_DIR="${PGHA_LAB_DIR:-$(mktemp -d /tmp/pgha-bench.XXXXXX)}"
trap '"$BUILD/app/pgha" lab stop >/dev/null 2>&1 || true; rm -rf "$PGHA_LAB_DIR"' EXIT
"$BUILD/app/pgha" lab start --wipe --quiet >/dev/null
"$BUILD/tests/bench_refresh" "${2:-50}" "${3:-10}" "${4:-30}"
