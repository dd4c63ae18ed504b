#!/usr/bin/env bash
# Cold starts of the native lab (from nothing: --wipe), N times, on a lab directory and port
# offset of their own: the wall time of each `pgha lab start` and, from its --json, where the
# time to healthy went stage by stage; then the median and range of each stage and of the total.
# The lab is stopped after every run and at the end (even when interrupted).
# Usage: tests/bench/lab_start_breakdown.sh PATH/TO/pgha [N] [PORT_OFFSET]
set -euo pipefail
PGHA="${1:?path to pgha}"
N="${2:-5}"
OFFSET="${3:-1900}"
export PGHA_LAB_DIR="${PGHA_LAB_DIR:-$(mktemp -d /tmp/pgha-bench-breakdown.XXXXXX)}"
RUNS="$(mktemp -d /tmp/pgha-bench-breakdown-runs.XXXXXX)"
trap '"$PGHA" lab stop >/dev/null 2>&1 || true; rm -rf "$PGHA_LAB_DIR" "$RUNS"' EXIT

now() { date +%s.%N; }
for i in $(seq 1 "$N"); do
  "$PGHA" lab stop >/dev/null 2>&1 || true
  t0=$(now)
  if ! "$PGHA" lab start --wipe --port-offset "$OFFSET" --json >"$RUNS/$i.json" 2>"$RUNS/$i.err"; then
    echo "run $i failed:" >&2; tail -5 "$RUNS/$i.err" >&2
  fi
  t1=$(now)
  echo "$t0 $t1 $(cut -d' ' -f1 /proc/loadavg)" >"$RUNS/$i.wall"
  "$PGHA" lab stop >/dev/null 2>&1 || true
done

python3 - "$RUNS" "$N" <<'PY'
import json, statistics, sys
runs, n = sys.argv[1], int(sys.argv[2])
stages, totals, walls = {}, [], []
for i in range(1, n + 1):
    try:
        o = json.load(open(f"{runs}/{i}.json"))
    except (OSError, ValueError):
        continue
    t0, t1, load = open(f"{runs}/{i}.wall").read().split()
    wall = float(t1) - float(t0)
    b = o.get("breakdown", {})
    if not o.get("ok"):
        print(f"run {i}: not healthy ({o.get('error')})")
        continue
    walls.append(wall); totals.append(b.get("totalMs", 0) / 1000)
    parts = []
    for s in b.get("stages", []):
        # Which member leads changes from run to run: the replicas are counted as "each replica".
        name = "replica (each)" if s["key"].startswith("replica:") else s["key"]
        key = ("  " if s.get("parallel") else "") + name
        if s.get("durationMs") is not None:
            stages.setdefault(key, []).append(s["durationMs"] / 1000)
            parts.append(f"{s['key']} {s['durationMs'] / 1000:.1f}")
    print(f"run {i}: wall {wall:.1f} s, healthy after {totals[-1]:.1f} s (load {load}): " + ", ".join(parts))
def line(name, xs):
    return f"{name:<24} median {statistics.median(xs):5.1f} s   range {min(xs):5.1f}–{max(xs):5.1f} s   n={len(xs)}"
print()
for key, xs in stages.items():
    print(line(key, xs))
if totals:
    print(line("healthy after (total)", totals))
    print(line("wall (whole command)", walls))
PY
