#!/usr/bin/env bash
# From source on a clean Debian: `scripts/dev.sh test` (warnings as errors, as CI) in a fresh
# container of SUITE, on the working tree as it is (uncommitted edits included). A check to run
# before a release, not in CI: the whole suite takes about half an hour. docs/packaging.md keeps
# the last result.
#
#   packaging/check-source.sh [trixie|bookworm]      default: trixie
#
# Inside the container there is no Docker engine: the Docker lab's tests skip and say so.
# The log goes to /var/tmp/pgha-check-source-SUITE.log as well as to the terminal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/container-lib.sh"

suite="${1:-trixie}"
case "$suite" in bookworm|trixie) ;; *) die "usage: $0 [bookworm|trixie]" ;; esac
ctr_preflight
log="/var/tmp/pgha-check-source-$suite.log"

# What runs in the container: unpack the tree piped in, then the README's test command.
inner='
set -euo pipefail
mkdir -p /src && tar -x -C /src
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends ccache >/dev/null
cd /src
export BUILD_DIR=/build PGHA_WERROR=ON CMAKE_CXX_COMPILER_LAUNCHER=ccache
scripts/dev.sh deps
echo "versions: Debian $(cat /etc/debian_version);" \
  $(dpkg-query -W -f="\${Package} \${Version}\n" qt6-base-dev patroni etcd-server haproxy pgbouncer pgpool2 \
    "postgresql-[0-9]*" 2>/dev/null | awk "NF == 2 && \$1 !~ /^postgresql-[0-9]+-/ {print \$0 \";\"}" | tr "\n" " ")
start=$(date +%s)
# Niced: on a shared machine another build may be running; the tests below are not niced.
if ! nice -n 10 scripts/dev.sh build; then
  # Every compile error at once, not only the first: build on past failures, then stop.
  nice -n 10 cmake --build /build -- -k 0 2>&1 | grep -E "error:|FAILED" || true
  echo "build failed after $(( $(date +%s) - start )) s"
  exit 1
fi
echo "build took $(( $(date +%s) - start )) s"
ccache -s | grep -Ei "hit|miss" | head -4 || true
start=$(date +%s)
rc=0
scripts/dev.sh test || rc=$?
echo "tests took $(( $(date +%s) - start )) s (exit $rc)"
exit $rc
'

start=$(date +%s)
step "$suite" "scripts/dev.sh test from source (PGHA_WERROR=ON)" \
  ctr_run "$suite" source -- bash -c "$inner" < <(ctr_source_tar) > >(tee "$log") 2>&1 || true
sleep 1   # tee's last lines
grep -E 'tests passed|^versions:|^build took|^tests took' "$log" || true
echo "log: $log"
print_summary
exit "$PGHA_FAILED"
