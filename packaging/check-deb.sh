#!/usr/bin/env bash
# The .deb, end to end, per Debian release: build it in a clean container, then install it in
# another, fresh one (with Recommends, so the native lab's components come from Debian) and use
# it there: the CLI, the native lab, the console's window (offscreen), the desktop files.
#
#   packaging/check-deb.sh [bookworm|trixie|all]        default: all
#
# For each SUITE (containers from pgha/debian-base:SUITE, built from the host's apt mirror
# when missing; caches in /var/cache/pgha-ccache-SUITE and /var/cache/pgha-apt-SUITE):
#   build   install the build packages, build the two programs (PGHA_WERROR=ON, no tests) and
#           `cpack -G DEB` (scripts/dev.sh package); dpkg-deb -I and lintian on the result;
#           desktop-file-validate and appstreamcli validate on the desktop files, with SUITE's tools
#   install apt-get install ./pgha-console_*.deb --install-recommends in a fresh container
#           (services kept from starting, as in any container), then: the files where desktops
#           look (applications, metainfo, hicolor icons, manual pages), no library missing (ldd),
#           pgha --version, pgha-console --version (no display), pgha lab start / status / stop
#           as root (the lab drops to `postgres`),
#           pgha-console --screenshot offscreen on the running lab (a non-empty PNG)
# Results, the .deb and the screenshot go to /var/tmp/pgha-deb/SUITE/ (PGHA_DEB_OUT moves it).
# Every container is removed at the end, whatever happens; exit status non-zero on any FAIL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/container-lib.sh"

OUT_ROOT="${PGHA_DEB_OUT:-/var/tmp/pgha-deb}"

case "${1:-all}" in
  all) suites=(trixie bookworm) ;;
  bookworm|trixie) suites=("$1") ;;
  *) die "usage: $0 [bookworm|trixie|all]" ;;
esac
ctr_preflight

# In the build container: the package, its metadata, lintian, and the desktop files' validators.
build_script='
set -euo pipefail
mkdir -p /src && tar -x -C /src
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends ccache lintian desktop-file-utils appstream >/dev/null
cd /src
export PKG_BUILD_DIR=/build PGHA_WERROR=ON CMAKE_CXX_COMPILER_LAUNCHER=ccache
start=$(date +%s)
scripts/dev.sh package
echo "package build took $(( $(date +%s) - start )) s"
ccache -s | grep -Ei "hit|miss" | head -4 || true
cp /build/pgha-console_*.deb /out/
deb=$(ls /out/pgha-console_*.deb)
dpkg-deb -I "$deb" | tee /out/dpkg-deb-info.txt
dpkg-deb -c "$deb" > /out/dpkg-deb-contents.txt
echo "--- lintian $(lintian --version)"
lintian --info --display-info --pedantic "$deb" 2>&1 | tee /out/lintian.txt || true
rc=0
echo "--- desktop-file-validate $(dpkg-query -W -f="\${Version}" desktop-file-utils)"
desktop-file-validate packaging/pgha-console.desktop 2>&1 | tee /out/desktop-file-validate.txt || rc=1
[ -s /out/desktop-file-validate.txt ] && rc=1   # it prints nothing when the file is valid
echo "--- appstreamcli validate ($(appstreamcli --version | head -1))"
appstreamcli validate --no-net --pedantic packaging/io.github.pgha.console.metainfo.xml 2>&1 \
  | tee /out/appstreamcli-validate.txt || rc=1
exit $rc
'

installed_checks() {  # $1 container
  local c="$1" missing=0 f size
  for f in /usr/bin/pgha /usr/bin/pgha-console /usr/share/applications/pgha-console.desktop \
           /usr/share/metainfo/io.github.pgha.console.metainfo.xml \
           /usr/share/icons/hicolor/scalable/apps/pgha-console.svg \
           /usr/share/doc/pgha-console/copyright /usr/share/doc/pgha-console/changelog.Debian.gz \
           /usr/share/man/man1/pgha.1.gz /usr/share/man/man1/pgha-console.1.gz; do
    docker exec "$c" test -s "$f" || { echo "missing: $f"; missing=1; }
  done
  for size in 16 24 32 48 64 128 256 512; do
    f=/usr/share/icons/hicolor/${size}x${size}/apps/pgha-console.png
    docker exec "$c" test -s "$f" || { echo "missing: $f"; missing=1; }
  done
  # No library the programs need is missing (a Depends line shlibdeps got wrong).
  if docker exec "$c" sh -c 'ldd /usr/bin/pgha /usr/bin/pgha-console | grep "not found"'; then missing=1; fi
  [ $missing -eq 0 ] && echo "desktop file, metainfo, icons (8 sizes + SVG), doc files, manual pages, libraries: all in place"
  return $missing
}

screenshot() {  # $1 container $2 out dir
  local c="$1" out="$2"
  docker exec -e QT_QPA_PLATFORM=offscreen "$c" \
    pgha-console --screenshot /tmp/pgha-console.png --screenshot-delay 5000 || return 1
  docker cp "$c:/tmp/pgha-console.png" "$out/screenshot.png" || return 1
  [ -s "$out/screenshot.png" ] && file "$out/screenshot.png" 2>/dev/null | grep -q 'PNG image' \
    || [ "$(head -c 4 "$out/screenshot.png" | od -An -c | tr -d ' ')" = '211PNG' ]
}

check_suite() {
  local suite="$1" out="$OUT_ROOT/$1" c
  rm -rf "$out" && mkdir -p "$out"
  step "$suite" "build: scripts/dev.sh package (PGHA_WERROR=ON), lintian, desktop-file-validate, appstreamcli validate" \
    ctr_run "$suite" build -v "$out:/out" -- bash -c "$build_script" < <(ctr_source_tar) > >(tee "$out/build.log") 2>&1 \
    || true
  sleep 1
  if ! ls "$out"/pgha-console_*.deb >/dev/null 2>&1; then
    PGHA_SUMMARY+=("FAIL  $suite  no package was built: the remaining steps did not run (log: $out/build.log)")
    PGHA_FAILED=1
    return
  fi
  grep -q . "$out/lintian.txt" 2>/dev/null || echo "(lintian: no tags)" >"$out/lintian.txt"

  # The fresh container: the base image and the package, nothing else. policy-rc.d keeps the
  # packages' services (postgresql, etcd, haproxy …) from starting, as Docker's own images do:
  # the lab runs its own on the same ports.
  c="$PGHA_RUN_ID-install-$suite"
  PGHA_CONTAINERS+=("$c")
  docker run -d --rm --init --name "$c" --hostname "pgha-$suite" --shm-size 1g \
    -v "$PGHA_CACHE_ROOT/pgha-apt-$suite:/var/cache/apt/archives" -v "$out:/pkg:ro" \
    -e LANG=C.UTF-8 "pgha/debian-base:$suite" sleep infinity >/dev/null
  docker exec "$c" sh -c 'printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'

  step "$suite" "install: apt-get install ./$(basename "$out"/pgha-console_*.deb) --install-recommends (fresh container)" \
    docker exec "$c" sh -c 'apt-get update -q >/dev/null && apt-get install -y -q --install-recommends /pkg/pgha-console_*.deb' \
    > "$out/install.log" 2>&1 || { tail -30 "$out/install.log"; }
  docker exec "$c" sh -c 'apt-mark showmanual | wc -l; dpkg-query -W -f="\${Package} \${Version}\n" pgha-console patroni etcd-server haproxy pgbouncer pgpool2 libqt6core6 libqt6core6t64 "postgresql-[0-9]*" 2>/dev/null | awk "NF == 2" | grep -v "^postgresql-[0-9]*-"' \
    > "$out/installed-versions.txt" 2>&1 || true
  step "$suite" "files where desktops look, ldd" installed_checks "$c" > >(tee "$out/files.log") 2>&1 || true
  step "$suite" "pgha --version" docker exec "$c" pgha --version > >(tee "$out/version.log") 2>&1 || true
  # No display in the container: help and version answer all the same (a manual page's source).
  step "$suite" "pgha-console --version without a display" docker exec "$c" pgha-console --version \
    > >(tee -a "$out/version.log") 2>&1 || true
  step "$suite" "pgha lab start (as root)" docker exec "$c" pgha lab start > "$out/lab-start.log" 2>&1 \
    || tail -30 "$out/lab-start.log"
  step "$suite" "pgha lab status" docker exec "$c" pgha lab status > >(tee "$out/lab-status.log") 2>&1 || true
  step "$suite" "pgha-console --screenshot (offscreen, on the running lab)" screenshot "$c" "$out" \
    > "$out/screenshot.log" 2>&1 || tail -20 "$out/screenshot.log"
  step "$suite" "pgha lab stop" docker exec "$c" pgha lab stop > >(tee "$out/lab-stop.log") 2>&1 || true
  # (the pattern's brackets keep it from matching this very shell's command line)
  step "$suite" "no lab process left after stop" \
    docker exec "$c" sh -c 'left=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\0" " " | tr -s " " | grep -aoE "[p]atroni|[e]tcd --|[p]gbouncer|[h]aproxy|[p]gpool|[p]ostgres_exporter|[p]ostgres -D" | sort | uniq -c); [ -z "$left" ] || { echo "still running: $left"; exit 1; }' || true
  docker rm -f "$c" >/dev/null 2>&1 || true

  {
    echo "package: $(basename "$out"/pgha-console_*.deb) ($(stat -c %s "$out"/pgha-console_*.deb) bytes)"
    grep -E '^ (Depends|Recommends|Suggests|Installed-Size):' "$out/dpkg-deb-info.txt" || true
  } | tee "$out/summary.txt"
}

start=$(date +%s)
for suite in "${suites[@]}"; do
  check_suite "$suite"
done
print_summary | tee "$OUT_ROOT/last-summary.txt"
echo "took $(( $(date +%s) - start )) s; results in $OUT_ROOT/SUITE/" | tee -a "$OUT_ROOT/last-summary.txt"
exit "$PGHA_FAILED"
