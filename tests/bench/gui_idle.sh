#!/usr/bin/env bash
# Idle cost of the whole GUI (polling, models, painting) at 1 Hz on a running lab, offscreen:
# CPU share of one core and RSS of the pgha-console process over a measuring window, after a
# warm-up. The peer is the headless observer of the same sources (bench_refresh's idle figure),
# run right after in the same script. Usage: tests/bench/gui_idle.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD="${1:?build dir}"
SECONDS_TO_MEASURE="${2:-30}"
"$BUILD/app/pgha" lab status >/dev/null || { echo "start a lab first: $BUILD/app/pgha lab start" >&2; exit 1; }
QT_QPA_PLATFORM=offscreen "$BUILD/app/gui/pgha-console" --interval 1000 >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 10   # warm-up: first rounds, first metrics scrape, the window painted
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); start=$(date +%s.%N)
sleep "$SECONDS_TO_MEASURE"
t1=$(ticks); end=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v s="$start" -v e="$end" -v rss="$rss" 'BEGIN {
  cpu = (t1 - t0) / hz; wall = e - s;
  printf "GUI idle at 1 Hz, every source, offscreen, %.0f s: %.2f %% of one core (%.2f s CPU), RSS %.1f MiB\n", wall, 100 * cpu / wall, cpu, rss / 1024 }'
kill $pid; wait $pid 2>/dev/null || true; trap - EXIT
"$BUILD/tests/bench_refresh" 3 0 "$SECONDS_TO_MEASURE" | grep '^idle'
