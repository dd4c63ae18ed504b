#!/usr/bin/env bash
# The write gap a client sees during `pgha switchover`, N times (alternating the leader), on a
# native lab of its own (port offset 800, demo-fast timings unless PGHA_BENCH_PRESET says otherwise).
# The write probe inserts through HAProxy's read-write port every 100 ms; the peer figure is the
# REST call's own duration — what `patronictl switchover` waits for and reports as done.
# Prints every run and the medians. Usage: tests/bench/switchover_gap.sh PATH/TO/pgha [N]
set -euo pipefail
PGHA="${1:?path to pgha}"
N="${2:-5}"
OFFSET="${PGHA_BENCH_OFFSET:-800}"
PRESET="${PGHA_BENCH_PRESET:-demo-fast}"
export PGHA_LAB_DIR="${PGHA_LAB_DIR:-$(mktemp -d /tmp/pgha-bench-switchover.XXXXXX)}"
JOURNAL="$(mktemp /tmp/pgha-bench-journal.XXXXXX)"
trap '"$PGHA" lab stop >/dev/null 2>&1 || true; rm -rf "$PGHA_LAB_DIR" "$JOURNAL"' EXIT

"$PGHA" lab start --wipe --quiet --port-offset "$OFFSET" --timings "$PRESET" >/dev/null
sleep 3   # let every replica stream before the first run

for i in $(seq 1 "$N"); do
  "$PGHA" switchover --yes --json --journal "$JOURNAL" --reason "bench run $i" > /tmp/pgha-bench-run.json || {
    echo "run $i failed:"; cat /tmp/pgha-bench-run.json; exit 1; }
  python3 - "$i" /tmp/pgha-bench-run.json <<'PY'
import json, sys
e = json.load(open(sys.argv[2])); o = e["outcome"]
print(f"run {sys.argv[1]}: {e['leaderBefore']} -> {o['newLeader']}  new leader {o['timeToNewLeaderMs']/1000:.2f} s  "
      f"REST call {o['requestMs']/1000:.2f} s  write gap {o['writeGapMs']/1000:.2f} s  converged {o['convergedMs']/1000:.2f} s  "
      f"({o['writesAcknowledged']} writes acknowledged, {o['writesFailed']} failed)")
PY
  sleep 5   # the old leader rejoins as a replica before the next switchover
done

python3 - "$JOURNAL" "$PRESET" <<'PY'
import json, statistics, sys
runs = [json.loads(l)["outcome"] for l in open(sys.argv[1]) if l.strip()]
ok = [r for r in runs if r["result"] == "succeeded"]
med = lambda k: statistics.median(r[k] for r in ok) / 1000
print(f"median of {len(ok)} switchovers ({sys.argv[2]} timings): write gap {med('writeGapMs'):.2f} s, "
      f"new leader {med('timeToNewLeaderMs'):.2f} s, REST call {med('requestMs'):.2f} s, converged {med('convergedMs'):.2f} s; "
      f"write gap / REST call {med('writeGapMs') / med('requestMs'):.2f}x")
PY
