#!/usr/bin/env bash
# The first comparison a thesis prints: what each entry point costs against a single PostgreSQL
# with no HA at all. standalone vs direct vs rw vs ro vs pgpool, select-only and tpcb-like
# (ro only for select-only: TPC-B writes), median of REPEAT runs with a 95 % CI, with Patroni's
# synchronous_mode off and then on. Writes one Markdown report per (mode, workload) to OUT_DIR.
#
#   tests/bench/bench_entry_points.sh [PGHA] [REPEAT] [SECONDS] [CLIENTS] [OUT_DIR]
#
# Needs the native lab started with --pgpool and initialised (pgha bench init --scale 10); the
# standalone baseline is started on demand. synchronous_mode is set back to off at the end.
set -euo pipefail
PGHA="${1:-build/app/pgha}"
REPEAT="${2:-3}"
SECS="${3:-10}"
CLIENTS="${4:-4}"
OUT="${5:-$(mktemp -d)}"
THREADS=$(( CLIENTS > 2 ? 2 : CLIENTS ))
mkdir -p "$OUT"
export PGHA_BENCH_STORE="${PGHA_BENCH_STORE:-$OUT/bench-runs.jsonl}"

set_sync() {
  # (refused when it is already so: the loop below checks what counts)
  "$PGHA" config set "synchronous_mode=$1" --yes --no-probe >/dev/null 2>&1 || true
  # Patroni applies it on its next loop; wait until the primary says so.
  for _ in $(seq 1 30); do
    [ "$(psql -At -c 'show synchronous_standby_names' 2>/dev/null)" != "" ] && [ "$1" = true ] && return
    [ "$(psql -At -c 'show synchronous_standby_names' 2>/dev/null)" = "" ] && [ "$1" = false ] && return
    sleep 1
  done
  echo "synchronous_mode=$1 did not take effect in 30 s" >&2
  exit 1
}
trap 'set_sync false || true' EXIT
eval "$("$PGHA" lab env)"
"$PGHA" lab standalone start >/dev/null
"$PGHA" bench init --scale 10 --target standalone >/dev/null 2>&1

for mode in false true; do
  set_sync "$mode"
  for workload in select-only tpcb-like; do
    targets=standalone,direct,rw,ro,pgpool
    [ "$workload" = tpcb-like ] && targets=standalone,direct,rw,pgpool
    "$PGHA" bench run --target "$targets" --builtin "$workload" -c "$CLIENTS" -j "$THREADS" -T "$SECS" \
      --repeat "$REPEAT" --warmup 3 --label "entry-points sync=$mode" \
      --report "$OUT/entry-points-sync-$mode-$workload.md" >/dev/null 2>"$OUT/entry-points-sync-$mode-$workload.log"
    echo "== synchronous_mode=$mode, $workload"
    sed -n '/^| configuration/,$p' "$OUT/entry-points-sync-$mode-$workload.md"
  done
done
echo "reports and the run store: $OUT"
