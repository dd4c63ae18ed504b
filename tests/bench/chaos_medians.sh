#!/usr/bin/env bash
# Every available chaos fault N times (default 5) on a native lab of its own (port offset 400,
# demo-fast timings unless PGHA_BENCH_PRESET says otherwise), each run measured by `pgha chaos`
# as a client sees it. Prints one line per fault — median / p95 / max RTO, median write gap and
# rejoin, lost writes, PASS count — and the peer figure each is read against: the budget that
# the Patroni and HAProxy timings predict (measured/budget ratio).
# Usage: tests/bench/chaos_medians.sh PATH/TO/pgha [N] [FAULT…]
set -euo pipefail
PGHA="${1:?path to pgha}"
N="${2:-5}"
shift $(( $# >= 2 ? 2 : $# ))
OFFSET="${PGHA_BENCH_OFFSET:-400}"
PRESET="${PGHA_BENCH_PRESET:-demo-fast}"
OUT="${PGHA_BENCH_OUT:-$(mktemp -d /tmp/pgha-bench-chaos.XXXXXX)}"
export PGHA_LAB_DIR="${PGHA_LAB_DIR:-$(mktemp -d /tmp/pgha-bench-chaos-lab.XXXXXX)}"
export PGHA_CHAOS_STORE="$OUT/runs.jsonl"
trap '"$PGHA" lab stop >/dev/null 2>&1 || true; rm -rf "$PGHA_LAB_DIR"' EXIT

FAULTS=("$@")
if [ ${#FAULTS[@]} -eq 0 ]; then
  mapfile -t FAULTS < <("$PGHA" chaos list --json --profile lab 2>/dev/null | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["id"])')
fi

"$PGHA" lab start --wipe --quiet --port-offset "$OFFSET" --timings "$PRESET" >/dev/null
echo "lab: $PRESET timings, port offset $OFFSET; reports in $OUT" >&2

for f in "${FAULTS[@]}"; do
  if ! "$PGHA" chaos list --json | python3 -c "import json,sys; sys.exit(0 if any(x['id']=='$f' and x['available'] for x in json.load(sys.stdin)) else 1)"; then
    echo "$f: unavailable here — $("$PGHA" chaos list --json | python3 -c "import json,sys; print(next(x['reason'] for x in json.load(sys.stdin) if x['id']=='$f'))")"
    continue
  fi
  extra=()
  [ "$f" = "stall-then-crash" ] && [ -n "${PGHA_BENCH_SYNC:-}" ] && extra=(--sync "$PGHA_BENCH_SYNC")
  "$PGHA" chaos "$f" --iterations "$N" --quiet --report "$OUT/$f.json" "${extra[@]}" > "$OUT/$f.txt" 2>&1 || true
  python3 - "$OUT/$f.json" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"{sys.argv[1]}: no report ({e})"); sys.exit(0)
s = doc["summary"]; runs = doc["runs"]
sec = lambda st, k: f"{st[k]/1000:.2f}" if st["count"] else "—"
budget = [r["budget_ms"] for r in runs if r["budget_ms"]]
ratio = f"{s['rto']['median_ms'] / budget[0]:.2f}" if budget and s["rto"]["count"] else "—"
t = runs[0]["timings"] if runs else {}
print(f"{s['fault']:<26} runs {s['runs']} pass {s['passed']}  RTO median {sec(s['rto'],'median_ms')} s "
      f"p95 {sec(s['rto'],'p95_ms')} max {sec(s['rto'],'max_ms')}  write gap median {sec(s['write_gap'],'median_ms')} s  "
      f"rejoin median {sec(s['rejoin'],'median_ms')} s  lost {s['lost_writes']}  "
      f"budget {budget[0]/1000 if budget else '—'} s  RTO/budget {ratio}  "
      f"(ttl {t.get('ttl')} loop_wait {t.get('loop_wait')} retry_timeout {t.get('retry_timeout')}, sync {t.get('synchronous_mode')})")
PY
done
