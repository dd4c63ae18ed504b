#!/usr/bin/env bash
# Console-driven pgbench against the same pgbench command line run from a shell: TPS ratio
# (console / shell) per pair, pairs alternating (console, shell, console, shell …) so that a
# machine drifting in speed moves both sides alike. Both sides print pgbench's own summary TPS
# (without connection time), from the identical command line (-P 1 --progress-timestamp -l …).
#
#   tests/bench/bench_console_vs_shell.sh [PGHA] [PAIRS] [SECONDS] [TARGET]
#
# Needs a running lab (pgha lab start) initialised for pgbench (pgha bench init --scale 10).
set -euo pipefail
PGHA="${1:-build/app/pgha}"
PAIRS="${2:-5}"
SECONDS_PER_RUN="${3:-10}"
TARGET="${4:-direct}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PGHA_BENCH_STORE="$WORK/store.jsonl"
eval "$("$PGHA" lab env)"      # PGPASSFILE for the shell side, as a user of the lab would

tps_of_summary() { sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$1" | tail -1; }

printf '%-12s %-8s %-10s %-10s %-7s\n' workload clients console shell ratio
for workload in select-only tpcb-like; do
  for clients in 1 8; do
    threads=$(( clients > 2 ? 2 : clients ))
    ratios=()
    for pair in $(seq 1 "$PAIRS"); do
      json="$WORK/console.json"
      "$PGHA" bench run --target "$TARGET" --builtin "$workload" -c "$clients" -j "$threads" -T "$SECONDS_PER_RUN" \
        --json --no-store >"$json" 2>/dev/null
      console=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["tpsSource"]=="pgbench", r["tpsSource"]; print(r["tps"])' "$json")
      # The console's command line, with its log prefix moved to this script's directory.
      cmd=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commandLine"])' "$json")
      cmd=$(sed -E "s#--log-prefix [^ ]+#--log-prefix $WORK/shell_log#" <<<"$cmd")
      (cd "$WORK" && eval "$cmd") >"$WORK/shell.out" 2>"$WORK/shell.err"
      shell=$(tps_of_summary "$WORK/shell.out")
      rm -f "$WORK"/shell_log*
      ratio=$(python3 -c "print(f'{$console/$shell:.4f}')")
      ratios+=("$ratio")
      printf '%-12s %-8s %-10.1f %-10.1f %-7s\n' "$workload" "$clients" "$console" "$shell" "$ratio"
    done
    python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f'  median ratio {statistics.median(r):.4f}  (min {min(r):.4f}, max {max(r):.4f}, {len(r)} pairs)')" "${ratios[@]}"
  done
done
