#!/usr/bin/env bash
# Set up, build, run and test PG HA Console on Debian 12 (and derivatives).
#
#   scripts/dev.sh run   [console args…]   install what is missing, build, start the console on the native lab
#   scripts/dev.sh test                     install what is missing, build, run the whole test suite
#   scripts/dev.sh deps | build | bench     the single steps
#   scripts/dev.sh sanitize [EXECUTIONS]    unit tests and the fuzzer under ASan + UBSan (build-sanitize/)
#   scripts/dev.sh package                  the .deb of this Debian release (build-pkg/, no tests built)
#
# Environment: BUILD_DIR (default: build), PGHA_WERROR=ON (warnings are errors; CI sets it),
# PGHA_FORCE_APT=1 (always apt-get update + install, even when everything looks installed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"

# Build tools and libraries. qt6-charts-dev's CMake package needs Qt6OpenGL, which it does
# not depend on, hence libqt6opengl6-dev.
# dpkg-dev: dpkg-shlibdeps, which gives the .deb its Depends (build-essential brings it too).
BUILD_PACKAGES=(build-essential dpkg-dev cmake ninja-build pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev qtkeychain-qt6-dev
  libyaml-cpp-dev libpq-dev fonts-dejavu-core
  help2man)   # the manual pages, from each program's --help
# The lab's real components. python3-etcd is only one alternative in patroni's Depends.
LAB_PACKAGES=(postgresql postgresql-client patroni python3-etcd etcd-server etcd-client
  haproxy pgbouncer prometheus-postgres-exporter pgpool2 util-linux procps iproute2 curl
  openssl     # openssl: the lab's own CA and REST certificate (pgha lab start --rest-tls)
  python3-jsonschema    # the chaos report is validated against docs/chaos-report.schema.json
  python3-yaml          # experiment plans are validated against docs/experiment-plan.schema.json
  poppler-utils         # pdftoppm: the tests render the PDF reports to pages and look at them
  debootstrap)          # the Docker lab's base image without a registry (lab-stack/docker/build-base-image.sh)
# Packages that start a system service listening on a lab port (5432, 2379, 6432 …).
DAEMON_PACKAGES=(postgresql etcd-server pgbouncer haproxy patroni prometheus-postgres-exporter pgpool2)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

deps() {
  if ! command -v apt-get >/dev/null; then
    say "no apt-get: install the packages listed in README.md (macOS/Windows notes there), then run: $0 build"
    exit 1
  fi
  local all=("${BUILD_PACKAGES[@]}" "${LAB_PACKAGES[@]}") missing newly_daemons=()
  missing=$(missing_packages "${all[@]}" | tr '\n' ' ')
  if [ -z "$missing" ] && [ -z "${PGHA_FORCE_APT:-}" ]; then
    say "all Debian packages present"
    docker_deps
    return
  fi
  for p in "${DAEMON_PACKAGES[@]}"; do
    case " $missing " in *" $p "*) newly_daemons+=("$p") ;; esac
  done
  say "installing: ${missing:-(forced) ${all[*]}}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${all[@]}"
  docker_deps
  # The lab runs its own etcd, PostgreSQL, PgBouncer and HAProxy on the default ports; the
  # system services these packages just started would hold those ports. Stop only what this
  # script installed, and say so.
  if [ -d /run/systemd/system ] && [ ${#newly_daemons[@]} -gt 0 ]; then
    local svc
    for svc in postgresql etcd pgbouncer haproxy patroni prometheus-postgres-exporter pgpool2; do
      if systemctl is-enabled --quiet "$svc" 2>/dev/null || systemctl is-active --quiet "$svc" 2>/dev/null; then
        say "stopping and disabling the system service '$svc' that was just installed (the lab runs its own)"
        as_root systemctl disable --now "$svc" || true
      fi
    done
  fi
}

# The Docker lab needs an engine and Compose. An engine already installed (Docker CE, Docker
# Desktop, Debian's docker.io) is kept as it is: only a missing Compose is added. Without any
# engine, Debian's docker.io is installed and started where systemd runs; if it still does not
# answer, the Docker tests skip with the reason.
docker_deps() {
  local want=()
  # Inside a container (packaging/check-source.sh) there is no engine to talk to: installing
  # docker.io there would only add 100 MB that cannot run.
  if [ -e /.dockerenv ] || [ -e /run/.containerenv ]; then
    say "inside a container: no Docker engine here, the Docker lab's tests will be skipped (the native lab needs none)"
    return
  fi
  command -v docker >/dev/null || want+=(docker.io)
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
    want+=(docker-compose)
  fi
  if [ ${#want[@]} -gt 0 ]; then
    say "installing for the Docker lab: ${want[*]}"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${want[@]}"
  fi
  if ! docker version >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    as_root systemctl start docker 2>/dev/null || true
  fi
  docker version --format 'Docker engine {{.Server.Version}}' 2>/dev/null \
    || say "no Docker engine answers: the Docker lab's tests will be skipped (the native lab needs none)"
}

build() {
  say "building in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGHA_WERROR="${PGHA_WERROR:-OFF}"
  cmake --build "$BUILD_DIR" --parallel "$(nproc 2>/dev/null || echo 2)"
}

run_tests() {
  say "running the test suite (unit, integration on the real native lab, gui offscreen)"
  # Stop a test lab left by an interrupted earlier run before starting (its state says how).
  local lab suffix
  lab=$(sed -n 's/^PGHA_TEST_LAB_DIR:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
  for suffix in "" -failures -gui-close; do
    [ -n "$lab" ] && PGHA_LAB_DIR="$lab$suffix" "$BUILD_DIR/app/pgha" lab stop >/dev/null 2>&1 || true
  done
  [ -n "$lab" ] && PGHA_LAB_DIR="$lab-docker" "$BUILD_DIR/app/pgha" lab stop --volumes >/dev/null 2>&1 || true
  QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600
}

# ASan + UBSan (LeakSanitizer included) over the unit tests and the parser fuzzer, in a build
# directory of their own. Undefined behaviour and leaks fail the run. EXECUTIONS (default 20000)
# mutated inputs for the fuzzer; docs/fuzzing.md records the long runs.
sanitize() {
  local dir="${SANITIZE_BUILD_DIR:-$ROOT/build-sanitize}" executions="${1:-20000}"
  say "sanitizer build (address,undefined) in $dir"
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DPGHA_SANITIZE=address,undefined -DPGHA_WERROR="${PGHA_WERROR:-OFF}"
  cmake --build "$dir" --target pgha_unit_tests --parallel "$(nproc 2>/dev/null || echo 2)"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0"
  say "unit tests under ASan + UBSan"
  QT_QPA_PLATFORM=offscreen ctest --test-dir "$dir" -L unit -E 'unit\.fuzz_parsers' --output-on-failure --timeout 600
  say "fuzzer under ASan + UBSan: $executions executions"
  (cd "$dir" && "$dir/tests/fuzz_parsers" "$executions")
}

# The .deb for the Debian release this runs on (its Depends come from the linked libraries, so
# a package is built per release): only the two programs, in a build folder of its own.
# packaging/check-deb.sh builds and installs it in clean containers of Debian 12 and 13.
package() {
  local dir="${PKG_BUILD_DIR:-$ROOT/build-pkg}" missing
  missing=$(missing_packages "${BUILD_PACKAGES[@]}" | tr '\n' ' ')
  if [ -n "$missing" ]; then
    say "installing: $missing"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${BUILD_PACKAGES[@]}"
  fi
  # Debian's hardening flags, as a Debian package build uses them (lintian looks for them):
  # stack protector, _FORTIFY_SOURCE, format-security, relro and bind-now.
  local hardening=()
  if command -v dpkg-buildflags >/dev/null; then
    export DEB_BUILD_MAINT_OPTIONS="${DEB_BUILD_MAINT_OPTIONS:-hardening=+all}"
    hardening=(-DCMAKE_CXX_FLAGS="$(cd "$ROOT" && dpkg-buildflags --get CPPFLAGS) $(cd "$ROOT" && dpkg-buildflags --get CXXFLAGS)"
               -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)")
  fi
  say "building the package in $dir"
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGHA_BUILD_TESTS=OFF \
    -DPGHA_WERROR="${PGHA_WERROR:-OFF}" "${hardening[@]}"
  cmake --build "$dir" --parallel "$(nproc 2>/dev/null || echo 2)"
  (cd "$dir" && cpack -G DEB)
  say "built: $(ls "$dir"/pgha-console_*.deb)"
}

case "${1:-}" in
  deps) deps ;;
  build) build ;;
  run)
    shift
    deps
    build
    say "starting the console on the native lab (the lab keeps running after the window closes; stop it with: $BUILD_DIR/app/pgha lab stop)"
    exec "$BUILD_DIR/app/gui/pgha-console" --lab native "$@"
    ;;
  test) deps; build; run_tests ;;
  sanitize) shift; sanitize "$@" ;;
  package) package ;;
  bench) build; "$ROOT/tests/bench/lab_start_time.sh" "$BUILD_DIR/app/pgha" "${2:-3}" ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
