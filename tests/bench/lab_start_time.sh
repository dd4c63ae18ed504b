#!/usr/bin/env bash
# Time from `pgha lab start` to healthy, N times from nothing (--wipe) and N times warm (the
# same lab restarted from its data after a clean stop), on the default ports.
# Prints every run and the medians; the warm start is the peer the cold start is compared to.
# Usage: tests/bench/lab_start_time.sh PATH/TO/pgha [N]
set -euo pipefail
PGHA="${1:?path to pgha}"
N="${2:-3}"
export PGHA_LAB_DIR="${PGHA_LAB_DIR:-$(mktemp -d /tmp/pgha-bench.XXXXXX)}"
trap '"$PGHA" lab stop >/dev/null 2>&1 || true; rm -rf "$PGHA_LAB_DIR"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

cold=(); warm=()
for i in $(seq 1 "$N"); do
  "$PGHA" lab stop >/dev/null 2>&1 || true
  t0=$(now); "$PGHA" lab start --wipe --quiet >/dev/null; t1=$(now)
  cold+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")
  "$PGHA" lab stop >/dev/null 2>&1
  t0=$(now); "$PGHA" lab start --quiet >/dev/null; t1=$(now)
  warm+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')")
  printf 'run %d: cold %.1f s, warm %.1f s\n' "$i" "${cold[-1]}" "${warm[-1]}"
done
mc=$(printf '%s\n' "${cold[@]}" | median); mw=$(printf '%s\n' "${warm[@]}" | median)
printf 'median of %d: cold start (from nothing) %.1f s; warm start (reuse data) %.1f s; cold/warm %.2f×\n' \
  "$N" "$mc" "$mw" "$(awk -v a="$mc" -v b="$mw" 'BEGIN{print a/b}')"
